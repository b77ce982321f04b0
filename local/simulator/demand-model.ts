import type { Product, Store } from '../../functions/lib/reference/reference-data';
import { countryOf, type Country } from './calendar';
import { BASE_CURRENCY, startRate } from './currencies';
import { centsText } from './event-text';
import { categoryDemand, shelfPrice } from './reference';
import { assortmentScales, carriedCount, chooseAssortment } from './assortment';
import { AliasTable, Rng, hash32 } from './random';
import type { TimestampStyle } from './timestamps';

/**
 * The shape of demand: when customers come (hour of day in the store's own time zone, day of week), how much
 * they buy (basket size, quantities by price band), and what (skewed SKU popularity, varied per store).
 */

/** Day-of-week traffic multiplier, Sunday first: weekend uplift, quiet Monday-Tuesday. Mean 1. */
const DOW_RAW = [1.15, 0.85, 0.88, 0.92, 0.98, 1.12, 1.35];
const DOW_MEAN = DOW_RAW.reduce((a, b) => a + b, 0) / 7;
export const DAY_OF_WEEK_FACTOR: readonly number[] = DOW_RAW.map((f) => f / DOW_MEAN);

/**
 * SKU popularity: log-normal appeal (a long tail of slow sellers, a few fast ones) falling with price (units
 * wanted ~ price^-PRICE_ELASTICITY, so a $150 speaker sells far fewer units than a $2 chocolate bar), and no SKU
 * above MAX_REVENUE_SHARE of a store's expected revenue.
 */
const APPEAL_SIGMA = 1.1;
const PRICE_ELASTICITY = 0.7;
const MAX_REVENUE_SHARE = 0.022;
/** A basket has one line, then another with this probability each time (mean about 2.6 lines). */
export const NEXT_LINE_PROBABILITY = 0.62;
export const MAX_BASKET_LINES = 40;
export const MEAN_BASKET_LINES = 1 / (1 - NEXT_LINE_PROBABILITY);

const OPENING_HOURS: readonly [number, number][] = [
  [8, 21],
  [9, 21],
  [7, 22],
  [9, 20],
  [8, 22],
  [10, 21],
];

/** Relative traffic at local hour h (a lunch and an after-work peak on weekdays, one broad midday peak at weekends). */
export function hourWeight(hour: number, weekend: boolean): number {
  const h = hour + 0.5;
  if (weekend) return 0.35 + 1.4 * Math.exp(-((h - 14) ** 2) / (2 * 2.6 ** 2));
  return 0.3 + 0.9 * Math.exp(-((h - 12.75) ** 2) / (2 * 1.2 ** 2)) + 1.25 * Math.exp(-((h - 17.75) ** 2) / (2 * 1.6 ** 2));
}

const TIMESTAMP_STYLES: readonly TimestampStyle[] = ['utc', 'local-offset', 'utc-millis'];

export interface StoreModel {
  index: number;
  store: Store;
  openHour: number;
  /** first hour the store is closed again */
  closeHour: number;
  /** size relative to the mean store (from target_daily_revenue) */
  size: number;
  /** mean transactions per business day before day-of-week and daily noise */
  transactionsPerDay: number;
  /** share of each local hour in a weekday / weekend day's traffic (0 outside opening hours) */
  hourShareWeekday: Float64Array;
  hourShareWeekend: Float64Array;
  /**
   * catalog indices of the SKUs the store carries, ascending (all of them when the catalog fits its assortment).
   * Per-store arrays (skuShare, the popularity draws, stock) are indexed by slot: the position in this list.
   */
  carried: Int32Array;
  /** draws a slot by the store's SKU popularity */
  popularity: AliasTable;
  /** store-specific weights of the carried SKUs by slot, normalised to sum 1 */
  skuShare: Float64Array;
  /** ISO 4217 code of the store's prices and amounts */
  currency: string;
  /** shelf price of each SKU in the store's currency, in cents and as the till prints it */
  priceCents: Int32Array;
  priceText: string[];
  /** the store's country (for its holidays) and region index (for its promotions) */
  country: Country;
  regionIndex: number;
  timestampStyle: TimestampStyle;
  /** some tills always send `"discount":0.00`, others leave the field out when there is none */
  sendsZeroDiscount: boolean;
  /** number of loyalty members who mostly shop here */
  customerPool: number;
  /** stores in the same region (including this one): where its members sometimes shop instead */
  regionPeers: number[];
}

export interface SkuModel {
  index: number;
  sku: string;
  priceCents: number;
  priceText: string;
  /** 0: under 5 (bought by several), 1: 5 to 30, 2: over 30 (one at a time) */
  priceBand: 0 | 1 | 2;
  meanQuantity: number;
  leadDays: number;
  /** the product's supplier as a JSON string literal (quotes included) */
  supplierJson: string;
}

const MEAN_QUANTITY_BY_BAND = [1 / (1 - 0.42) + 0.01 * 13, 1 / (1 - 0.18), 1.04];

