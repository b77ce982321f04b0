import { PAYMENT_METHODS } from '../../functions/lib/contract/types';
import {
  DAY_OF_WEEK_FACTOR,
  MAX_BASKET_LINES,
  NEXT_LINE_PROBABILITY,
  TRAFFIC_NOISE_SIGMA,
  buildSkuModels,
  buildStoreModels,
  drawQuantity,
  quantityPmf,
  type SkuModel,
  type StoreModel,
} from './demand-model';
import { holidayFactor, seasonFactor } from './calendar';
import { countedSlots } from './assortment';
import { adjustmentText, centsText, lineText, purchaseOrderText, snapshotText, transactionText } from './event-text';
import { FAULT_WEIGHTS, INJECTED_FAULTS, LINE_KINDS, faultyLine, type InjectedFault, type LineKind } from './faults';
import { Inventory } from './inventory';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options';
import { noOffers, Promotions, type StoreDayOffers } from './promotions';
import { Rng } from './random';
import { formatTimestamp, newClockCache, type ClockCache } from './timestamps';
import { generateReference, type SimReference } from './reference';
import { addDays, dayOfWeek, localToUtcMs, offsetMinutes, offsetSuffix } from './time-zones';
import { recordExpectedUnits, type SimulationTruth } from './truth';

/** One line as a till or batch export delivers it, and what the simulator meant it to be. */
export interface SimulatedLine {
  line: string;
  kind: LineKind;
}

export interface SimulatorStats {
  /** lines emitted, every kind */
  events: number;
  byKind: Record<LineKind, number>;
  /** valid `sale` events (each counted once, duplicates aside) */
  transactions: number;
  /** lines of valid `sale` events */
  saleLines: number;
  /** valid `return` events */
  returns: number;
  returnLines: number;
  /** valid `inventory_snapshot` events */
  snapshots: number;
  /** valid `inventory_adjustment` events */
  adjustments: number;
  /** valid transactions delivered hours after they occurred (till offline) */
  late: number;
  /** basket lines a customer wanted but could not buy: the SKU was out of stock */
  lostSaleLines: number;
  /** units customers wanted and could not buy (out of stock, or fewer on the shelf than they wanted) */
  lostUnits: number;
  /** valid `purchase_order` events: orders the stores' replenishment placed */
  purchaseOrders: number;
  /** store x SKU x open (trading) days simulated: the denominator of the stockout rate */
  storeSkuDays: number;
  /** of those, the days the SKU was out of stock at the store's close or had lost sales that day */
  stockoutStoreSkuDays: number;
  /** sum of line net revenue over valid sales minus valid returns, each in its store's currency (not converted) */
  netRevenue: number;
}

export type SimulationRun = Generator<SimulatedLine, SimulatorStats, undefined> & {
  /** filled in while the generator runs; final once it is done */
  readonly stats: SimulatorStats;
  readonly options: ResolvedOptions;
  readonly reference: SimReference;
  /** what really happened (with `recordTruth: true`; undefined otherwise); final once the generator is done */
  readonly truth: SimulationTruth | undefined;
};

export function emptyStats(): SimulatorStats {
  return {
    events: 0,
    byKind: Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<LineKind, number>,
    transactions: 0,
    saleLines: 0,
    returns: 0,
    returnLines: 0,
    snapshots: 0,
    adjustments: 0,
    late: 0,
    lostSaleLines: 0,
    lostUnits: 0,
    purchaseOrders: 0,
    storeSkuDays: 0,
    stockoutStoreSkuDays: 0,
    netRevenue: 0,
  };
}

const HOUR_MS = 3_600_000;
const KIND_OPENING_COUNT = 0;
const KIND_RECEIPTS = 1;
const KIND_OPEN_HOUR = 2;
const KIND_NIGHTLY_COUNT = 3;
const KIND_WRITE_OFF = 4;

/** Something that happens at a store in one local hour: opening count, receipts, trading, nightly count. */
interface Action {
  start: number;
  store: number;
  day: number;
  kind: number;
  /** expected transactions (trading hours only) */
  traffic: number;
  /** store's UTC offset in minutes during this hour, and as `+hh:mm` */
  offset: number;
  suffix: string;
  /** last clock hour formatted for this action's events */
  clock: ClockCache;
}

/** The timed things to do inside one arrival window, as parallel arrays reused from window to window. */
class ItemList {
  t: number[] = [];
  action: Action[] = [];
  kind: number[] = [];
  private order: number[] = [];

  reset(): void {
    this.t.length = 0;
    this.action.length = 0;
    this.kind.length = 0;
  }

