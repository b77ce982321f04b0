import type { SkuModel, StoreModel } from './demand-model';
import { MEAN_BASKET_LINES } from './demand-model';
import { Rng } from './random';
import type { SimulationTruth } from './truth';

/**
 * Stock per store x carried SKU (a cell per slot of each store's assortment) with a simple (s, S) replenishment policy: when on hand falls to the reorder point and
 * nothing is on order, order up to a target; the receipt arrives lead_time_days later (sometimes late).
 *
 * Planning is deliberately imperfect so the stock-risk stage has real work: most items start with one to four
 * weeks of cover and sensible reorder points, but some start thin, and some have reorder points planned on a
 * demand estimate far below the real one. Combined with long supplier lead times, a minority of store x SKU
 * pairs end the period with only a few days of supply or none.
 */
export class Inventory {
  readonly onHand: Int32Array;
  readonly reorderPoint: Int32Array;
  readonly orderUpTo: Int32Array;
  readonly onOrder: Int32Array;
  /** where each store's cells start: the cell of store s, slot j is offset[s] + j */
  private readonly offset: Int32Array;
  /** receipts due per store-day (index store * days + day): flat triples of [slot, quantity, order number] */
  private readonly due: (number[] | undefined)[];
  /** purchase orders placed so far per store (order numbers run 1, 2, ... per store) */
  private readonly ordersPlaced: Int32Array;
  /** the order `checkReorder` last placed: its number, quantity and planned arrival day (lead time, no delay) */
  lastOrder = 0;
  lastQty = 0;
  lastPlannedDay = 0;

  /**
   * @param closed per store-day (store * days + day): 1 when the store is closed; deliveries due then come the
   *   next open day
   * @param orderLog when given, every order placed is appended to it (the simulation's truth)
   */
  constructor(
    private readonly stores: readonly StoreModel[],
    private readonly skus: readonly SkuModel[],
    private readonly days: number,
    seed: number,
    private readonly closed: Uint8Array,
    private readonly orderLog?: SimulationTruth['orders'],
  ) {
    this.offset = new Int32Array(stores.length + 1);
    for (const store of stores) this.offset[store.index + 1] = this.offset[store.index] + store.carried.length;
    const n = this.offset[stores.length];
    this.onHand = new Int32Array(n);
    this.reorderPoint = new Int32Array(n);
    this.orderUpTo = new Int32Array(n);
    this.onOrder = new Int32Array(n);
    this.due = new Array<number[] | undefined>(stores.length * days);
    this.ordersPlaced = new Int32Array(stores.length);
    const rng = new Rng(seed, 'inventory');
    for (const store of stores) {
      for (let j = 0; j < store.carried.length; j++) {
        const sku = skus[store.carried[j]];
        const i = this.offset[store.index] + j;
        const dailyUnits = store.transactionsPerDay * MEAN_BASKET_LINES * store.skuShare[j] * sku.meanQuantity;
        const coverDays = rng.chance(0.08) ? rng.uniform(1.5, 5.5) : rng.uniform(10, 26);
        const planningBias = rng.chance(0.1) ? rng.uniform(0.35, 0.6) : rng.uniform(1, 1.35);
        const planned = dailyUnits * planningBias;
        this.reorderPoint[i] = Math.ceil(planned * (sku.leadDays + 3));
        this.orderUpTo[i] = this.reorderPoint[i] + Math.max(2, Math.ceil(planned * 14));
        this.onHand[i] = Math.max(rng.int(2, 5), Math.round(dailyUnits * coverDays));
      }
    }
  }

  /** The cell of `store`'s assortment slot `slot`. */
  cell(store: number, slot: number): number {
    return this.offset[store] + slot;
  }

  /**
   * Places an order if stock at `i` (the cell of `store`'s `slot`) has reached its reorder point and nothing is on
   * order, and returns its number (0: none placed; `lastQty` and `lastPlannedDay` describe the one placed). The
   * receipt shows up later through `takeDue`; an order due after the simulated period stays open.
   */
  checkReorder(i: number, store: number, slot: number, day: number, rng: Rng): number {
    if (this.onOrder[i] !== 0 || this.onHand[i] > this.reorderPoint[i]) return 0;
    const qty = this.orderUpTo[i] - this.onHand[i];
    if (qty <= 0) return 0;
    this.onOrder[i] = qty;
    const order = ++this.ordersPlaced[store];
    const sku = this.stores[store].carried[slot];
    const planned = this.nextOpenDay(store, day + this.skus[sku].leadDays);
    const delay = rng.chance(0.15) ? rng.int(1, 3) : 0; // the supplier is late now and then
    const arrival = delay === 0 ? planned : this.nextOpenDay(store, planned + delay);
    this.lastOrder = order;
    this.lastQty = qty;
    this.lastPlannedDay = planned;
    this.orderLog?.push({ store, sku, placedDay: day, arrivalDay: arrival, qty });
    if (arrival < this.days) (this.due[store * this.days + arrival] ??= []).push(slot, qty, order);
    return order;
  }

  /** `day`, or the first day after it that the store is open (days after the period count as open). */
  private nextOpenDay(store: number, day: number): number {
    while (day < this.days && this.closed[store * this.days + day] === 1) day++;
    return day;
  }

  /** Receipts arriving at `store` on `day`, as flat [slot, qty, order number] triples; each is handed out once. */
  takeDue(store: number, day: number): number[] {
    const slot = store * this.days + day;
    const list = this.due[slot] ?? [];
    this.due[slot] = undefined;
    return list;
  }

  receive(i: number, qty: number): void {
    this.onHand[i] += qty;
    this.onOrder[i] = 0;
  }
}
