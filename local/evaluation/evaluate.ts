import { forecastDailySql } from '../../functions/lib/forecast/forecast-sql';
import type { FitForecastsResult } from '../../functions/lib/pipeline/state';
import { asIsoDate } from '../../functions/lib/risk/stock-risk-sql';
import { fitForecasts } from '../../functions/pipeline/fit-forecasts/fit-forecasts';
import { FsObjectStore } from '../adapters/fs-object-store';
import { withLockedRuntime } from '../cli/locked-runtime';
import type { LocalRuntime } from '../local-runtime';
import { runPipelineWithProgress } from '../cli/run-command';
import { addDays } from '../simulator/time-zones';
import { simulateEvents, type SimulatorStats } from '../simulator';
import type { SimulationTruth } from '../simulator/truth';
import { diagnoseAlerts, type AlertDiagnosis } from './alert-diagnosis';
import { alertQuality, type AlertQuality, type DayFlags } from './alert-quality';
import { forecastAccuracy, type ForecastAccuracy, type ForecastFn } from './forecast-accuracy';
import { windowCeiling, type WindowCeiling } from './oracle';
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
  /** why flags were wrong: false positives and missed stockouts against what stock risk saw */
  diagnosis: AlertDiagnosis;
  forecast: ForecastAccuracy;
  /** the best any method could expect on the same truth (oracle.ts) */
  ceiling: WindowCeiling;
}