  push(t: number, action: Action, kind: number): void {
    this.t.push(t);
    this.action.push(action);
    this.kind.push(kind);
  }

  /** Item indices by time; equal times keep the order they were planned in. */
  sortedOrder(): number[] {
    const n = this.t.length;
    const order = this.order;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = this.t;
    return order.sort((a, b) => t[a] - t[b] || a - b);
  }
}

const PAYMENT_WEIGHTS: Readonly<Record<(typeof PAYMENT_METHODS)[number], number>> = {
  card: 0.5,
  mobile: 0.22,
  cash: 0.18,
  gift_card: 0.06,
  other: 0.04,
};
const PAYMENT_CUMULATIVE = (() => {
  let sum = 0;
  return PAYMENT_METHODS.map((m) => (sum += PAYMENT_WEIGHTS[m]));
})();
const DISCOUNT_PERCENTS = [5, 10, 10, 15, 20, 25, 30] as const;
/** sold lines remembered per store, for returns */
const SOLD_RING = 512;
/** valid lines remembered for re-delivery as duplicates */
const DUPLICATE_RING = 2048;
/** the longest a till stays offline before it delivers its buffered transactions, in hours */
const MAX_LATE_HOURS = 36;

/**
 * Streams the simulated events of every store, in arrival order: windows of one UTC hour, events sorted by
 * occurrence inside a window (late deliveries and re-deliveries aside). Memory stays bounded by one window's
 * events plus small rings, whatever the scale.
 */
export function simulateEvents(opts: SimulatorOptions = {}, reference?: SimReference): SimulationRun {
  const options = resolveOptions(opts);
  const ref = reference ?? generateReference(opts);
  if (ref.stores.length === 0 || ref.products.length === 0) throw new RangeError('simulateEvents: reference data needs at least one store and one product');
  const sim = new Simulation(options, ref);
  return Object.assign(sim.run(), { stats: sim.stats, options, reference: ref, truth: sim.truth });
}

class Simulation {
  readonly stats = emptyStats();
  private readonly storeModels: StoreModel[];
  private readonly skuModels: SkuModel[];
  private readonly inventory: Inventory;
  private readonly demandRng: Rng;
  private readonly basketRng: Rng;
  private readonly stockRng: Rng;
  /** draws of returns: kept apart so that what customers want never depends on what was sold before */
  private readonly returnRng: Rng;
  private readonly deliveryRng: Rng;
  private readonly faultRng: Rng;
  private readonly idPrefix: string;
  private nextEvent = 0;
  /** net revenue in cents, kept exact; stats.netRevenue is derived from it */
  private netCents = 0;
  private readonly nextTransaction: Int32Array;
  private readonly out: SimulatedLine[] = [];
  private window = 0;
  private readonly items = new ItemList();
  readonly truth: SimulationTruth | undefined;
  /** per store-day (store * days + day): season x holiday traffic factor; 0 = closed */
  private readonly dayFactor: Float64Array;
  private readonly closed: Uint8Array;
  private readonly promotions: Promotions;
  /** the offers running at each store today */
  private readonly offers: StoreDayOffers[];
  /** per inventory cell (store x carried SKU): 1 when a customer could not get all they wanted today */
  private readonly lostToday: Uint8Array;
  /** stock counts each store has done so far (which slice of its assortment the next cycle count covers) */
  private readonly countsDone: Int32Array;
  /** most SKUs one count covers: stockCountSize once assortments apply, else no limit (see options) */
  private readonly countSize: number;
  /** with the truth: expected sale baskets per store-day (store * days + day), and exact mean quantity per SKU */
  private readonly expectedBaskets: Float64Array | undefined;
  private readonly meanQuantity: Float64Array | undefined;

  // sold lines per store, for returns (ring buffers; soldSlot is the slot in the store's assortment)
  private readonly soldSlot: Int32Array;
  private readonly soldQty: Int32Array;
  private readonly soldPrice: Int32Array;
  private readonly soldDiscount: Int32Array;
  private readonly soldPayment: Uint8Array;
  private readonly soldCustomer: (string | null)[];
  private readonly soldCount: Int32Array;

  private readonly duplicates: string[] = [];
  private duplicatePos = 0;
  private late: { release: number; line: string }[] = [];
  private readonly faultChance: number;
  private readonly duplicateChance: number;
  private readonly faultCumulative: number[];
  private readonly unknownStores: string[];
  private readonly unknownSkus: string[];

