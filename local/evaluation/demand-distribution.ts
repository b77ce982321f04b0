import { TRAFFIC_NOISE_SIGMA, quantityPmf } from '../simulator/demand-model';
import type { SimulationTruth } from '../simulator/truth';

/**
 * What is known of a store-SKU's demand (pair = store * skus + sku): the distribution of the units wanted on one
 * day, and over days [first, last] together (days independent); `pmf[x]` = P(x units).
 */
export interface DemandModel {
  day(pair: number, day: number): Float64Array;
  days(pair: number, first: number, last: number): Float64Array;
}

/** A demand model from its daily distributions: a span of days is their convolution. */
export function demandFromDays(day: (pair: number, day: number) => Float64Array): DemandModel {
  return {
    day,
    days: (pair, first, last) => {
      let sum: Float64Array = Float64Array.of(1);
      for (let d = first; d <= last; d++) sum = convolve(sum, day(pair, d));
      return sum;
    },
  };
}

/** Probability mass left off the far tail of a distribution. */
const TAIL = 1e-12;
/** Above this Poisson mean exp(-mean) nears the smallest double: the mean is split in halves and convolved. */
const MAX_PANJER_MEAN = 500;

export function pmfMean(pmf: ArrayLike<number>): number {
  let mean = 0;
  for (let x = 1; x < pmf.length; x++) mean += x * pmf[x];
  return mean;
}

/** Smallest x with P(X <= x) >= 1/2: the point forecast with the lowest expected absolute error. */
export function pmfMedian(pmf: ArrayLike<number>): number {
  let sum = 0;
  for (let x = 0; x < pmf.length; x++) if ((sum += pmf[x]) >= 0.5) return x;
  return pmf.length - 1;
}

/** Distribution of X + Y for independent X ~ a, Y ~ b, cut at `width` values (mass beyond is dropped). */
export function convolve(a: ArrayLike<number>, b: ArrayLike<number>, width = a.length + b.length - 1): Float64Array {
  const out = new Float64Array(Math.max(0, Math.min(width, a.length + b.length - 1)));
  for (let x = 0; x < a.length && x < out.length; x++) {
    const ax = a[x];
    if (ax === 0) continue;
    const end = Math.min(b.length, out.length - x);
    for (let j = 0; j < end; j++) out[x + j] += ax * b[j];
  }
  return out;
}

/**
 * Panjer's recursion for a compound distribution whose count is in the (a, b, 0) class (P(n) = (a + b / n) P(n - 1),
 * P(0) = `p0`) and whose quantities come from `quantity` (quantity[0] must be 0): exact up to the last TAIL of mass.
 */
function panjer(a: number, b: number, p0: number, expected: number, quantity: ArrayLike<number>): Float64Array {
  const sizes: number[] = [];
  for (let j = 1; j < quantity.length; j++) if (quantity[j] > 0) sizes.push(j);
  const out: number[] = [p0];
  let sum = p0;
  for (let x = 1; sum < 1 - TAIL || x <= expected; x++) {
    let g = 0;
    for (const j of sizes) {
      if (j > x) break;
      g += (a + (b * j) / x) * quantity[j] * out[x - j];
    }
    out.push(g);
    sum += g;
  }
  return Float64Array.from(out);
}

/** Compound Poisson: the sum of Poisson(`mean`) quantities drawn from `quantity`. */
export function compoundPoissonPmf(mean: number, quantity: ArrayLike<number>): Float64Array {
  if (!(mean > 0)) return Float64Array.of(1);
  if (mean > MAX_PANJER_MEAN) {
    const half = compoundPoissonPmf(mean / 2, quantity);
    return trimTail(convolve(half, half));
  }
  return panjer(0, mean, Math.exp(-mean), mean * pmfMean(quantity), quantity);
}

/**
 * Compound negative binomial: the sum of quantities drawn from `quantity`, their count Poisson with a gamma
 * distributed mean (mean `mean`, shape `shape`: coefficient of variation 1 / sqrt(shape)).
 */
