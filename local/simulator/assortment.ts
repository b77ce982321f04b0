import { Rng } from './random';

/**
 * Per-store assortments: which SKUs of the catalog a store carries. A chain's catalog (50,000 SKUs at the seed's
 * scale) is far larger than any one store's shelves (a few thousand SKUs), so each store carries a subset: bigger
 * formats carry more, and the SKUs are drawn by popularity, so that fast sellers are carried by nearly every store
 * and the long tail by a few. Stock, replenishment, stock counts and demand exist only for carried SKUs.
 *
 * A catalog no larger than `assortmentSize` is carried whole by every store, without a random draw: the demo and the
 * evaluation runs are the same as before assortments existed.
 */

/**
 * How strongly popularity decides what a store carries: draws are weighted by popularity^ASSORTMENT_SKEW. Below 1
 * the tail gets more shelf space than its sales alone would earn (a chain ranges wider than its best sellers).
 */
const ASSORTMENT_SKEW = 0.6;

/** Store size (relative to the mean store) -> share of `assortmentSize`; square root: shelves grow slower than sales. */
const MIN_SIZE_FACTOR = 0.6;
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
 * `count` catalog indices (ascending) drawn without replacement, each SKU with a chance that grows with its
 * popularity (Efraimidis-Spirakis: every SKU gets the key Exp(1) / weight, the `count` smallest keys win). The whole
 * catalog, with no draw, when `count` covers it.
 */
export function chooseAssortment(popularity: ArrayLike<number>, count: number, rng: Rng): Int32Array {
  const n = popularity.length;
  if (count >= n) return wholeCatalog(n);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const w = Math.max(popularity[k], 1e-300) ** ASSORTMENT_SKEW;
    keys[k] = -Math.log(1 - rng.next()) / w;
  }
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