  constructor(
    private readonly o: ResolvedOptions,
    private readonly ref: SimReference,
  ) {
    this.skuModels = buildSkuModels(ref.products);
    this.storeModels = buildStoreModels(ref.stores, ref.products, this.skuModels, o.seed, o.transactionsPerStoreDay, o.loyaltyShare, o.assortmentSize);
    const cells = this.storeModels.reduce((a, sm) => a + sm.carried.length, 0);
    this.truth = o.recordTruth ? emptyTruth(o, ref, this.skuModels) : undefined;
    this.dayFactor = storeDayFactors(this.storeModels, o);
    this.closed = Uint8Array.from(this.dayFactor, (f) => (f === 0 ? 1 : 0));
    this.promotions = new Promotions(Math.max(...this.storeModels.map((sm) => sm.regionIndex)) + 1, this.skuModels.length, o.days, o.seed);
    this.offers = this.storeModels.map((sm) => noOffers(sm.carried.length));
    this.lostToday = new Uint8Array(cells);
    this.countsDone = new Int32Array(ref.stores.length);
    this.countSize = ref.products.length > o.assortmentSize ? o.stockCountSize : Infinity;
    if (this.truth) {
      this.expectedBaskets = new Float64Array(ref.stores.length * o.days);
      const pmfs = ([0, 1, 2] as const).map(quantityPmf);
      this.meanQuantity = Float64Array.from(this.skuModels, (k) => pmfs[k.priceBand].reduce((a, p, q) => a + p * q, 0));
    }
    this.inventory = new Inventory(this.storeModels, this.skuModels, o.days, o.seed, this.closed, this.truth?.orders);
    this.demandRng = new Rng(o.seed, 'demand');
    this.basketRng = new Rng(o.seed, 'baskets');
    this.stockRng = new Rng(o.seed, 'stock');
    this.returnRng = new Rng(o.seed, 'returns');
    this.deliveryRng = new Rng(o.seed, 'delivery');
    this.faultRng = new Rng(o.seed, 'faults');
    this.idPrefix = `evt-${o.seed}-${o.runTag}-`;
    const s = ref.stores.length;
    this.nextTransaction = new Int32Array(s);
    this.soldSlot = new Int32Array(s * SOLD_RING);
    this.soldQty = new Int32Array(s * SOLD_RING);
    this.soldPrice = new Int32Array(s * SOLD_RING);
    this.soldDiscount = new Int32Array(s * SOLD_RING);
    this.soldPayment = new Uint8Array(s * SOLD_RING);
    this.soldCustomer = new Array<string | null>(s * SOLD_RING).fill(null);
    this.soldCount = new Int32Array(s);
    // Faults and duplicates are added after valid events: chances chosen so that they make up faultRate and
    // duplicateRate of all emitted lines.
    const validShare = 1 - o.faultRate - o.duplicateRate;
    this.faultChance = o.faultRate / validShare;
    this.duplicateChance = o.duplicateRate / validShare;
    let sum = 0;
    const totalWeight = INJECTED_FAULTS.reduce((a, k) => a + FAULT_WEIGHTS[k], 0);
    this.faultCumulative = INJECTED_FAULTS.map((k) => (sum += FAULT_WEIGHTS[k] / totalWeight));
    const storeIds = new Set(ref.stores.map((st) => st.store_id));
    const skuIds = new Set(ref.products.map((p) => p.sku));
    const width = Math.max(3, String(s).length);
    this.unknownStores = absentIds(storeIds, ['S' + '0'.repeat(width), `S${s + 101}`, 'TRAINING-TILL', 'POPUP-07', `S${String(s + 1).padStart(width, '0')}`]);
    const skuWidth = Math.max(5, String(ref.products.length).length);
    this.unknownSkus = absentIds(
      skuIds,
      [1, 2, 3, 17].map((k) => `SKU-${String(ref.products.length + k).padStart(skuWidth, '0')}`).concat(['SKU-TEST', 'sku-00001', 'GIFTWRAP']),
    );
  }

  *run(): Generator<SimulatedLine, SimulatorStats, undefined> {
    const actions = this.planActions();
    const out = this.out;
    let i = 0;
    while (i < actions.length) {
      this.window = Math.floor(actions[i].start / HOUR_MS);
      this.releaseLate(false);
      for (let k = 0; k < out.length; k++) yield out[k];
      out.length = 0;
      const items = this.items;
      items.reset();
      for (; i < actions.length && Math.floor(actions[i].start / HOUR_MS) === this.window; i++) this.expand(actions[i], items);
      const order = items.sortedOrder();
      for (let n = 0; n < order.length; n++) {
        this.execute(items.t[order[n]], items.action[order[n]], items.kind[order[n]]);
        // a plain loop, not yield*: a delegated generator per item would be garbage on the hot path
        for (let k = 0; k < out.length; k++) yield out[k];
        out.length = 0;
      }
    }
    this.releaseLate(true);
    for (let k = 0; k < out.length; k++) yield out[k];
    out.length = 0;
    for (let s = 0; s < this.storeModels.length; s++) this.endDay(s, this.o.days - 1);
    return this.stats;
  }

