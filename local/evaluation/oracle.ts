import type { SimulationTruth } from '../simulator/truth';
import { alertQuality, openOrdersByPair, type AlertQuality, type DayFlags } from './alert-quality';
import { convolve, expectedDemand, pmfMedian, truthDemand, type DemandModel } from './demand-distribution';
import { forecastAccuracy, wapeChange, type Accuracy } from './forecast-accuracy';

/**
 * The ceiling the simulator's own randomness puts on stock alerts and forecasts: an oracle that knows the true
 * distribution of demand (not its draw), the stock at the end of each day and every order already placed with its
 * real arrival day. No method can know more before the day, so its figures bound what any stock-risk method or
 * forecast can reach on the same truth.
 */

/** The acceptance targets for the alerts. */
export const TARGET_PRECISION = 0.8;
export const TARGET_RECALL = 0.9;

type Orders = readonly { placedDay: number; arrivalDay: number; qty: number }[];

/**
 * P(stocksOutIfNobodyActs): from the stock at the end of `day`, with the orders placed on or before `day` arriving
 * on their day and none placed after, does cumulative demand over the next lead-time days exceed the stock on some
 * day? Exact: between two arrivals the stock is fixed and cumulative demand only grows, so the days between arrivals
 * are taken together (one distribution each) and the distribution of cumulative demand is carried from one such
 * stretch to the next, with the mass that has run short dropped. Days past the run are left out of the horizon
 * (such flags are not scored for precision; they can still catch a stockout near the end).
 */
export function stockoutProbability(t: SimulationTruth, pair: number, day: number, orders: Orders, demand: DemandModel): number {
  const last = Math.min(day + t.leadDays[pair % t.skus.length], t.days - 1);
  if (last <= day) return 0;
  const arrivals = new Map<number, number>();
  for (const o of orders) if (o.placedDay <= day && o.arrivalDay > day + 1 && o.arrivalDay <= last) arrivals.set(o.arrivalDay, (arrivals.get(o.arrivalDay) ?? 0) + o.qty);
  const starts = [day + 1, ...[...arrivals.keys()].sort((a, b) => a - b)];
  const stretches = starts.map((first, i) => demand.days(pair, first, i + 1 < starts.length ? starts[i + 1] - 1 : last));
  // the most the remaining stretches can want (each distribution's last value)
  const most = new Float64Array(stretches.length + 1);
  for (let i = stretches.length - 1; i >= 0; i--) most[i] = most[i + 1] + stretches[i].length - 1;
  let stock = t.onHandEnd[pair * t.days + day];
  for (const o of orders) if (o.placedDay <= day && o.arrivalDay === day + 1) stock += o.qty;
  let held: Float64Array = Float64Array.of(1); // P(cumulative demand = x and no day short so far)
  for (let i = 0; i < stretches.length; i++) {
    if (i > 0) stock += arrivals.get(starts[i])!;
    if (stock < 0) return 1;
    // stock only grows from here on: when the most the rest can want fits, nothing more runs short
    if (held.length - 1 + most[i] <= stock) break;
    held = convolve(held, stretches[i], stock + 1);
  }
  let kept = 0;
  for (let x = 0; x < held.length; x++) kept += held[x];
  return Math.min(1, Math.max(0, 1 - kept));
}

/** The oracle's stockout probability of every store-SKU (index store * skus + sku) on each day of [from, to]. */
export function stockoutProbabilities(t: SimulationTruth, from: number, to: number, demand: DemandModel): Float64Array[] {
  const pairs = t.storeIds.length * t.skus.length;
  const byDay = Array.from({ length: to - from + 1 }, () => new Float64Array(pairs));
  const orders = openOrdersByPair(t);
  for (let pair = 0; pair < pairs; pair++) {
    for (let day = from; day <= to; day++) byDay[day - from][pair] = stockoutProbability(t, pair, day, orders.get(pair) ?? [], demand);
  }
  return byDay;
}

/** The oracle's flags at one probability threshold, scored with alertQuality (the measured flags' definitions). */
export interface OperatingPoint {
  threshold: number;
  alerts: AlertQuality;
}

/** Thresholds tried: a logistic grid from about 6e-6 to 1 - 6e-6 (then refined by bisection). */
const THRESHOLDS = Array.from({ length: 49 }, (_, i) => 1 / (1 + Math.exp(-(i - 24) / 2)));
const BISECTIONS = 14;

/**
 * The oracle's flags swept over the probability threshold: `atRecall` is the highest threshold whose recall
 * reaches TARGET_RECALL (recall only falls as the threshold rises; null when none does, e.g. no stockouts), and
 * `atPrecision` the lowest threshold whose precision reaches TARGET_PRECISION, i.e. the best recall at that
 * precision (null when no threshold reaches it). Both refined by bisection between grid points.
 */
