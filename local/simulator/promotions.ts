import { AliasTable, Rng } from './random';

/**
 * Promotions: a SKU goes on offer for a week (weeks counted from the first simulated day) in every store of a
 * region. The shelf price drops by the offer's percentage on every line sold, and demand for the SKU rises by
 * `lift` (own-price elasticity of about -3). Other SKUs keep their demand: a store's traffic grows by the extra
 * promoted demand instead (see `extraDemand`).
 */

/** Share of SKU-weeks on offer in a region. */
const PROMOTED_SHARE = 0.03;
const OFFER_PERCENTS = [10, 15, 20, 20, 25, 30] as const;
const ELASTICITY = 3;

/** How much an offer of `percent` off multiplies the SKU's demand. */
export function lift(percent: number): number {
  return (1 - percent / 100) ** -ELASTICITY;
}

/** Expected demand the offers add, as a share of usual demand (for sizing runs: the actual share varies by week). */
export const MEAN_EXTRA_DEMAND = (PROMOTED_SHARE * OFFER_PERCENTS.reduce((a, p) => a + lift(p) - 1, 0)) / OFFER_PERCENTS.length;

interface WeekOffers {
  skus: Int32Array;
  percents: Uint8Array;
  lifts: Float64Array;
}

/** The offers running at one store on one day: draw a promoted SKU with probability `share`. */
export interface StoreDayOffers {
  /** discount percent by slot of the store's assortment (0 = not on offer) */
  percentBySlot: Uint8Array;
  /** chance that a basket line is drawn from `table` (the promoted uplift) instead of the store's popularity */
  share: number;
  table: AliasTable | null;
  /** the slots on offer; `table` draws a position in this list */
  slots: Int32Array;
}

/** What the offers need of a store: its assortment (catalog indices, ascending) and its demand share by slot. */
export interface StoreAssortment {
  carried: Int32Array;
  skuShare: Float64Array;
}

export class Promotions {
  /** offers by region index, then week */
  private readonly byRegion: WeekOffers[][];

  constructor(regionCount: number, skuCount: number, days: number, seed: number) {
    const weeks = Math.ceil(days / 7);
    this.byRegion = [];
    for (let r = 0; r < regionCount; r++) {
      const rng = new Rng(seed, `promotions:${r}`);
      const region: WeekOffers[] = [];
      for (let w = 0; w < weeks; w++) {
        const skus: number[] = [];
        const percents: number[] = [];
        // geometric gaps between promoted SKUs: one draw per offer, not per SKU
        for (let k = Math.floor(Math.log(1 - rng.next()) / Math.log(1 - PROMOTED_SHARE)); k < skuCount; k += 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - PROMOTED_SHARE))) {
          skus.push(k);
          percents.push(rng.pick(OFFER_PERCENTS));
        }
        region.push({
          skus: Int32Array.from(skus),
          percents: Uint8Array.from(percents),
          lifts: Float64Array.from(percents, lift),
        });
      }
      this.byRegion.push(region);
    }
  }

  /**
   * The region's offers of the day's week that the store carries: for each, its slot and its position in the
   * week's list (both lists ascending by catalog index, so one merge pass).
   */
  private carriedOffers(region: number, day: number, store: StoreAssortment): { w: WeekOffers; slots: number[]; offers: number[] } {
    const w = this.byRegion[region][Math.floor(day / 7)];
    const slots: number[] = [];
    const offers: number[] = [];
    const carried = store.carried;
    for (let n = 0, j = 0; n < w.skus.length && j < carried.length; ) {
      if (carried[j] < w.skus[n]) j++;
      else if (carried[j] > w.skus[n]) n++;
      else {
        slots.push(j++);
        offers.push(n++);
      }
    }
    return { w, slots, offers };
  }

  /** Demand added by the offers at a store on a day, as a share of its usual demand (sum of share x (lift - 1)). */
  extraDemand(region: number, day: number, store: StoreAssortment): number {
    const { w, slots, offers } = this.carriedOffers(region, day, store);
    let extra = 0;
    for (let n = 0; n < slots.length; n++) extra += store.skuShare[slots[n]] * (w.lifts[offers[n]] - 1);
    return extra;
  }

  /** Switches `offers` (one store's, reused day after day) to the offers of `day`. */
  activate(offers: StoreDayOffers, region: number, day: number, store: StoreAssortment): void {
    for (let n = 0; n < offers.slots.length; n++) offers.percentBySlot[offers.slots[n]] = 0;
    const on = this.carriedOffers(region, day, store);
    offers.slots = Int32Array.from(on.slots);
    for (let n = 0; n < on.slots.length; n++) offers.percentBySlot[on.slots[n]] = on.w.percents[on.offers[n]];
    const extra = this.extraDemand(region, day, store);
    if (!(extra > 0)) {
      offers.share = 0;
      offers.table = null;
      return;
    }
    offers.share = extra / (1 + extra);
    offers.table = new AliasTable(on.slots.map((j, n) => store.skuShare[j] * (on.w.lifts[on.offers[n]] - 1)));
  }
}

/** No offers yet, for a store carrying `slots` SKUs. */
export function noOffers(slots: number): StoreDayOffers {
  return { percentBySlot: new Uint8Array(slots), share: 0, table: null, slots: new Int32Array(0) };
}