  /** Every store-hour that has something in it, across all stores, in UTC order. */
  private planActions(): Action[] {
    const o = this.o;
    const actions: Action[] = [];
    for (const sm of this.storeModels) {
      const tz = sm.store.timezone;
      for (let day = 0; day < o.days; day++) {
        const date = addDays(o.startDate, day);
        const [y, m, d] = date.split('-').map(Number);
        const local = localDay(tz, y, m, d);
        const at = (hour: number, minutes: number, kind: number, traffic = 0): void => {
          const start = local.starts[hour] + minutes * 60000;
          const offset = local.offsets[hour];
          actions.push({ start, store: sm.index, day, kind, traffic, offset, suffix: offsetSuffix(offset), clock: newClockCache() });
        };
        const dow = dayOfWeek(date);
        const weekend = dow === 0 || dow === 6;
        const noise = Math.exp(TRAFFIC_NOISE_SIGMA * this.demandRng.normal());
        const factor = this.dayFactor[sm.index * o.days + day];
        // offers add demand for the promoted SKUs on top of the usual demand for the rest: more customers come
        const promoted = 1 + this.promotions.extraDemand(sm.regionIndex, day, sm);
        const dayTraffic = sm.transactionsPerDay * DAY_OF_WEEK_FACTOR[dow] * noise * factor * promoted;
        const shares = weekend ? sm.hourShareWeekend : sm.hourShareWeekday;
        if (this.truth) {
          // every trading hour's customer is a sale unless a return (execute); no draw is taken here
          this.expectedBaskets![sm.index * o.days + day] = factor > 0 ? dayTraffic * (1 - o.returnRate) : 0;
          this.truth.trafficNoise[sm.index * o.days + day] = noise;
        }
        if (day === 0) at(sm.openHour - 2, 0, KIND_OPENING_COUNT);
        at(sm.openHour - 1, 15, KIND_RECEIPTS); // also where the store's day starts (see startDay), open or not
        if (factor === 0 && day !== o.days - 1) continue; // closed for a holiday: no trading, no count
        if (factor > 0) for (let h = sm.openHour; h < sm.closeHour; h++) at(h, 0, KIND_OPEN_HOUR, dayTraffic * shares[h]);
        if ((day + 1) % o.snapshotEveryDays === 0 || day === o.days - 1) at(sm.closeHour, 30, KIND_NIGHTLY_COUNT);
      }
    }
    return actions.sort((a, b) => a.start - b.start || a.store - b.store || a.kind - b.kind);
  }

  /** Turns one action into the timed items of its hour. */
  private expand(action: Action, items: ItemList): void {
    if (action.kind !== KIND_OPEN_HOUR) {
      items.push(action.start, action, action.kind);
      return;
    }
    const rng = this.demandRng;
    const millis = this.storeModels[action.store].timestampStyle === 'utc-millis';
    const n = rng.poisson(action.traffic);
    for (let k = 0; k < n; k++) {
      const t = action.start + Math.floor(rng.next() * 3600) * 1000 + (millis ? Math.floor(rng.next() * 1000) : 0);
      items.push(t, action, KIND_OPEN_HOUR);
    }
    // Now and then something breaks or walks out of the store, and is written off.
    const writeOffs = rng.poisson(0.12);
    for (let k = 0; k < writeOffs; k++) items.push(action.start + Math.floor(rng.next() * 3600) * 1000, action, KIND_WRITE_OFF);
  }

  private execute(t: number, action: Action, kind: number): void {
    switch (kind) {
      case KIND_OPEN_HOUR:
        // a customer with something to return does not also buy: whether one comes never depends on the stock
        if (this.basketRng.next() < this.o.returnRate) {
          if (this.soldCount[action.store] > 0) this.returnTransaction(t, action);
        } else this.saleTransaction(t, action);
        return;
      case KIND_WRITE_OFF:
        this.writeOff(t, action);
        return;
      case KIND_OPENING_COUNT:
        this.stockCount(t, action, true);
        return;
      case KIND_RECEIPTS:
        this.startDay(action.store, action.day);
        this.receipts(t, action);
        return;
      case KIND_NIGHTLY_COUNT:
        this.stockCount(t, action, false);
        return;
    }
  }

