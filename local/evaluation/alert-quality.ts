import type { SimulationTruth } from '../simulator/truth';

/** A store-SKU's stock-risk level on one date: 0 ok, 1 high, 2 critical. */
export type FlagLevel = 0 | 1 | 2;

/** The stock-risk levels of every store-SKU as of one evaluation day (index store * skus + sku). */
export interface DayFlags {
  day: number;
  level: Uint8Array;
  /** messages the alert lifecycle sent that day (all stores) */
  messages: number;
}

/** Lost units at or above this count make a store-SKU-day a stockout (latent demand is a float; sales are whole units). */
const LOST_UNIT = 0.5;

const cellIndex = (t: SimulationTruth, pair: number, day: number): number => pair * t.days + day;

/** Units customers wanted but could not buy on that store-SKU-day. */
export function lostUnits(t: SimulationTruth, pair: number, day: number): number {
  const c = cellIndex(t, pair, day);
  return t.latentUnits[c] - t.soldUnits[c];
}

export function isStockoutDay(t: SimulationTruth, pair: number, day: number): boolean {
  return lostUnits(t, pair, day) >= LOST_UNIT;
}

/** The simulator's orders grouped by store-SKU (index store * skus + sku). */
export function openOrdersByPair(t: SimulationTruth): Map<number, { placedDay: number; arrivalDay: number; qty: number }[]> {
  const byPair = new Map<number, { placedDay: number; arrivalDay: number; qty: number }[]>();
  for (const o of t.orders) {
    const pair = o.store * t.skus.length + o.sku;
    let list = byPair.get(pair);
    if (!list) byPair.set(pair, (list = []));
    list.push(o);
  }
  return byPair;
}

/**
 * "If nobody acts": from the stock at the end of `day`, with the orders placed on or before `day` still arriving
 * and no new ones, does the store-SKU run short of its latent demand on one of the next `leadDays` days?
 * Returns null when the horizon runs past the simulated days (the outcome is unknown).
 */
export function stocksOutIfNobodyActs(
  t: SimulationTruth,
  pair: number,
  day: number,
  orders: readonly { placedDay: number; arrivalDay: number; qty: number }[] = [],
): boolean | null {
  const lead = t.leadDays[pair % t.skus.length];
  if (day + lead >= t.days) return null;
  let stock = t.onHandEnd[cellIndex(t, pair, day)];
  for (let k = day + 1; k <= day + lead; k++) {
    for (const o of orders) if (o.placedDay <= day && o.arrivalDay === k) stock += o.qty;
    stock -= t.latentUnits[cellIndex(t, pair, k)];
    if (stock < 0) return true;
  }
  return false;
}

/** The first day of each stockout episode (a run of consecutive stockout days) of a store-SKU. */
export function stockoutStarts(t: SimulationTruth, pair: number): number[] {
  const starts: number[] = [];
  let inside = false;
  for (let day = 0; day < t.days; day++) {
    const out = isStockoutDay(t, pair, day);
    if (out && !inside) starts.push(day);
    inside = out;
  }
  return starts;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface AlertQuality {
  /** evaluation days [from, to] (day indices) */
  from: number;
  to: number;
  /** flagged store-SKU-dates whose horizon lies inside the run, and how many of them stock out if nobody acts */
  flagged: number;
  flaggedTrue: number;
  /** flagged store-SKU-dates left out: their lead time runs past the simulated days */
  flaggedUnresolved: number;
  precision: number | null;
  /** stockout episodes starting on a day whose whole lead time before lies in the window, and how many were flagged */
  stockouts: number;
  stockoutsFlagged: number;
  recall: number | null;
  /** median over the window's last `shareDays` days of the share of store-SKUs flagged */
  medianFlaggedShare: number | null;
  /** flagged store-SKUs per store per day (what a daily full list would send) */
  flaggedPerStoreDay: number;
  /** messages the alert lifecycle sent (critical at once, one digest per store per day), per store per day */
  messagesPerStoreDay: number;
}

/** Stockout episodes whose whole lead time before their first day lies in [from, to], and how many were flagged then. */
function flaggedStockouts(t: SimulationTruth, byDay: ReadonlyMap<number, DayFlags>, from: number, to: number): { stockouts: number; caught: number } {
  let stockouts = 0;
  let caught = 0;
  const pairs = t.storeIds.length * t.skus.length;
  for (let pair = 0; pair < pairs; pair++) {
    const lead = t.leadDays[pair % t.skus.length];
    for (const start of stockoutStarts(t, pair)) {
      if (start - lead < from || start - 1 > to) continue;
      stockouts++;
      for (let d = start - lead; d < start; d++) {
        if (byDay.get(d)!.level[pair] > 0) {
          caught++;
          break;
        }
      }
    }
  }
  return { stockouts, caught };
}

/**
 * Precision and recall of the stock-risk flags (high or critical) of the evaluation days in [from, to] against
 * the simulator's truth. `flags` holds one entry per evaluated day, in day order, and must cover [from, to];
 * days outside it are ignored.
 */
export function alertQuality(t: SimulationTruth, flags: readonly DayFlags[], from: number, to: number, shareDays = 28): AlertQuality {
  const pairs = t.storeIds.length * t.skus.length;
  const byDay = new Map(flags.map((f) => [f.day, f]));
  for (let d = from; d <= to; d++) if (!byDay.has(d)) throw new RangeError(`alertQuality: no flags for day ${d}`);
  const orders = openOrdersByPair(t);

  let flagged = 0;
  let flaggedTrue = 0;
  let unresolved = 0;
  const shares: number[] = [];
  let flaggedTotal = 0;
  let messages = 0;
  for (let d = from; d <= to; d++) {
    const { level } = byDay.get(d)!;
    messages += byDay.get(d)!.messages;
    let today = 0;
    for (let pair = 0; pair < pairs; pair++) {
      if (level[pair] === 0) continue;
      today++;
      const outcome = stocksOutIfNobodyActs(t, pair, d, orders.get(pair));
      if (outcome === null) unresolved++;
      else {
        flagged++;
        if (outcome) flaggedTrue++;
      }
    }
    flaggedTotal += today;
    shares.push(pairs > 0 ? today / pairs : 0);
  }

  const { stockouts, caught } = flaggedStockouts(t, byDay, from, to);
  const days = to - from + 1;
  const stores = t.storeIds.length;
  return {
    from,
    to,
    flagged,
    flaggedTrue,
    flaggedUnresolved: unresolved,
    precision: flagged > 0 ? flaggedTrue / flagged : null,
    stockouts,
    stockoutsFlagged: caught,
    recall: stockouts > 0 ? caught / stockouts : null,
    medianFlaggedShare: median(shares.slice(-shareDays)),
    flaggedPerStoreDay: stores > 0 && days > 0 ? flaggedTotal / (stores * days) : 0,
    messagesPerStoreDay: stores > 0 && days > 0 ? messages / (stores * days) : 0,
  };
}
