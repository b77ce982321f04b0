import { fitModel, forecastOf, MODEL_NAMES, type ModelName, type ModelState } from './models';
import { seasonalNaiveScale } from './seasonal-naive';
import { isObserved, WEEK } from './series';
import type { StoreDailyTotals } from './weekday-profile';

export interface BacktestSettings {
  /** weeks at the end of the series whose forecasts are scored (the reported hold-out) */
  evalWeeks: number;
  /** weeks of backtest before a forecast origin that choose the model used from it */
  selectWeeks: number;
  /**
   * An incumbent rule: `model` is kept unless a challenger's squared error over the selection weeks is lower than
   * (1 - margin) x the incumbent's. Without it, the least squared error wins outright.
   */
  incumbent?: { model: ModelName; margin: number };
}

/**
 * ses_weekday is the incumbent: on the development seed's 112-day evaluation the least squared error over 4 weeks
 * alone picked noisy winners (WAPE vs seasonal naive -20.2% in an in-memory replay) where keeping ses_weekday unless
 * a challenger is 30% better gave -22.1% (docs/architecture.md §2.3 has the variants' table).
 */
export const DEFAULT_BACKTEST: BacktestSettings = { evalWeeks: 4, selectWeeks: 4, incumbent: { model: 'ses_weekday', margin: 0.3 } };

/** Fewer observed days than this before an origin: no forecast is made from it. */
const MIN_HISTORY_DAYS = 2 * WEEK;

export interface SeriesFit {
  /** the selected model fitted on the whole series */
  state: ModelState;
  /** root mean squared daily error of the selected model over the selection weeks' backtest (0 without any) */
  sigma: number;
  /** the hold-out (last evalWeeks * 7 days; NaN = censored) and each model's forecasts of it, made a week at a time
   * from rolling origins; 'selected' uses at each origin the model chosen by the backtest before it */
  holdout: { actuals: Float64Array; forecasts: Record<ModelName | 'selected', Float64Array>; scale: number };
}

const countObserved = (y: ArrayLike<number>, end: number): number => {
  let n = 0;
  for (let t = 0; t < end; t++) if (isObserved(y[t])) n++;
  return n;
};

/**
 * The model with the least squared error over `origins` (absent ones skipped), or the incumbent when it has errors
 * there and no challenger beats it by the margin; undefined when none has any. With few selection weeks the least
 * error is noisy: a challenger that wins by chance loses part of a steadier model's edge, which the margin guards.
 */
export function selectModel(sq: ReadonlyMap<ModelName, readonly (number | null)[]>, origins: readonly number[], incumbent?: BacktestSettings['incumbent']): ModelName | undefined {
  const sums = new Map<ModelName, number>();
  for (const model of MODEL_NAMES) {
    const errors = sq.get(model) ?? [];
    let sum = 0;
    let any = false;
    for (const k of origins) {
      const e = errors[k];
      if (e === null || e === undefined) continue;
      sum += e;
      any = true;
    }
    if (any) sums.set(model, sum);
  }
  let best: ModelName | undefined;
  for (const [model, sum] of sums) if (best === undefined || sum < (sums.get(best) as number)) best = model;
  const kept = incumbent === undefined ? undefined : sums.get(incumbent.model);
  if (incumbent === undefined || kept === undefined || best === undefined) return best;
  return (sums.get(best) as number) < (1 - incumbent.margin) * kept ? best : incumbent.model;
}

/**
 * Rolling-origin backtest of one daily series and the choice of its model. Origins are a week apart, the last one a
 * week before the end; from each, every model is fitted on the days before it and forecasts the next 7 days. The
 * model is chosen by squared error (mean-unbiased: mean absolute error would favour forecasting zero for an
 * intermittent series, which biases totals low) over the `selectWeeks` origins before: for the reported hold-out
 * from the origins before each of its weeks (so the hold-out never chooses its own model), for the final model from
 * the last `selectWeeks` origins. `store` (the series' store pooled, same days as y) gives ses_weekday its weekday
 * profile, estimated at each origin on the days before it. null when the series has no observed day.
 */
export function backtestSeries(y: Float64Array, settings: BacktestSettings = DEFAULT_BACKTEST, store?: StoreDailyTotals): SeriesFit | null {
  const n = y.length;
  if (countObserved(y, n) === 0) return null;
  const origins = settings.evalWeeks + settings.selectWeeks;
  // origin k (0 = oldest) starts at day n - 7 * (origins - k)
  const start = (k: number): number => n - WEEK * (origins - k);
  const forecasts = new Map<ModelName, Float64Array>(MODEL_NAMES.map((m) => [m, new Float64Array(origins * WEEK).fill(Number.NaN)]));
  const squared = new Map<ModelName, (number | null)[]>(MODEL_NAMES.map((m) => [m, new Array<number | null>(origins).fill(null)]));
  for (let k = 0; k < origins; k++) {
    const o = start(k);
    if (o < 0 || countObserved(y, o) < MIN_HISTORY_DAYS) continue;
    const history = y.subarray(0, o);
    const profile = store?.profile(o);
    for (const model of MODEL_NAMES) {
      const state = fitModel(model, history, profile);
      let sq = 0;
      for (let h = 1; h <= WEEK; h++) {
        const f = forecastOf(state, h);
        (forecasts.get(model) as Float64Array)[k * WEEK + h - 1] = f;
        const a = y[o + h - 1];
        if (isObserved(a)) sq += (f - a) ** 2;
      }
      (squared.get(model) as (number | null)[])[k] = sq;
    }
  }
  const evalStart = settings.selectWeeks;
  const holdDays = settings.evalWeeks * WEEK;
  const actuals = y.slice(n - holdDays);
  const out = {} as Record<ModelName | 'selected', Float64Array>;
  for (const model of MODEL_NAMES) out[model] = (forecasts.get(model) as Float64Array).slice(evalStart * WEEK);
  out.selected = new Float64Array(holdDays).fill(Number.NaN);
  for (let k = evalStart; k < origins; k++) {
    const before = Array.from({ length: settings.selectWeeks }, (_, i) => k - settings.selectWeeks + i).filter((i) => i >= 0);
    const chosen = selectModel(squared, before, settings.incumbent) ?? 'ets_ana';
    out.selected.set((forecasts.get(chosen) as Float64Array).subarray(k * WEEK, (k + 1) * WEEK), (k - evalStart) * WEEK);
  }
  const last = Array.from({ length: settings.selectWeeks }, (_, i) => origins - settings.selectWeeks + i);
  const model = selectModel(squared, last, settings.incumbent) ?? 'ets_ana';
  let sq = 0;
  let days = 0;
  for (const k of last) {
    if ((squared.get(model) as (number | null)[])[k] === null) continue;
    sq += (squared.get(model) as number[])[k];
    for (let h = 0; h < WEEK; h++) if (isObserved(y[start(k) + h])) days++;
  }
  return {
    state: fitModel(model, y, store?.profile(n)),
    sigma: days ? Math.sqrt(sq / days) : 0,
    holdout: { actuals, forecasts: out, scale: seasonalNaiveScale(y.subarray(0, Math.max(0, n - holdDays))) },
  };
}