  private timestamp(t: number, action: Action): string {
    return formatTimestamp(t, this.storeModels[action.store].timestampStyle, action.offset, action.suffix, action.clock);
  }

  private eventId(): string {
    return this.idPrefix + this.nextEvent++;
  }

  private transactionId(store: number): string {
    return `txn-${this.o.runTag}-${this.ref.stores[store].store_id}-${++this.nextTransaction[store]}`;
  }

  private customer(sm: StoreModel): string | null {
    const rng = this.basketRng;
    if (rng.next() >= this.o.loyaltyShare) return null;
    // Members mostly shop at their home store, sometimes elsewhere in the region; a few shop very often.
    const home = rng.next() < 0.1 ? this.storeModels[rng.pick(sm.regionPeers)] : sm;
    const u = rng.next();
    return `C${home.store.store_id}-${Math.floor(home.customerPool * u * u)}`;
  }

  private payment(): number {
    const u = this.basketRng.next();
    let k = 0;
    while (k < PAYMENT_CUMULATIVE.length - 1 && u >= PAYMENT_CUMULATIVE[k]) k++;
    return k;
  }

  private saleTransaction(t: number, action: Action): void {
    const s = action.store;
    const sm = this.storeModels[s];
    const rng = this.basketRng;
    const customer = this.customer(sm);
    const payment = this.payment();
    let wanted = 1;
    const maxLines = Math.min(MAX_BASKET_LINES, sm.carried.length);
    while (wanted < maxLines && rng.next() < NEXT_LINE_PROBABILITY) wanted++;
    const chosen: number[] = [];
    let written = 0;
    let lines = '';
    let basketCents = 0;
    const offers = this.offers[s];
    for (let l = 0; l < wanted; l++) {
      const j = offers.share > 0 && rng.next() < offers.share ? offers.slots[offers.table!.sample(rng)] : sm.popularity.sample(rng);
      if (chosen.includes(j)) continue; // the same item again goes on the same line
      chosen.push(j);
      const k = sm.carried[j];
      const sku = this.skuModels[k];
      const i = this.inventory.cell(s, j);
      // every draw for this line happens before the stock is looked at, so demand does not depend on stock
      const wantedQty = drawQuantity(rng, sku.priceBand);
      let percent = rng.next() < (customer === null ? 0.05 : 0.12) ? rng.pick(DISCOUNT_PERCENTS) : 0;
      if (offers.percentBySlot[j] > percent) percent = offers.percentBySlot[j];
      const qty = this.take(i, s, j, wantedQty, t, action);
      if (qty === 0) continue;
      const priceCents = sm.priceCents[k];
      const gross = qty * priceCents;
      const discount = percent === 0 ? 0 : Math.round((gross * percent) / 100);
      if (lines) lines += ',';
      lines += lineText(sku.sku, qty, sm.priceText[k], discount, sm.sendsZeroDiscount);
      basketCents += gross - discount;
      written++;
      this.rememberSold(s, j, qty, priceCents, discount, payment, customer);
    }
    if (!lines) return; // everything they wanted was out of stock: no sale
    const text = transactionText(
      this.eventId(),
      'sale',
      sm.store.store_id,
      this.timestamp(t, action),
      this.transactionId(s),
      customer,
      PAYMENT_METHODS[payment],
      lines,
    );
    this.stats.transactions++;
    this.stats.saleLines += written;
    this.netCents += basketCents;
    this.stats.netRevenue = this.netCents / 100;
    this.deliverTransaction(text, s, t, action);
  }

  /**
   * A customer takes up to `wanted` units of store `s`'s slot `j` (inventory cell `i`) off the shelf: returns how
   * many there were (the rest are lost sales), records the truth, and reorders when the stock reaches the reorder
   * point.
   */
  private take(i: number, s: number, j: number, wanted: number, t: number, action: Action): number {
    const inv = this.inventory;
    const truth = this.truth;
    const cell = truth ? this.truthCell(s, j, action.day) : 0;
    if (truth) truth.latentUnits[cell] += wanted;
    const available = inv.onHand[i];
    const qty = wanted > available ? Math.max(available, 0) : wanted;
    if (qty < wanted) {
      this.stats.lostUnits += wanted - qty;
      this.lostToday[i] = 1;
    }
    if (qty === 0) {
      this.stats.lostSaleLines++;
      return 0;
    }
    inv.onHand[i] = available - qty;
    if (truth) truth.soldUnits[cell] += qty;
    if (inv.onHand[i] <= inv.reorderPoint[i]) this.reorder(i, s, j, t, action, this.stockRng);
    return qty;
  }