export function sweepThreshold(t: SimulationTruth, probabilities: readonly Float64Array[], from: number, to: number): { atRecall: OperatingPoint | null; atPrecision: OperatingPoint | null } {
  const score = (threshold: number): OperatingPoint => {
    const flags: DayFlags[] = probabilities.map((p, i) => ({ day: from + i, level: Uint8Array.from(p, (v) => (v > 0 && v >= threshold ? 1 : 0)), messages: 0 }));
    return { threshold, alerts: alertQuality(t, flags, from, to) };
  };
  const grid = THRESHOLDS.map(score);
  const recallOk = (p: OperatingPoint): boolean => (p.alerts.recall ?? 0) >= TARGET_RECALL;
  const precisionOk = (p: OperatingPoint): boolean => (p.alerts.precision ?? 0) >= TARGET_PRECISION;

  // recall: grid[r] reaches it, grid[r + 1] does not; bisect towards the highest threshold that reaches it
  let r = -1;
  while (r + 1 < grid.length && recallOk(grid[r + 1])) r++;
  let atRecall: OperatingPoint | null = r >= 0 ? grid[r] : null;
  if (atRecall && r + 1 < grid.length) atRecall = bisect(score, atRecall, grid[r + 1], recallOk);

  // precision: the grid point with the best recall among those that reach it, then the lowest threshold below it
  let p = -1;
  grid.forEach((g, i) => {
    if (precisionOk(g) && (p < 0 || (g.alerts.recall ?? 0) > (grid[p].alerts.recall ?? 0))) p = i;
  });
  let atPrecision: OperatingPoint | null = p >= 0 ? grid[p] : null;
  if (atPrecision && p > 0) atPrecision = bisect(score, atPrecision, grid[p - 1], precisionOk);
  return { atRecall, atPrecision };
}

/** Narrows [good, bad] (`ok(good)`, not `ok(bad)`) to the good end nearest `bad`. */
function bisect(score: (threshold: number) => OperatingPoint, good: OperatingPoint, bad: OperatingPoint, ok: (p: OperatingPoint) => boolean): OperatingPoint {
  let badThreshold = bad.threshold;
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = score((good.threshold + badThreshold) / 2);
    if (ok(mid)) good = mid;
    else badThreshold = mid.threshold;
  }
  return good;
}

export interface ForecastCeiling {
  from: number;
  to: number;
  /** the expected units before the day (its traffic unknown): the best unbiased forecast */
  expected: Accuracy;
  seasonalNaive: Accuracy;
  /** the expected units' WAPE relative to the seasonal naive's (-0.3: 30% lower) */
  expectedVsNaive: number | null;
  /** the same with each day's random traffic known (the expectation as recorded): more than anyone can know */
  dayTrafficKnownVsNaive: number | null;
  /** the per-cell median: the lowest WAPE any forecast can expect, bought with a bias */
  median: Accuracy;
  medianVsNaive: number | null;
}

/** The oracle's point forecasts scored as forecastAccuracy scores the models: latent demand, days [from, to]. */
export function forecastCeiling(t: SimulationTruth, from: number, to: number): ForecastCeiling {
  const expected = forecastAccuracy(t, expectedDemand(t), from, to).latent;
  const known = forecastAccuracy(t, expectedDemand(t, { dayTrafficKnown: true }), from, to).latent;
  const demand = truthDemand(t);
  const median = forecastAccuracy(t, (pair, day) => pmfMedian(demand.day(pair, day)), from, to).latent;
  return {
    from,
    to,
    expected: expected.model,
    seasonalNaive: expected.seasonalNaive,
    expectedVsNaive: wapeChange(expected.model, expected.seasonalNaive),
    dayTrafficKnownVsNaive: wapeChange(known.model, known.seasonalNaive),
    median: median.model,
    medianVsNaive: wapeChange(median.model, median.seasonalNaive),
  };
}

export interface WindowCeiling {
  atRecall: OperatingPoint | null;
  atPrecision: OperatingPoint | null;
  forecast: ForecastCeiling;
}

/**
 * The ceiling of one evaluation window: the oracle's flags on days [from, to] swept over the threshold, and its
 * forecasts on [forecastFrom, to]. `demand` defaults to the simulator's own distribution, its day's traffic unknown.
 */
export function windowCeiling(t: SimulationTruth, w: { from: number; to: number; forecastFrom: number }, demand: DemandModel = truthDemand(t)): WindowCeiling {
  return { ...sweepThreshold(t, stockoutProbabilities(t, w.from, w.to, demand), w.from, w.to), forecast: forecastCeiling(t, w.forecastFrom, w.to) };
}
