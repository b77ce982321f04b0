import { FsObjectStore } from '../adapters/fs-object-store';
import { withLockedRuntime } from '../cli/locked-runtime';
import { runPipelineWithProgress } from '../cli/run-command';
import { addDays } from '../simulator/time-zones';
import type { SimulationTruth } from '../simulator/truth';
import { alertQuality, stockoutRate, type AlertQuality, type DayFlags } from './alert-quality';
import { forecastAccuracy, type ForecastAccuracy } from './forecast-accuracy';
import { simulateIntoLake } from './simulate-into-lake';
import { stockRiskAsOf, type RiskAsOf } from './stock-risk-as-of';

export interface EvaluationOptions {
  seed: number;
  stores: number;
  skus: number;
  days: number;
}

/** Evaluation days [from, to] of the window that ends with simulated day `end` (exclusive), forecasts scored on [forecastFrom, to]. */
export interface EvaluationWindow {
  end: number;
  from: number;
  to: number;
  forecastFrom: number;
}

export interface WindowResult extends EvaluationWindow {
  alerts: AlertQuality;
  forecast: ForecastAccuracy;
}

export interface EvaluationReport {
  options: EvaluationOptions;
  startDate: string;
  /** share of store-SKU-days with lost sales over the whole run */
  stockoutRate: number;
  /** what the forecast figures score */
  forecastModel: string;
  windows: WindowResult[];
}

/** Days of history before the first evaluated day (at most half the run, for short runs). */
const WARM_UP_DAYS = 28;
/** The issue measures at 56 and 112 simulated days; evaluation windows are at most this long. */
const WINDOW_ENDS = [56, 112];
const WINDOW_DAYS = 56;
const FORECAST_DAYS = 28;
export const MIN_DAYS = 14;

/**
 * Windows ending at days 56 and 112 (those the run reaches) and at the run's end: each is its last 56 days, or
 * every day after the warm-up. As-of-correct flags make a window ending at 56 inside a longer run the same as a
 * 56-day run, with the truth after it known.
 */
export function evaluationWindows(days: number): EvaluationWindow[] {
  if (!Number.isInteger(days) || days < MIN_DAYS) throw new RangeError(`evaluation needs at least ${MIN_DAYS} days, got ${days}`);
  const warmUp = Math.min(WARM_UP_DAYS, Math.floor(days / 2));
  const ends = [...new Set([...WINDOW_ENDS.filter((e) => e <= days), days])].sort((a, b) => a - b);
  return ends.map((end) => {
    const from = Math.max(warmUp, end - WINDOW_DAYS);
    return { end, from, to: end - 1, forecastFrom: Math.max(from, end - FORECAST_DAYS) };
  });
}

/**
 * Scores stock risk's flags and demand estimates of each day against the truth. `riskByDay` holds stock risk as
 * of every day from the day before the first window through the last (the forecast for day t is the estimate
 * made as of t - 1).
 */
export function scoreWindows(truth: SimulationTruth, riskByDay: ReadonlyMap<number, RiskAsOf>, windows: readonly EvaluationWindow[]): WindowResult[] {
  const flags: DayFlags[] = [...riskByDay].sort(([a], [b]) => a - b).map(([day, r]) => ({ day, level: r.level }));
  const forecast = (pair: number, day: number): number | null => {
    const estimate = riskByDay.get(day - 1)?.dailyDemand[pair];
    return estimate === undefined || Number.isNaN(estimate) ? null : estimate;
  };
  return windows.map((w) => ({
    ...w,
    alerts: alertQuality(truth, flags, w.from, w.to),
    forecast: forecastAccuracy(truth, forecast, w.forecastFrom, w.to),
  }));
}

/** Runs the pipeline over what was ingested; a failed or parked batch ends the evaluation (its figures would be wrong). */
async function runPipelineToEnd(lakeRoot: string): Promise<void> {
  const outcome = await runPipelineWithProgress(lakeRoot);
  const bad = outcome.runs.find((r) => r.status === 'failed' || r.status === 'parked');
  if (bad) throw new Error(`the pipeline ${bad.status === 'parked' ? 'parked a batch' : 'failed'}: ${bad.error?.Error ?? ''}: ${bad.error?.Cause ?? ''} (see retail-lake status)`);
}

export interface EvaluationProgress {
  simulatedDay(day: number): void;
  riskDay(done: number, total: number): void;
}

/**
 * The whole check on an empty lake folder: simulate with the truth, ingest, run the pipeline once over everything,
 * then run stock risk as of each evaluation day and score it.
 */
export async function evaluate(lakeRoot: string, opts: EvaluationOptions, progress: EvaluationProgress): Promise<EvaluationReport> {
  const windows = evaluationWindows(opts.days);
  const { truth } = await simulateIntoLake(
    new FsObjectStore(lakeRoot),
    { seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days },
    { onDay: progress.simulatedDay, afterIngest: () => runPipelineToEnd(lakeRoot) },
  );
  const first = windows[0].from - 1;
  const riskByDay = new Map<number, RiskAsOf>();
  await withLockedRuntime(lakeRoot, async (rt) => {
    for (let day = first; day < truth.days; day++) {
      progress.riskDay(day - first, truth.days - first);
      riskByDay.set(day, await stockRiskAsOf(rt.warehouse, rt.settings, truth, addDays(truth.startDate, day)));
    }
    progress.riskDay(truth.days - first, truth.days - first);
  });
  return {
    options: opts,
    startDate: truth.startDate,
    stockoutRate: stockoutRate(truth),
    forecastModel: 'stock risk demand estimate as of the day before (demand_average.sql: trailing mean)',
    windows: scoreWindows(truth, riskByDay, windows),
  };
}