  /** The truth's cell of store `s`'s slot `j` on `day` (the truth indexes the whole catalog). */
  private truthCell(s: number, j: number, day: number): number {
    return (s * this.skuModels.length + this.storeModels[s].carried[j]) * this.o.days + day;
  }

  /** Keeps a sold line in the store's ring of recent sales, where returns pick what comes back. */
  private rememberSold(s: number, j: number, qty: number, priceCents: number, discount: number, payment: number, customer: string | null): void {
    const slot = s * SOLD_RING + (this.soldCount[s]++ % SOLD_RING);
    this.soldSlot[slot] = j;
    this.soldQty[slot] = qty;
    this.soldPrice[slot] = priceCents;
    this.soldDiscount[slot] = discount;
    this.soldPayment[slot] = payment;
    this.soldCustomer[slot] = customer;
  }

  /** A customer brings back items bought earlier at this store; they go back on the shelf. */
  private returnTransaction(t: number, action: Action): void {
    const s = action.store;
    const sm = this.storeModels[s];
    const rng = this.returnRng;
    const filled = Math.min(this.soldCount[s], SOLD_RING);
    const wanted = rng.next() < 0.15 ? 2 : 1;
    let lines = '';
    let basketCents = 0;
    let count = 0;
    let first = -1;
    for (let attempt = 0; attempt < wanted * 3 && count < wanted; attempt++) {
      const slot = s * SOLD_RING + rng.int(0, filled - 1);
      const origQty = this.soldQty[slot];
      if (origQty === 0 || (first !== -1 && this.soldSlot[slot] === this.soldSlot[first])) continue;
      if (first === -1) first = slot;
      const qty = origQty === 1 || rng.next() < 0.7 ? 1 : rng.int(1, origQty);
      const j = this.soldSlot[slot];
      const discount = Math.round((this.soldDiscount[slot] * qty) / origQty);
      this.soldQty[slot] = origQty - qty;
      this.soldDiscount[slot] -= discount;
      this.inventory.onHand[this.inventory.cell(s, j)] += qty;
      if (lines) lines += ',';
      lines += lineText(this.skuModels[sm.carried[j]].sku, qty, centsText(this.soldPrice[slot]), discount, sm.sendsZeroDiscount);
      basketCents += qty * this.soldPrice[slot] - discount;
      count++;
    }
    if (count === 0) return;
    const text = transactionText(
      this.eventId(),
      'return',
      sm.store.store_id,
      this.timestamp(t, action),
      this.transactionId(s),
      this.soldCustomer[first],
      PAYMENT_METHODS[this.soldPayment[first]],
      lines,
    );
    this.stats.returns++;
    this.stats.returnLines += count;
    this.netCents -= basketCents;
    this.stats.netRevenue = this.netCents / 100;
    this.deliverTransaction(text, s, t, action);
  }

  private writeOff(t: number, action: Action): void {
    const s = action.store;
    const sm = this.storeModels[s];
    const rng = this.stockRng;
    const j = sm.popularity.sample(rng);
    const i = this.inventory.cell(s, j);
    const onHand = this.inventory.onHand[i];
    if (onHand <= 0) return;
    const qty = Math.min(onHand, rng.next() < 0.3 ? 2 : 1);
    this.inventory.onHand[i] = onHand - qty;
    const reason = rng.next() < 0.65 ? 'shrink' : 'damage';
    this.stats.adjustments++;
    this.deliver(adjustmentText(this.eventId(), sm.store.store_id, this.timestamp(t, action), this.skuModels[sm.carried[j]].sku, -qty, reason), s, t, action);
    this.reorder(i, s, j, t, action, rng);
  }

  private receipts(t: number, action: Action): void {
    const s = action.store;
    const sm = this.storeModels[s];
    const storeId = sm.store.store_id;
    const due = this.inventory.takeDue(s, action.day);
    if (due.length === 0) return;
    const ts = this.timestamp(t, action);
    for (let p = 0; p < due.length; p += 3) {
      const j = due[p];
      const qty = due[p + 1];
      const i = this.inventory.cell(s, j);
      this.inventory.receive(i, qty);
      this.stats.adjustments++;
      this.deliver(adjustmentText(this.eventId(), storeId, ts, this.skuModels[sm.carried[j]].sku, qty, 'receipt', poId(storeId, due[p + 2])), s, t, action);
      this.reorder(i, s, j, t, action, this.stockRng);
    }
  }

