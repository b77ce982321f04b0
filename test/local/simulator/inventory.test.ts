import { businessDate } from '../../../functions/lib/business-rules';
import type { PosEvent } from '../../../functions/lib/contract/types';
import { classify, countBy, generate, ordersAndReceipts, type Generated } from './sim-helpers';

let demo: Generated;
/** valid events in occurrence order (arrival order among equal instants) */
let timeline: PosEvent[];

beforeAll(() => {
  demo = generate();
  timeline = classify(demo)
    .valid.map((e, i) => ({ e, i, t: Date.parse(e.occurred_at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
});

/** Naive on-hand per store|sku replayed from the events: snapshots set it, everything else moves it. */
function replay(onSnapshot?: (key: string, replayed: number | undefined, counted: number) => void): { onHand: Map<string, number>; sold: Map<string, number>; negative: string[] } {
  const onHand = new Map<string, number>();
  const sold = new Map<string, number>();
  const negative: string[] = [];
  const move = (key: string, delta: number): void => {
    const v = (onHand.get(key) ?? 0) + delta;
    onHand.set(key, v);
    if (v < 0) negative.push(key);
  };
  for (const e of timeline) {
    if (e.event_type === 'inventory_snapshot') {
      const key = `${e.store_id}|${e.sku}`;
      onSnapshot?.(key, onHand.get(key), e.on_hand_qty);
      onHand.set(key, e.on_hand_qty);
    } else if (e.event_type === 'inventory_adjustment') {
      move(`${e.store_id}|${e.sku}`, e.quantity_change);
    } else if (e.event_type === 'sale' || e.event_type === 'return') {
      for (const l of e.lines) {
        const key = `${e.store_id}|${l.sku}`;
        move(key, e.event_type === 'sale' ? -l.quantity : l.quantity);
        if (e.event_type === 'sale') sold.set(key, (sold.get(key) ?? 0) + l.quantity);
      }
    }
  }
  return { onHand, sold, negative };
}

describe('simulated inventory', () => {
  it('opens with a snapshot of every store x SKU before anything else happens there', () => {
    const first = new Map<string, string>();
    for (const e of timeline) {
      const keys = 'lines' in e ? e.lines.map((l) => `${e.store_id}|${l.sku}`) : [`${e.store_id}|${e.sku}`];
      for (const k of keys) if (!first.has(k)) first.set(k, e.event_type);
    }
    expect(first.size).toBe(demo.ref.stores.length * demo.ref.products.length);
    expect(new Set(first.values())).toEqual(new Set(['inventory_snapshot']));
  });

  it('replays: every later stock count equals the on-hand computed from the events, never negative', () => {
    let checked = 0;
    const off: string[] = [];
    const { negative } = replay((key, replayed, counted) => {
      if (replayed === undefined) return; // the opening count
      checked++;
      if (replayed !== counted) off.push(`${key}: replayed ${replayed}, counted ${counted}`);
    });
    expect(checked).toBe(demo.ref.stores.length * demo.ref.products.length * 7);
    expect(off.slice(0, 5)).toEqual([]);
    expect(negative.slice(0, 5)).toEqual([]);
  });

  it('leaves some SKUs at some stores really low by the end, but most well stocked', () => {
    const { onHand, sold } = replay();
    let under3 = 0;
    let under7 = 0;
    let fine = 0;
    const storesUnder3 = new Set<string>();
    for (const [key, units] of sold) {
      const daysOfSupply = onHand.get(key)! / (units / 7);
      if (daysOfSupply < 3) {
        under3++;
        storesUnder3.add(key.split('|')[0]);
      } else if (daysOfSupply < 7) under7++;
      else fine++;
    }
    const total = under3 + under7 + fine;
    expect(under3).toBeGreaterThan(0.02 * total);
    expect(under7).toBeGreaterThan(0.02 * total);
    expect(fine).toBeGreaterThan(0.65 * total);
    expect(storesUnder3.size).toBeGreaterThan(demo.ref.stores.length / 2);
    // and some are out of stock altogether, which the till notices: customers leave without that item
    expect([...onHand.values()].filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(demo.stats.lostSaleLines).toBeGreaterThan(0);
  });

  it('receives replenishment no sooner than the supplier lead time, and books write-offs and count corrections', () => {
    const adjustments = timeline.filter((e) => e.event_type === 'inventory_adjustment');
    const byReason = countBy(adjustments, (e) => e.reason);
    expect(byReason.receipt).toBeGreaterThan(20);
    expect(byReason.shrink).toBeGreaterThan(10);
    expect(byReason.damage).toBeGreaterThan(5);
    expect(byReason.count_correction).toBeGreaterThan(5);
    const start = Date.parse('2026-03-02T00:00:00Z');
    for (const e of adjustments) {
      if (e.reason === 'receipt') {
        expect(e.quantity_change).toBeGreaterThan(0);
        const tz = demo.ref.stores.find((s) => s.store_id === e.store_id)!.timezone;
        const dayIndex = (Date.parse(`${businessDate(e.occurred_at, tz)}T00:00:00Z`) - start) / 86400000;
        expect(dayIndex).toBeGreaterThanOrEqual(demo.ref.products.find((p) => p.sku === e.sku)!.lead_time_days);
      } else if (e.reason === 'shrink' || e.reason === 'damage') {
        expect(e.quantity_change).toBeLessThan(0);
      }
    }
  });

  it('reports every order it places as a purchase_order event, and each receipt names the order it fills', () => {
    const { orders, receipts } = ordersAndReceipts(demo);
    expect(orders.length).toBe(demo.stats.purchaseOrders);
    expect(orders.length).toBeGreaterThan(100);
    const byPo = new Map(orders.map((o) => [o.po_id, o]));
    expect(byPo.size).toBe(orders.length);
    const problems: string[] = [];
    for (const o of orders) {
      const product = demo.ref.products.find((p) => p.sku === o.sku)!;
      const tz = demo.ref.stores.find((st) => st.store_id === o.store_id)!.timezone;
      const placed = businessDate(o.occurred_at, tz);
      if (!new RegExp(`^PO-${o.store_id}-\\d+$`).test(o.po_id)) problems.push(`po_id ${o.po_id}`);
      if (o.supplier !== product.supplier) problems.push(`supplier ${o.po_id}`);
      // due after the lead time (later still when the store is closed that day), never before
      const lead = (Date.parse(o.expected_date) - Date.parse(placed)) / 86_400_000;
      if (lead < product.lead_time_days || lead > product.lead_time_days + 3) problems.push(`expected ${o.po_id}: ${lead} days, lead ${product.lead_time_days}`);
    }
    let late = 0;
    for (const r of receipts) {
      const o = r.po_id === undefined ? undefined : byPo.get(r.po_id);
      if (!o || o.sku !== r.sku || o.store_id !== r.store_id || o.quantity !== r.quantity_change || Date.parse(o.occurred_at) > Date.parse(r.occurred_at)) {
        problems.push(`receipt ${r.event_id} (${r.po_id})`);
        continue;
      }
      const tz = demo.ref.stores.find((st) => st.store_id === r.store_id)!.timezone;
      const arrived = businessDate(r.occurred_at, tz);
      if (arrived < o.expected_date) problems.push(`receipt ${r.event_id} before ${o.expected_date}`);
      if (arrived > o.expected_date) late++;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(receipts.length).toBeGreaterThan(20);
    // the supplier is late now and then, not always
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(receipts.length * 0.4);
  });

  it('returns items sold earlier at the same store, at the price paid', () => {
    const soldAt = new Map<string, number>();
    const returns = [];
    const problems: string[] = [];
    for (const e of timeline) {
      if (e.event_type === 'sale') for (const l of e.lines) soldAt.set(`${e.store_id}|${l.sku}|${l.unit_price}`, Date.parse(e.occurred_at));
      if (e.event_type === 'return') {
        returns.push(e);
        for (const l of e.lines) {
          const when = soldAt.get(`${e.store_id}|${l.sku}|${l.unit_price}`);
          if (when === undefined || when > Date.parse(e.occurred_at)) problems.push(`${e.event_id} ${l.sku}`);
        }
      }
    }
    expect(returns.length).toBe(demo.stats.returns);
    expect(returns.length / demo.stats.transactions).toBeGreaterThan(0.01);
    expect(returns.length / demo.stats.transactions).toBeLessThan(0.04);
    expect(problems).toEqual([]);
  });
});