export function compoundNegativeBinomialPmf(mean: number, shape: number, quantity: ArrayLike<number>): Float64Array {
  if (!(mean > 0)) return Float64Array.of(1);
  if (mean > MAX_PANJER_MEAN) {
    // the sum of two independent negative binomials with the same scale: halve the shape
    const half = compoundNegativeBinomialPmf(mean / 2, shape / 2, quantity);
    return trimTail(convolve(half, half));
  }
  const scale = mean / shape;
  const a = scale / (1 + scale);
  return panjer(a, (shape - 1) * a, Math.exp(-shape * Math.log1p(scale)), mean * pmfMean(quantity), quantity);
}

function trimTail(pmf: Float64Array): Float64Array {
  let end = pmf.length;
  let tail = 0;
  while (end > 1 && tail + pmf[end - 1] < TAIL) tail += pmf[--end];
  return pmf.subarray(0, end);
}

/** Mean of the day's traffic multiplier exp(TRAFFIC_NOISE_SIGMA x N(0, 1)). */
export const MEAN_TRAFFIC_NOISE = Math.exp(TRAFFIC_NOISE_SIGMA ** 2 / 2);
/** The gamma shape with the traffic multiplier's coefficient of variation (sqrt(exp(sigma^2) - 1), about 8%). */
const TRAFFIC_NOISE_SHAPE = 1 / Math.expm1(TRAFFIC_NOISE_SIGMA ** 2);

export interface TruthDemandOptions {
  /**
   * true: the day's random traffic multiplier is known (expectedUnits as recorded); false (default): it is not, as
   * for anyone deciding the day before: the distribution mixes over it.
   */
  dayTrafficKnown?: boolean;
}

/**
 * The expected wanted units of a store-SKU-day that a forecaster could have before the day: expectedUnits with the
 * day's traffic multiplier replaced by its mean (or as recorded, with `dayTrafficKnown`).
 */
export function expectedDemand(t: SimulationTruth, opts: TruthDemandOptions = {}): (pair: number, day: number) => number {
  const skuCount = t.skus.length;
  return (pair, day) => {
    const c = pair * t.days + day;
    if (opts.dayTrafficKnown) return t.expectedUnits[c];
    const noise = t.trafficNoise[Math.floor(pair / skuCount) * t.days + day];
    return noise > 0 ? (t.expectedUnits[c] / noise) * MEAN_TRAFFIC_NOISE : 0;
  };
}

/**
 * The simulator's own distribution of a store-SKU's wanted units (see SimulationTruth.expectedUnits): compound
 * Poisson, baskets holding the SKU Poisson with mean expectedUnits / mean quantity, each wanting a quantity from
 * the SKU's price band. Without `dayTrafficKnown` the Poisson mean varies with the day's traffic multiplier,
 * log-normal with a CV of 8%, taken here as a gamma with the same mean and CV (a negative binomial count; the two
 * mixing laws differ only far in their tails at this CV). Over several days the Poisson counts add up exactly; the
 * negative binomial ones are summed as one with the same mean and variance. Computed exactly (Panjer's recursion)
 * rather than by Monte Carlo: no sampling error, no seed, and fast enough for every store-SKU-day of a run.
 */
export function truthDemand(t: SimulationTruth, opts: TruthDemandOptions = {}): DemandModel {
  const quantities = ([0, 1, 2] as const).map(quantityPmf);
  const meanQuantity = quantities.map(pmfMean);
  const mean = expectedDemand(t, opts);
  const days = (pair: number, first: number, last: number): Float64Array => {
    const band = t.priceBand[pair % t.skus.length];
    let baskets = 0;
    let variance = 0;
    for (let d = first; d <= last; d++) {
      const m = mean(pair, d) / meanQuantity[band];
      baskets += m;
      variance += m + (m * m) / TRAFFIC_NOISE_SHAPE;
    }
    if (opts.dayTrafficKnown || !(variance > baskets)) return compoundPoissonPmf(baskets, quantities[band]);
    return compoundNegativeBinomialPmf(baskets, (baskets * baskets) / (variance - baskets), quantities[band]);
  };
  return { day: (pair, day) => days(pair, day, day), days };
}