  /** Places a replenishment order for store `s`'s slot `j` (cell `i`) if it is due one, and reports it as a purchase_order event. */
  private reorder(i: number, s: number, j: number, t: number, action: Action, rng: Rng): void {
    const inv = this.inventory;
    const order = inv.checkReorder(i, s, j, action.day, rng);
    if (order === 0) return;
    const sm = this.storeModels[s];
    const storeId = sm.store.store_id;
    const sku = this.skuModels[sm.carried[j]];
    const expected = addDays(this.o.startDate, inv.lastPlannedDay);
    this.stats.purchaseOrders++;
    this.deliver(purchaseOrderText(this.eventId(), storeId, this.timestamp(t, action), poId(storeId, order), sku.sku, inv.lastQty, expected, sku.supplierJson), s, t, action);
  }

  /**
   * The store's business day begins (before its first receipt): the previous day is closed off (stockouts, truth)
   * and today's offers go up.
   */
  private startDay(s: number, day: number): void {
    if (day > 0) this.endDay(s, day - 1);
    const sm = this.storeModels[s];
    this.promotions.activate(this.offers[s], sm.regionIndex, day, sm);
    if (this.truth) {
      const baskets = this.expectedBaskets![s * this.o.days + day];
      recordExpectedUnits(this.truth, sm, day, baskets, this.offers[s], this.meanQuantity!, Math.min(MAX_BASKET_LINES, sm.carried.length));
    }
  }

  /** Counts the store's stockouts of `day` (of the SKUs it carries) and records its end-of-day stock in the truth. */
  private endDay(s: number, day: number): void {
    const carried = this.storeModels[s].carried.length;
    const onHand = this.inventory.onHand;
    const truth = this.truth;
    const days = this.o.days;
    const open = this.closed[s * days + day] === 0;
    for (let j = 0, i = this.inventory.cell(s, 0); j < carried; j++, i++) {
      if (open) {
        this.stats.storeSkuDays++;
        if (onHand[i] <= 0 || this.lostToday[i] === 1) this.stats.stockoutStoreSkuDays++;
      }
      this.lostToday[i] = 0;
      if (truth) truth.onHandEnd[this.truthCell(s, j, day)] = onHand[i];
    }
  }

  /**
   * A count of the store: of everything it carries, or (an assortment larger than stockCountSize) of the next slice
   * of it, a cycle count. The opening count sets the scene and triggers the first orders; a nightly count now and
   * then finds a discrepancy, booked as a count_correction just before the snapshot, so that replaying the events
   * always reproduces every snapshot.
   */
  private stockCount(t: number, action: Action, opening: boolean): void {
    const s = action.store;
    const sm = this.storeModels[s];
    const storeId = sm.store.store_id;
    const ts = this.timestamp(t, action);
    const inv = this.inventory;
    const rng = this.stockRng;
    const { first, step } = countedSlots(sm.carried.length, this.countSize, this.countsDone[s]++);
    for (let j = first; j < sm.carried.length; j += step) {
      const sku = this.skuModels[sm.carried[j]];
      const i = inv.cell(s, j);
      if (!opening && rng.next() < 0.004) {
        const change = rng.next() < 0.25 ? 1 : -Math.min(inv.onHand[i], rng.int(1, 2));
        if (change !== 0) {
          inv.onHand[i] += change;
          this.stats.adjustments++;
          this.deliver(adjustmentText(this.eventId(), storeId, ts, sku.sku, change, 'count_correction'), s, t, action);
        }
      }
      this.stats.snapshots++;
      this.deliver(snapshotText(this.eventId(), storeId, ts, sku.sku, inv.onHand[i], inv.reorderPoint[i]), s, t, action);
      if (opening) this.reorder(i, s, j, t, action, rng);
    }
  }

  /** A transaction goes out now, or (till offline) is held back for a while. */
  private deliverTransaction(text: string, store: number, t: number, action: Action): void {
    if (this.o.lateRate > 0 && this.deliveryRng.next() < this.o.lateRate) {
      this.stats.late++;
      this.late.push({ release: this.window + this.deliveryRng.int(1, MAX_LATE_HOURS), line: text });
      return;
    }
    this.deliver(text, store, t, action);
  }

  /** Emits a valid line, then perhaps an injected fault or a re-delivery of an earlier valid line. */
  private deliver(text: string, store: number, t: number, action: Action | null): void {
    this.emit(text, 'valid');
    if (this.duplicates.length < DUPLICATE_RING) this.duplicates.push(text);
    else this.duplicates[this.duplicatePos++ % DUPLICATE_RING] = text;
    const u = this.deliveryRng.next();
    if (u < this.faultChance) this.injectFault(store, t, action);
    else if (u < this.faultChance + this.duplicateChance) this.emit(this.deliveryRng.pick(this.duplicates), 'duplicate');
  }

