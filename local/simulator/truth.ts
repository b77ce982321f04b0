/**
 * What really happened in a simulated run, recorded (when asked with `recordTruth: true`) so an evaluation can compare
 * forecasts and stock alerts with the simulator's ground truth, including the demand the lake never sees (lost sales).
 *
 * Everything is indexed by position: store index into `storeIds`, SKU index into `skus`, day index from `startDate`
 * (day 0 = startDate, each store's local business date). Per-cell arrays use
 * `c = (store * skus.length + sku) * days + day`.
 *
 * With these arrays "nobody acts" can be re-simulated from any day d: on hand at the start of d is
 * `onHandEnd[c(d - 1)]`, the orders with `placedDay < d` and `arrivalDay >= d` still arrive on their `arrivalDay`,
 * and `latentUnits` is what customers want each day (no new orders placed).
 */
import { basketInclusion, type StoreModel } from './demand-model';
import { lift, type StoreDayOffers } from './promotions';

export interface SimulationTruth {
  /** Business date of day 0, `YYYY-MM-DD`. */
  startDate: string;
  /** Number of simulated days. */
  days: number;
  /** Store ids, in the index order the arrays use. */
  storeIds: string[];
  /** SKUs, in the index order the arrays use. */
  skus: string[];
  /** Per SKU index: the supplier lead time (days) the simulator plans orders with (the random delay is extra). */
  leadDays: Int32Array;
  /** Per cell c = (store * skus.length + sku) * days + day: units customers wanted that day (sold + lost). */
  latentUnits: Float32Array;
  /**
   * Per cell: the units customers were EXPECTED to want that day, before the day's random draws (baskets, lines,
   * quantities): expected sale baskets (the day's traffic x (1 - return rate); 0 when closed) x P(a basket holds
   * the SKU) x mean quantity (quantityPmf of its band). The day's traffic is conditional on what the simulator
   * decided for that store-day: weekday, season, holiday, the promotions running (and their extra traffic) and the
   * day's random traffic multiplier `trafficNoise`. Baskets are Poisson, so the wanted units are compound Poisson:
   * Poisson(expectedUnits / mean quantity) baskets with the SKU, each wanting a quantity drawn from quantityPmf
   * (hours busier than 40 baskets draw a rounded normal, a close stand-in for the Poisson). latentUnits is one
   * draw of that; their sums agree on average.
   */
  expectedUnits: Float32Array;
  /**
   * Per store-day (store * days + day): the day's random traffic multiplier, exp(TRAFFIC_NOISE_SIGMA x N(0, 1)), that
   * expectedUnits includes. Divide it out (and multiply by its mean, exp(sigma^2 / 2)) for the expectation a
   * forecaster could have before the day.
   */
  trafficNoise: Float32Array;
  /** Per SKU index: the price band whose quantity distribution (quantityPmf) its basket lines draw from. */
  priceBand: Uint8Array;
  /** Per cell: units actually sold that day (returns not included). */
  soldUnits: Int32Array;
  /** Per cell: on hand at the end of the day (after everything that day: sales, receipts, adjustments). */
  onHandEnd: Int32Array;
  /**
   * Every order the simulator placed: placed on `placedDay`, delivered on `arrivalDay` (lead time plus the random
   * supplier delay; `arrivalDay >= days` means still open at the end of the run).
   */
  orders: { store: number; sku: number; placedDay: number; arrivalDay: number; qty: number }[];
}

/**
 * Records expectedUnits of one store-day: `baskets` expected sale baskets, each line drawn from the store's
 * popularity or (with the offers' share) from the promoted uplift, so that SKU k is a line with probability
 * skuShare x lift / (1 + the offers' extra demand) = skuShare x lift x (1 - offers.share).
 */
export function recordExpectedUnits(
  truth: SimulationTruth,
  store: StoreModel,
  day: number,
  baskets: number,
  offers: StoreDayOffers,
  meanQuantity: ArrayLike<number>,
  maxLines: number,
): void {
  const n = truth.skus.length;
  // SKUs the store does not carry keep 0
  for (let j = 0; j < store.carried.length; j++) {
    const k = store.carried[j];
    const percent = offers.percentBySlot[j];
    const lineShare = store.skuShare[j] * (percent > 0 ? lift(percent) : 1) * (1 - offers.share);
    truth.expectedUnits[(store.index * n + k) * truth.days + day] = baskets * basketInclusion(lineShare, maxLines) * meanQuantity[k];
  }
}