export interface EvaluationReport {
  options: EvaluationOptions;
  startDate: string;
  /** the simulator's stockout rate over the whole run: store-SKU open days out of stock at close or with lost sales */
  stockoutRate: number;
  /** each weekly fit's own backtest (forecast_accuracy rows), for reference */
  fits: { fittedThrough: string | null; accuracy: FitForecastsResult['accuracy'] }[];
  /** wall time of each stage, seconds */
  seconds: { simulate: number; pipeline: number; asOfDays: number };
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

/** The forecast for each store-SKU (index store * skus + sku) and day, from the fit before that day; NaN = none. */
export type ForecastByDay = Float64Array[];

/** The recorded forecasts as forecastAccuracy reads them (null where there is none). */
export function recordedForecast(forecasts: ForecastByDay): ForecastFn {
  return (pair, day) => {
    const f = forecasts[pair]?.[day];
    return f === undefined || Number.isNaN(f) ? null : f;
  };
}

/**
 * Scores stock risk's flags and messages of each day, and the forecasts, against the truth. `riskByDay` holds the
 * as-of runs of every day from the day before the first window through the last.
 */
export function scoreWindows(truth: SimulationTruth, riskByDay: ReadonlyMap<number, RiskAsOf>, forecasts: ForecastByDay, windows: readonly EvaluationWindow[]): WindowResult[] {
  const flags: DayFlags[] = [...riskByDay].sort(([a], [b]) => a - b).map(([day, r]) => ({ day, level: r.level, messages: r.messages }));
  const forecast = recordedForecast(forecasts);
  return windows.map((w) => ({
    ...w,
    alerts: alertQuality(truth, flags, w.from, w.to),
    diagnosis: diagnoseAlerts(truth, riskByDay, w.from, w.to),
    forecast: forecastAccuracy(truth, forecast, w.forecastFrom, w.to),
    ceiling: windowCeiling(truth, w),
  }));
}

/** `retail-lake evaluate --ceiling-only`: the ceiling alone, on a simulated truth (no lake, no pipeline). */
export interface CeilingReport {
  options: EvaluationOptions;
  startDate: string;
  stockoutRate: number;
  seconds: { simulate: number; ceiling: number };
  windows: (EvaluationWindow & { ceiling: WindowCeiling })[];
}

/** Simulates the run evaluate would (same options, same truth) without writing it anywhere, and scores the oracle. */
export function evaluateCeiling(opts: EvaluationOptions): CeilingReport {
  const windows = evaluationWindows(opts.days);
  let t0 = Date.now();
  const run = simulateEvents({ seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days, recordTruth: true });
  for (let step = run.next(); !step.done; step = run.next()) {
    // the events are not needed: only the truth recorded while they are made
  }
  const truth = run.truth!;
  const simulate = seconds(t0);
  t0 = Date.now();
  const scored = windows.map((w) => ({ ...w, ceiling: windowCeiling(truth, w) }));
  return { options: opts, startDate: truth.startDate, stockoutRate: stockoutRate(run.stats), seconds: { simulate, ceiling: seconds(t0) }, windows: scored };
}

/** Runs the pipeline over what was ingested; a failed or parked batch ends the evaluation (its figures would be wrong). */
export async function runPipelineToEnd(lakeRoot: string): Promise<void> {
  const outcome = await runPipelineWithProgress(lakeRoot);
  const bad = outcome.runs.find((r) => r.status === 'failed' || r.status === 'parked');
  if (bad) throw new Error(`the pipeline ${bad.status === 'parked' ? 'parked a batch' : 'failed'}: ${bad.error?.Error ?? ''}: ${bad.error?.Cause ?? ''} (see retail-lake status)`);
}

export interface EvaluationProgress {
  simulatedDay(day: number): void;
  /** the simulation is done: the pipeline run comes next */
  simulated(): void;
  riskDay(done: number, total: number): void;
}

/** Reads the fitted models' forecasts for the 7 days after `fittedThrough` into `forecasts` (forecast_daily.sql). */
async function recordForecasts(
  warehouse: { query(sql: string): Promise<Record<string, unknown>[]> },
  truth: SimulationTruth,
  fittedThrough: string,
  forecasts: ForecastByDay,
): Promise<void> {
  const stores = new Map(truth.storeIds.map((id, i) => [id, i]));
  const skus = new Map(truth.skus.map((id, i) => [id, i]));
  const start = Date.parse(`${truth.startDate}T00:00:00Z`);
  for (const row of await warehouse.query(forecastDailySql(addDays(fittedThrough, 1), addDays(fittedThrough, 7)))) {
    const s = stores.get(String(row.store_id));
    const k = skus.get(String(row.sku));
    const day = Math.round((Date.parse(`${asIsoDate(row.date_key)}T00:00:00Z`) - start) / 86_400_000);
    if (s === undefined || k === undefined || day < 0 || day >= truth.days) continue;
    forecasts[s * truth.skus.length + k][day] = Number(row.forecast_units);
  }
}

export const seconds = (since: number): number => Math.round((Date.now() - since) / 100) / 10;

/** FitForecasts as of `date`, as the state machine runs it (skipped while the models are fresh); a new fit's
 * forecasts of the 7 days after it go into `forecasts`, its backtest into `fits`. */
export async function fitAsOf(
  rt: LocalRuntime,
  truth: SimulationTruth,
  date: string,
  forecasts: ForecastByDay,
  fits: EvaluationReport['fits'],
): Promise<void> {
  const fit = await fitForecasts({ warehouse: rt.warehouse, store: rt.store, duckdb: rt.settings }, date);
  if (!fit.skipped && fit.fittedThrough !== null) {
    fits.push({ fittedThrough: fit.fittedThrough, accuracy: fit.accuracy });
    await recordForecasts(rt.warehouse, truth, fit.fittedThrough, forecasts);
  }
}

/**
 * The whole check on an empty lake folder: simulate with the truth, ingest as one batch, run the pipeline once,
 * then replay the pipeline's decisions day by day in date order, as of each evaluation day: FitForecasts when the
 * models are a week old (as the state machine does), StockRisk, PublishAlerts with the messages counted. The
 * pipeline run left alert_state, forecast_model and the stock-review plan as of the last day; they are emptied
 * first, so each day sees only what it would have seen then. Stock risk runs incrementally, as in production: each
 * day evaluates the store-SKUs with rows on that date and those due for review (the first day all of them).
 */
export async function evaluate(lakeRoot: string, opts: EvaluationOptions, progress: EvaluationProgress): Promise<EvaluationReport> {
  const windows = evaluationWindows(opts.days);
  let t0 = Date.now();
  const { truth, stats } = await simulateIntoLake(
    new FsObjectStore(lakeRoot),
    { seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days },
    { onDay: progress.simulatedDay },
  );
  progress.simulated();
  const simulate = seconds(t0);
  t0 = Date.now();
  await runPipelineToEnd(lakeRoot);
  const pipeline = seconds(t0);
  t0 = Date.now();
  const first = windows[0].from - 1;
  const riskByDay = new Map<number, RiskAsOf>();
  const pairs = truth.storeIds.length * truth.skus.length;
  const forecasts: ForecastByDay = Array.from({ length: pairs }, () => new Float64Array(truth.days).fill(Number.NaN));
  const fits: EvaluationReport['fits'] = [];
  await withLockedRuntime(lakeRoot, async (rt) => {
    // stock_review too: the replay plans its own reviews, so each day is incremental as in production
    await rt.warehouse.execute(['DELETE FROM alert_state', 'DELETE FROM forecast_model', 'DELETE FROM stock_review']);
    for (let day = first; day < truth.days; day++) {
      progress.riskDay(day - first, truth.days - first);
      const date = addDays(truth.startDate, day);
      await fitAsOf(rt, truth, date, forecasts, fits);
      riskByDay.set(day, await stockRiskAsOf(rt.warehouse, rt.store, rt.settings, truth, date));
    }
    progress.riskDay(truth.days - first, truth.days - first);
  });
  return {
    options: opts,
    startDate: truth.startDate,
    stockoutRate: stockoutRate(stats),
    fits,
    seconds: { simulate, pipeline, asOfDays: seconds(t0) },
    windows: scoreWindows(truth, riskByDay, forecasts, windows),
  };
}

/** The simulator's own stockout rate (its definition, one for the whole evaluation). */
export function stockoutRate(stats: Pick<SimulatorStats, 'storeSkuDays' | 'stockoutStoreSkuDays'>): number {
  return stats.storeSkuDays > 0 ? stats.stockoutStoreSkuDays / stats.storeSkuDays : 0;
}