  private emit(line: string, kind: LineKind): void {
    this.out.push({ line, kind });
    this.stats.events++;
    this.stats.byKind[kind]++;
  }

  private injectFault(store: number, t: number, action: Action | null): void {
    const rng = this.faultRng;
    const u = rng.next();
    let f = 0;
    while (f < INJECTED_FAULTS.length - 1 && u >= this.faultCumulative[f]) f++;
    const kind: InjectedFault = INJECTED_FAULTS[f];
    // SKUs the store carries (a pick from the whole catalog when it carries everything)
    const carried = this.storeModels[store].carried;
    const a = this.skuModels[rng.pick(carried)];
    const b = this.skuModels[rng.pick(carried)];
    const storeId = this.ref.stores[store].store_id;
    const occurredAt = action ? this.timestamp(t, action) : new Date(t).toISOString();
    const line = faultyLine(kind, rng, {
      eventId: this.eventId(),
      storeId,
      occurredAt,
      transactionId: `txn-${this.o.runTag}-${storeId}-x${this.nextEvent}`,
      sku: a.sku,
      priceText: this.storeModels[store].priceText[a.index],
      otherSku: b.sku,
      otherPriceText: this.storeModels[store].priceText[b.index],
      unknownStoreId: rng.pick(this.unknownStores),
      unknownSku: rng.pick(this.unknownSkus),
    });
    this.emit(line, kind);
  }

  /** Hands over transactions whose till came back online (all of them at the end of the run). */
  private releaseLate(all: boolean): void {
    if (this.late.length === 0) return;
    const keep: { release: number; line: string }[] = [];
    for (const l of this.late) {
      if (all || l.release <= this.window) this.deliver(l.line, 0, this.window * HOUR_MS, null);
      else keep.push(l);
    }
    this.late = keep;
  }
}

/** A truth with every per-cell array zeroed and no orders yet. */
function emptyTruth(o: ResolvedOptions, ref: SimReference, skus: readonly SkuModel[]): SimulationTruth {
  const cells = ref.stores.length * ref.products.length * o.days;
  return {
    startDate: o.startDate,
    days: o.days,
    storeIds: ref.stores.map((st) => st.store_id),
    skus: ref.products.map((p) => p.sku),
    leadDays: Int32Array.from(skus, (k) => k.leadDays),
    latentUnits: new Float32Array(cells),
    expectedUnits: new Float32Array(cells),
    trafficNoise: new Float32Array(ref.stores.length * o.days),
    priceBand: Uint8Array.from(skus, (k) => k.priceBand),
    soldUnits: new Int32Array(cells),
    onHandEnd: new Int32Array(cells),
    orders: [],
  };
}

/** Season x holiday traffic factor per store-day (store * days + day); 0 = the store is closed that day. */
function storeDayFactors(stores: readonly StoreModel[], o: ResolvedOptions): Float64Array {
  const factors = new Float64Array(stores.length * o.days);
  for (const sm of stores) {
    for (let day = 0; day < o.days; day++) {
      const date = addDays(o.startDate, day);
      factors[sm.index * o.days + day] = holidayFactor(sm.country, date) * seasonFactor(date);
    }
  }
  return factors;
}

/** `PO-<store_id>-<n>`: the n-th order a store placed. */
function poId(storeId: string, order: number): string {
  return `PO-${storeId}-${order}`;
}

function absentIds(present: Set<string>, candidates: string[]): string[] {
  const out = candidates.filter((c) => !present.has(c));
  let extra = 'UNKNOWN-0';
  while (out.length === 0) {
    if (!present.has(extra)) out.push(extra);
    extra += '0';
  }
  return out;
}

/** UTC start and UTC offset (minutes) of each local hour 0-24 of a calendar day in `tz`; cheap without a DST change. */
function localDay(tz: string, y: number, m: number, d: number): { starts: number[]; offsets: number[] } {
  const noon = localToUtcMs(tz, y, m, d, 12);
  const offset = offsetMinutes(tz, noon);
  const midnight = Date.UTC(y, m - 1, d) - offset * 60000;
  const starts = new Array<number>(25);
  const offsets = new Array<number>(25);
  if (offsetMinutes(tz, midnight) === offset && offsetMinutes(tz, midnight + 24 * HOUR_MS - 1000) === offset) {
    for (let h = 0; h <= 24; h++) {
      starts[h] = midnight + h * HOUR_MS;
      offsets[h] = offset;
    }
  } else {
    for (let h = 0; h <= 24; h++) {
      starts[h] = localToUtcMs(tz, y, m, d, h);
      offsets[h] = offsetMinutes(tz, starts[h]);
    }
  }
  return { starts, offsets };
}
