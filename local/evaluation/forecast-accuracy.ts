import type { SimulationTruth } from '../simulator/truth';
import { isStockoutDay } from './alert-quality';

/** Error measures of a forecast over many store-SKU-days, pooled (sums over every series and day). */
export interface Accuracy {
  /** sum |forecast - actual| / sum actual */
  wape: number | null;
  /** 100 x sum (forecast - actual) / sum actual */
  biasPct: number | null;
  /** mean |forecast - actual| / mean in-sample |actual(t) - actual(t - 7)| (pooled MASE, weekly seasonal naive scale) */
  mase: number | null;
  /** store-SKU-days scored */
  n: number;
}

/** Sums from which Accuracy is computed; add pairs with `add`. */
export class AccuracySums {
  absError = 0;
  error = 0;
  actual = 0;
  n = 0;

  add(forecast: number, actual: number): void {
    this.absError += Math.abs(forecast - actual);
    this.error += forecast - actual;
    this.actual += actual;
    this.n++;
  }

  /** `scale` is the in-sample mean absolute seasonal-naive error of the same series (null: MASE unknown). */
  result(scale: number | null): Accuracy {
    const has = this.actual > 0;
    return {
      wape: has ? this.absError / this.actual : null,
      biasPct: has ? (100 * this.error) / this.actual : null,
      mase: scale !== null && scale > 0 && this.n > 0 ? this.absError / this.n / scale : null,
      n: this.n,
    };
  }
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
 * [from, to], against latent demand and against observed sales on uncensored days. Only store-SKU-days where the
 * model gives a forecast are scored, for both, so the two are compared on the same days. The MASE scale is the
 * seasonal naive's in-sample error of the same target on days 7 .. from - 1.
 */
export function forecastAccuracy(t: SimulationTruth, forecast: ForecastFn, from: number, to: number): ForecastAccuracy {
  if (from < 7 || to >= t.days || from > to) throw new RangeError(`forecastAccuracy: days [${from}, ${to}] must lie in [7, ${t.days - 1}]`);
  const pairs = t.storeIds.length * t.skus.length;
  const cell = (pair: number, day: number): number => pair * t.days + day;
  const latentModel = new AccuracySums();
  const latentNaive = new AccuracySums();
  const observedModel = new AccuracySums();
  const observedNaive = new AccuracySums();
  let latentScale = 0;
  let latentScaleN = 0;
  let observedScale = 0;
  let observedScaleN = 0;
  for (let pair = 0; pair < pairs; pair++) {
    for (let day = 7; day < from; day++) {
      latentScale += Math.abs(t.latentUnits[cell(pair, day)] - t.latentUnits[cell(pair, day - 7)]);
      latentScaleN++;
      if (!isCensored(t, pair, day) && !isCensored(t, pair, day - 7)) {
        observedScale += Math.abs(t.soldUnits[cell(pair, day)] - t.soldUnits[cell(pair, day - 7)]);
        observedScaleN++;
      }
    }
    for (let day = from; day <= to; day++) {
      const f = forecast(pair, day);
      if (f === null) continue;
      const naive = t.soldUnits[cell(pair, day - 7)];
      const latent = t.latentUnits[cell(pair, day)];
      latentModel.add(f, latent);
      latentNaive.add(naive, latent);
      if (!isCensored(t, pair, day)) {
        const sold = t.soldUnits[cell(pair, day)];
        observedModel.add(f, sold);
        observedNaive.add(naive, sold);
      }
    }
  }
  const ls = latentScaleN > 0 ? latentScale / latentScaleN : null;
  const os = observedScaleN > 0 ? observedScale / observedScaleN : null;
  return {
    from,
    to,
    latent: { model: latentModel.result(ls), seasonalNaive: latentNaive.result(ls) },
    observed: { model: observedModel.result(os), seasonalNaive: observedNaive.result(os) },
  };
}
