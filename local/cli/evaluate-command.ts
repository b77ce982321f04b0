import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, evaluateCeiling, evaluationWindows, type CeilingReport, type EvaluationOptions, type EvaluationProgress, type EvaluationReport } from '../evaluation/evaluate';
import { evaluateForecasts, type ForecastEvaluationReport } from '../evaluation/evaluate-forecasts';
import { formatCeilingReport, formatForecastReport, formatReport } from '../evaluation/report-table';
import { UsageError } from './errors';
import { progressBar } from './progress';

export interface EvaluateCommandOptions extends EvaluationOptions {
  /** the lake folder to build (must be empty or absent); a temporary folder, removed after, when not given */
  lake?: string;
  /** also write the report as JSON to this file */
  json?: string;
  /** only the forecasts: the same fits and scores, without the day-by-day stock risk and alerts (much faster) */
  forecastOnly?: boolean;
  /** only the ceiling: simulate and score the oracle, no lake and no pipeline (seconds, not minutes) */
  ceilingOnly?: boolean;
}

/**
 * `retail-lake evaluate`: simulates a fresh lake with the simulator's truth, runs the pipeline, and scores stock
 * risk's flags and demand estimates against what really happened. The figures are measured, not asserted.
 */
export async function evaluateCommand(opts: EvaluateCommandOptions & { ceilingOnly: true }): Promise<CeilingReport>;
export async function evaluateCommand(opts: EvaluateCommandOptions & { forecastOnly: true; ceilingOnly?: false }): Promise<ForecastEvaluationReport>;
export async function evaluateCommand(opts: EvaluateCommandOptions & { forecastOnly?: false; ceilingOnly?: false }): Promise<EvaluationReport>;
export async function evaluateCommand(opts: EvaluateCommandOptions): Promise<EvaluationReport | ForecastEvaluationReport | CeilingReport>;
export async function evaluateCommand(opts: EvaluateCommandOptions): Promise<EvaluationReport | ForecastEvaluationReport | CeilingReport> {
  try {
    evaluationWindows(opts.days);
  } catch (err) {
    throw new UsageError(`--days: ${(err as Error).message}`);
  }
  if (opts.ceilingOnly && opts.forecastOnly) throw new UsageError('--ceiling-only and --forecast-only: choose one');
  if (opts.ceilingOnly) {
    if (opts.lake !== undefined) throw new UsageError('--ceiling-only builds no lake: leave out --lake');
    const report = evaluateCeiling({ seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days });
    process.stdout.write(formatCeilingReport(report));
    if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    return report;
  }
  if (opts.lake !== undefined && existsSync(opts.lake) && readdirSync(opts.lake).length > 0) {
    throw new UsageError(`lake ${opts.lake} is not empty: evaluate builds its own lake (pass an empty or new folder, or no --lake)`);
  }
  const lake = opts.lake ?? mkdtempSync(join(tmpdir(), 'retail-lake-evaluate-lake-'));
  mkdirSync(lake, { recursive: true });
  // a bar left running keeps the process alive: whatever happens, the one showing is stopped
  let bar: ReturnType<typeof progressBar> | undefined;
  try {
    const progress: EvaluationProgress = {
      simulatedDay: (day) => {
        bar ??= progressBar('simulate', opts.days, 'days');
        bar.update(day + 1);
      },
      simulated: () => {
        // the pipeline run shows its own bar
        bar?.stop();
        bar = undefined;
      },
      riskDay: (done, total) => {
        bar ??= progressBar(opts.forecastOnly ? 'fit as of' : 'fit, stock risk, alerts as of', total, 'days');
        bar.update(done);
      },
    };
    const options = { seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days };
    const report = opts.forecastOnly ? await evaluateForecasts(lake, options, progress) : await evaluate(lake, options, progress);
    bar?.stop();
    bar = undefined;
    process.stdout.write('stockoutRate' in report ? formatReport(report) : formatForecastReport(report));
    if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    return report;
  } finally {
    bar?.stop();
    if (opts.lake === undefined) rmSync(lake, { recursive: true, force: true });
  }
}
