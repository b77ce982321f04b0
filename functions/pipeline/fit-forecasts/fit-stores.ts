/**
 * The fitting of FitForecasts, apart from the warehouse: a group of stores' daily series in, each due series'
 * model line (forecast_model's CSV) and backtest hold-out out. A pure function of its input, so the step runs it on
 * its own thread or on worker threads (fit-worker.ts) with the same result.
 */
import { backtestSeries, type BacktestSettings, type SeriesFit } from '../../lib/forecast/backtest';
import { WEEK } from '../../lib/forecast/series';
import { StoreDailyTotals } from '../../lib/forecast/weekday-profile';

/** One store's series (every SKU with history: its weekday profile pools them all) and which of them are due. */
export interface StoreSeries {
  storeId: string;
  skus: string[];
  /** the SKUs' series one after another, `days` values each, oldest first (NaN: censored or no data) */
  values: Float64Array;
  /** 1 where the SKU's model is due for a fit */
  due: Uint8Array;
}

export interface FitJob {
  asOfDate: string;
  nextReview: string;
  /** days of each series */
  days: number;
  backtest: BacktestSettings;
  stores: StoreSeries[];
}

export interface FittedStores {
  /** one CSV line (forecast_model's columns, newline-ended) per fitted series, in the stores' and SKUs' order */
  lines: string;
  /** each fitted series' hold-out, in the same order (the caller adds them up in that order) */
  holdouts: SeriesFit['holdout'][];
}

export const DAY_MS = 86_400_000;
export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** ISO day of week, 1 = Monday .. 7 = Sunday */
const isoDow = (date: string): number => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The season slot (ISO weekday - 1) of each horizon h = 1..WEEK after `asOfDate`: the same for every series of a
 * job, so worked out once (date arithmetic per series was a tenth of a fit at the seed's 20,000 short series). */
const horizonSlots = (asOfDate: string): number[] => Array.from({ length: WEEK }, (_, i) => isoDow(addDays(asOfDate, i + 1)) - 1);

/** One CSV line of the models file, in forecast_model's column order; `slots`: horizonSlots(asOfDate). */
function modelLine(storeId: string, sku: string, asOfDate: string, nextReview: string, fit: SeriesFit, slots: number[]): string {
  const seasons = new Array<number>(WEEK).fill(0);
  for (let h = 1; h <= WEEK; h++) seasons[slots[h - 1]] = fit.state.seasonByHorizon[h - 1];
  const num = (v: number): string => v.toFixed(6);
  const text = (v: string): string => `"${v.replace(/"/g, '""')}"`;
  return [text(storeId), text(sku), asOfDate, fit.state.model, num(fit.state.level), num(fit.state.trend), ...seasons.map(num), num(fit.sigma), nextReview].join(',');
}

/** Fits each due series of the job's stores (a series with no observed day gets no model). */
export function fitStores(job: FitJob): FittedStores {
  const lines: string[] = [];
  const holdouts: SeriesFit['holdout'][] = [];
  const slots = horizonSlots(job.asOfDate);
  for (const store of job.stores) {
    const series = store.skus.map((_, i) => store.values.subarray(i * job.days, (i + 1) * job.days));
    // two passes over the store's series: the pooled weekday profile first (all its SKUs), then each due series' fit
    const totals = new StoreDailyTotals(job.days);
    for (const y of series) totals.add(y);
    for (const [i, y] of series.entries()) {
      if (!store.due[i]) continue;
      const fit = backtestSeries(y, job.backtest, totals);
      if (!fit) continue;
      lines.push(`${modelLine(store.storeId, store.skus[i], job.asOfDate, job.nextReview, fit, slots)}\n`);
      holdouts.push(fit.holdout);
    }
  }
  return { lines: lines.join(''), holdouts };
}
