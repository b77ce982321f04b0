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
