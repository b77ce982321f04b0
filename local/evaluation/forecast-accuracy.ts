import { AccuracyTotals } from '../../functions/lib/forecast/accuracy';
import type { SimulationTruth } from '../simulator/truth';
import { isStockoutDay } from './alert-quality';

/** Error measures of a forecast over many store-SKU series: the pipeline's own definitions (AccuracyTotals). */
export type Accuracy = ReturnType<AccuracyTotals['summary']>;

/** WAPE of `model` relative to the baseline's: -0.25 means a quarter lower; null when either has none. */
export function wapeChange(model: Accuracy, baseline: Accuracy): number | null {
  if (model.wape === null || baseline.wape === null || baseline.wape === 0) return null;
  return model.wape / baseline.wape - 1;
}

/** A forecast of units for a store-SKU (index store * skus + sku) on a day, made with data up to an earlier day; null = none. */
export type ForecastFn = (pair: number, day: number) => number | null;

/** Days the truth counts as censored for the observed-sales comparison: lost sales, or nothing left at the end of the day. */
export function isCensored(t: SimulationTruth, pair: number, day: number): boolean {
  return isStockoutDay(t, pair, day) || t.onHandEnd[pair * t.days + day] <= 0;
}

export interface ForecastAccuracy {
  from: number;
  to: number;
  /** against the latent demand (lost sales included) */
  latent: { model: Accuracy; seasonalNaive: Accuracy };
  /** against observed sales, on uncensored days only */
  observed: { model: Accuracy; seasonalNaive: Accuracy };
}

/**
 * Scores `forecast` and the weekly seasonal naive (observed sales 7 days earlier: what the lake saw) on days
 * [from, to], against latent demand and against observed sales on uncensored days, with the pipeline's measures
 * (functions/lib/forecast/accuracy.ts: pooled WAPE and bias, MASE the mean of the series' ratios). Only
 * store-SKU-days where the model gives a forecast are scored, for both.
 */
export function forecastAccuracy(t: SimulationTruth, forecast: ForecastFn, from: number, to: number): ForecastAccuracy {
  if (from < 7 || to >= t.days || from > to) throw new RangeError(`forecastAccuracy: days [${from}, ${to}] must lie in [7, ${t.days - 1}]`);
  const pairs = t.storeIds.length * t.skus.length;
  const cell = (pair: number, day: number): number => pair * t.days + day;
  const totals = { latentModel: new AccuracyTotals(), latentNaive: new AccuracyTotals(), observedModel: new AccuracyTotals(), observedNaive: new AccuracyTotals() };
  const n = to - from + 1;
  const model = new Float64Array(n);
  const naive = new Float64Array(n);
  const latent = new Float64Array(n);
  const observed = new Float64Array(n);
  for (let pair = 0; pair < pairs; pair++) {
    let forecasts = 0;
    for (let day = from; day <= to; day++) {
      const i = day - from;
      const f = forecast(pair, day);
      if (f !== null) forecasts++;
      model[i] = f ?? Number.NaN;
      // the baseline is scored on the days the model is, so the two compare on the same days
      naive[i] = f === null ? Number.NaN : t.soldUnits[cell(pair, day - 7)];
      latent[i] = t.latentUnits[cell(pair, day)];
      observed[i] = isCensored(t, pair, day) ? Number.NaN : t.soldUnits[cell(pair, day)];
    }
    if (forecasts === 0) continue;
    // MASE scales: the weekly seasonal naive's in-sample mean absolute error on days 7 .. from - 1, per target
    let latentScale = 0;
    let latentN = 0;
    let observedScale = 0;
    let observedN = 0;
    for (let day = 7; day < from; day++) {
      latentScale += Math.abs(t.latentUnits[cell(pair, day)] - t.latentUnits[cell(pair, day - 7)]);
      latentN++;
      if (!isCensored(t, pair, day) && !isCensored(t, pair, day - 7)) {
        observedScale += Math.abs(t.soldUnits[cell(pair, day)] - t.soldUnits[cell(pair, day - 7)]);
        observedN++;
      }
    }
    const ls = latentN > 0 ? latentScale / latentN : 0;
    const os = observedN > 0 ? observedScale / observedN : 0;
    totals.latentModel.add(model, latent, ls);
    totals.latentNaive.add(naive, latent, ls);
    totals.observedModel.add(model, observed, os);
    totals.observedNaive.add(naive, observed, os);
  }
  return {
    from,
    to,
    latent: { model: totals.latentModel.summary(), seasonalNaive: totals.latentNaive.summary() },
    observed: { model: totals.observedModel.summary(), seasonalNaive: totals.observedNaive.summary() },
  };
}