/** Units of one basket line. Cheap items sometimes go by the dozen. */
export function drawQuantity(rng: Rng, band: 0 | 1 | 2): number {
  let q = 1;
  if (band === 0) {
    if (rng.next() < 0.01) return rng.pick(BULK_QUANTITIES);
    while (q < 12 && rng.next() < 0.42) q++;
  } else if (band === 1) {
    while (q < 6 && rng.next() < 0.18) q++;
  } else if (rng.next() < 0.04) {
    q = 2;
  }
  return q;
}
const BULK_QUANTITIES = [6, 12, 24] as const;

/**
 * The exact distribution of drawQuantity's units for a price band: `pmf[q]` = P(q units), q = 0..24 (keep the two
 * in step: a test compares them).
 */
export function quantityPmf(band: 0 | 1 | 2): Float64Array {
  const pmf = new Float64Array(BULK_QUANTITIES[BULK_QUANTITIES.length - 1] + 1);
  // q = 1, then one more with probability `more` each time, up to `max`
  const geometric = (weight: number, more: number, max: number): void => {
    for (let q = 1; q < max; q++) pmf[q] += weight * more ** (q - 1) * (1 - more);
    pmf[max] += weight * more ** (max - 1);
  };
  if (band === 0) {
    for (const q of BULK_QUANTITIES) pmf[q] += 0.01 / BULK_QUANTITIES.length;
    geometric(0.99, 0.42, 12);
  } else if (band === 1) geometric(1, 0.18, 6);
  else geometric(1, 0.04, 2);
  return pmf;
}

/** Sigma of the log of a store-day's random traffic multiplier (the same for every SKU of the store that day). */
export const TRAFFIC_NOISE_SIGMA = 0.08;

/**
 * Probability that a basket holds SKU k at least once when each of its lines is SKU k with probability `lineShare`
 * (a SKU drawn again for the same basket adds nothing: see saleTransaction). Lines: one, then another with
 * NEXT_LINE_PROBABILITY each time, up to `maxLines`.
 */
export function basketInclusion(lineShare: number, maxLines: number): number {
  let pLines = 1 - NEXT_LINE_PROBABILITY;
  let included = 0;
  for (let lines = 1; lines <= maxLines; lines++) {
    if (lines === maxLines) pLines = NEXT_LINE_PROBABILITY ** (maxLines - 1);
    included += pLines * (1 - (1 - lineShare) ** lines);
    pLines *= NEXT_LINE_PROBABILITY;
  }
  return included;
}

export function buildSkuModels(products: readonly Product[]): SkuModel[] {
  return products.map((p, index) => {
    const priceCents = Math.round(p.list_price * 100);
    const priceBand: 0 | 1 | 2 = p.list_price < 5 ? 0 : p.list_price <= 30 ? 1 : 2;
    return {
      index,
      sku: p.sku,
      priceCents,
      priceText: (priceCents / 100).toFixed(2),
      priceBand,
      meanQuantity: MEAN_QUANTITY_BY_BAND[priceBand],
      leadDays: Math.max(1, p.lead_time_days),
      supplierJson: JSON.stringify(p.supplier),
    };
  });
}

/** Global popularity (units): the category's demand x a seeded appeal, lower for dearer items. */
export function basePopularity(products: readonly Product[], seed: number): Float64Array {
  const rng = new Rng(seed, 'popularity');
  const weights = new Float64Array(products.length);
  products.forEach((p, k) => {
    weights[k] = (categoryDemand(p.category) * Math.exp(APPEAL_SIGMA * rng.normal())) / Math.max(p.list_price, 0.5) ** PRICE_ELASTICITY;
  });
  return weights;
}

/**
 * Lowers the weights (by slot of `carried`) of SKUs whose expected revenue share is above `cap` until none is (a
 * few rounds of clamping to the cap of the shrinking total; each round is O(n)).
 */
function capRevenueShare(weights: Float64Array, carried: Int32Array, skus: readonly SkuModel[], cap: number): void {
  for (let round = 0; round < 8; round++) {
    let total = 0;
    for (let j = 0; j < weights.length; j++) total += weights[j] * skus[carried[j]].priceCents * skus[carried[j]].meanQuantity;
    let clamped = false;
    for (let j = 0; j < weights.length; j++) {
      const sku = skus[carried[j]];
      const revenue = weights[j] * sku.priceCents * sku.meanQuantity;
      if (revenue > cap * total * 0.98) {
        weights[j] = (cap * total * 0.98) / (sku.priceCents * sku.meanQuantity);
        clamped = true;
      }
    }
    if (!clamped) return;
  }
}

/** Share of each local hour in a day's traffic (0 outside opening hours). */
function hourShares(openHour: number, closeHour: number, weekend: boolean): Float64Array {
  const out = new Float64Array(24);
  let sum = 0;
  for (let h = openHour; h < closeHour; h++) sum += out[h] = hourWeight(h, weekend);
  for (let h = openHour; h < closeHour; h++) out[h] /= sum;
  return out;
}

