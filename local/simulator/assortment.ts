import { Rng } from './random';

/**
 * Per-store assortments: which SKUs of the catalog a store carries. A chain's catalog (50,000 SKUs at the seed's
 * scale) is far larger than any one store's shelves (a few thousand SKUs), so each store carries a subset: bigger
 * formats carry more; a core range of the chain's best sellers is in every store, and the rest is drawn by
 * popularity, so that the next best sellers are in many stores and the long tail in a few. Stock, replenishment, stock counts and demand exist only for carried SKUs.
 *
 * A catalog no larger than `assortmentSize` is carried whole by every store, without a random draw: the demo and the
 * evaluation runs are the same as before assortments existed.
 */

/** The core range, carried by every store: this share of `assortmentSize`, the most popular SKUs of the catalog. */
const CORE_SHARE = 0.3;

/** Store size (relative to the mean store) -> share of `assortmentSize`; square root: shelves grow slower than sales. */
const MIN_SIZE_FACTOR = 0.6; // above CORE_SHARE: the smallest store still holds the core range
const MAX_SIZE_FACTOR = 1.4;

/** Number of SKUs a store of `size` (1 = the mean store) carries from a catalog of `catalog` SKUs. */
export function carriedCount(size: number, assortmentSize: number, catalog: number): number {
  if (catalog <= assortmentSize) return catalog;
  const factor = Math.min(MAX_SIZE_FACTOR, Math.max(MIN_SIZE_FACTOR, Math.sqrt(size)));
  return Math.min(catalog, Math.max(1, Math.round(assortmentSize * factor)));
}

/** The catalog indices 0 .. n-1: the assortment of a store that carries everything. */
export function wholeCatalog(n: number): Int32Array {
  const all = new Int32Array(n);
  for (let k = 0; k < n; k++) all[k] = k;
  return all;
}

/**
 * Per SKU, 1 / its weight in the assortment draws, computed once for every store: 0 (drawn first, always) for the
 * core range, 1 / popularity for the rest. Every store carries at least the core (see carriedCount).
 */
export function assortmentScales(popularity: ArrayLike<number>, assortmentSize: number): Float64Array {
  const scales = Float64Array.from(popularity, (p) => 1 / Math.max(p, 1e-300));
  const core = Math.round(assortmentSize * CORE_SHARE);
  if (core >= scales.length) return scales; // the whole catalog is carried anyway
  const byPopularity = Array.from(scales.keys()).sort((a, b) => scales[a] - scales[b] || a - b);
  for (let r = 0; r < core; r++) scales[byPopularity[r]] = 0;
  return scales;
}

/**
 * `count` catalog indices (ascending) drawn without replacement, each SKU with a chance that grows with its
 * popularity (Efraimidis-Spirakis: every SKU gets the key Exp(1) / weight, the `count` smallest keys win; `scales`
 * are the 1 / weight of assortmentScales). The whole catalog, with no draw, when `count` covers it.
 */
export function chooseAssortment(scales: Float64Array, count: number, rng: Rng): Int32Array {
  const n = scales.length;
  if (count >= n) return wholeCatalog(n);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = scales[k] === 0 ? 0 : -Math.log(1 - rng.next()) * scales[k];
  const threshold = kthSmallest(Float64Array.from(keys), count - 1);
  const carried = new Int32Array(count);
  let m = 0;
  for (let k = 0; k < n && m < count; k++) if (keys[k] < threshold) carried[m++] = k;
  // keys equal to the threshold (the threshold itself, and any exact tie) fill what is left, in catalog order
  for (let k = 0; k < n && m < count; k++) if (keys[k] === threshold) carried[m++] = k;
  return carried.sort();
}

/** The k-th smallest value (0-based) of `values`, which it reorders (Hoare's quickselect, middle pivot). */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * The slots (positions in a store's assortment) its `countNumber`-th stock count covers: all of them when the
 * assortment fits in one count of `countSize`, else every slices-th slot from countNumber mod slices (a cycle count:
 * each carried SKU is counted once every `slices` counts).
 */
export function countedSlots(carried: number, countSize: number, countNumber: number): { first: number; step: number } {
  // countSize may be Infinity (no limit): one slice
  const slices = Math.max(1, Math.ceil(carried / countSize));
  return { first: countNumber % slices, step: slices };
}