/** The store's own popularity of the SKUs it carries (by slot): the global one varied per store, capped by revenue share. */
function storeWeights(base: Float64Array, carried: Int32Array, skus: readonly SkuModel[], rng: Rng): Float64Array {
  const weights = new Float64Array(carried.length);
  for (let j = 0; j < weights.length; j++) weights[j] = base[carried[j]] * Math.exp(0.35 * rng.normal());
  capRevenueShare(weights, carried, skus, MAX_REVENUE_SHARE);
  return weights;
}

function sharesOf(weights: Float64Array): Float64Array {
  let total = 0;
  for (let k = 0; k < weights.length; k++) total += weights[k];
  return weights.map((w) => w / total);
}

/** Shelf prices of the catalog in `currency` (converted from the USD list price, rounded to a shelf price). */
function localPrices(skus: readonly SkuModel[], currency: string): { cents: Int32Array; text: string[] } {
  const rate = startRate(currency);
  const cents = Int32Array.from(skus, (s) => (rate === 1 ? s.priceCents : Math.max(1, Math.round(shelfPrice(s.priceCents / 100 / rate) * 100))));
  return { cents, text: Array.from(cents, (c) => centsText(c)) };
}

/** Expected value of a basket, in cents of the store's currency, from its SKU shares (by slot of `carried`). */
function meanBasketCents(carried: Int32Array, skuShare: Float64Array, skus: readonly SkuModel[], priceCents: Int32Array): number {
  let cents = 0;
  for (let j = 0; j < carried.length; j++) cents += skuShare[j] * skus[carried[j]].meanQuantity * priceCents[carried[j]];
  return cents * MEAN_BASKET_LINES;
}

export function buildStoreModels(
  stores: readonly Store[],
  products: readonly Product[],
  skus: readonly SkuModel[],
  seed: number,
  transactionsPerStoreDay: number | null,
  loyaltyShare: number,
  assortmentSize: number,
): StoreModel[] {
  const base = basePopularity(products, seed);
  const scales = assortmentScales(base, assortmentSize);
  const meanTarget = stores.reduce((a, s) => a + s.target_daily_revenue, 0) / stores.length || 1;
  const byRegion = new Map<string, number[]>();
  const pricesByCurrency = new Map<string, { cents: Int32Array; text: string[] }>();
  stores.forEach((s, i) => {
    const peers = byRegion.get(s.region);
    if (peers) peers.push(i);
    else byRegion.set(s.region, [i]);
  });
  return stores.map((store, index) => {
    // Profiles come from the store id, not the row order, so a stores.csv read back gives the same stores.
    const rng = new Rng(seed, `store:${store.store_id}`);
    const [openHour, closeHour] = OPENING_HOURS[hash32(store.store_id) % OPENING_HOURS.length];
    const size = Math.max(0.05, store.target_daily_revenue / meanTarget);
    // its own stream: the assortment's draws (none for a whole catalog) shift no other draw
    const carried = chooseAssortment(scales, carriedCount(size, assortmentSize, skus.length), new Rng(seed, `assortment:${store.store_id}`));
    const weights = storeWeights(base, carried, skus, rng);
    const skuShare = sharesOf(weights);
    const currency = store.currency || BASE_CURRENCY;
    let prices = pricesByCurrency.get(currency);
    if (!prices) pricesByCurrency.set(currency, (prices = localPrices(skus, currency)));
    const basketValueCents = meanBasketCents(carried, skuShare, skus, prices.cents);
    // Stores run a little above or below their revenue target, so the dashboards have something to show.
    const performance = rng.uniform(0.9, 1.25);
    const transactionsPerDay =
      transactionsPerStoreDay !== null
        ? transactionsPerStoreDay * size
        : Math.max(1, (store.target_daily_revenue * 100 * performance) / Math.max(basketValueCents, 1));
    const shares = (weekend: boolean): Float64Array => hourShares(openHour, closeHour, weekend);
    return {
      index,
      store,
      openHour,
      closeHour,
      size,
      transactionsPerDay,
      hourShareWeekday: shares(false),
      hourShareWeekend: shares(true),
      carried,
      popularity: new AliasTable(weights),
      skuShare,
      currency,
      priceCents: prices.cents,
      priceText: prices.text,
      country: countryOf(store.timezone),
      regionIndex: [...byRegion.keys()].indexOf(store.region),
      timestampStyle: TIMESTAMP_STYLES[index % TIMESTAMP_STYLES.length],
      sendsZeroDiscount: hash32(`${store.store_id}:discount`) % 2 === 0,
      customerPool: Math.max(30, Math.round(transactionsPerDay * loyaltyShare * 4)),
      regionPeers: byRegion.get(store.region)!,
    };
  });
}
