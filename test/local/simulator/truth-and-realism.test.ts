import { createHash } from 'node:crypto';
import { businessDate } from '../../../functions/lib/business-rules';
import { exchangeRatesCsv, generateReference, simulateEvents, storesCsv, type SimulatorOptions } from '../../../local/simulator';
import { classify, generate, ordersAndReceipts, type Generated } from './sim-helpers';

/** The demo defaults with the truth recorded, generated once. */
let demo: Generated;
let truth: NonNullable<Generated['truth']>;

beforeAll(() => {
  demo = generate({ recordTruth: true });
  truth = demo.truth!;
});

function digest(opts: SimulatorOptions): string {
  const hash = createHash('sha256');
  for (const { line } of simulateEvents(opts)) hash.update(line + '\n');
  return hash.digest('hex');
}

describe("the simulation's truth", () => {
  it('is recorded only when asked, and recording it changes no event', () => {
    const small = { stores: 3, skus: 30, days: 3 };
    expect(simulateEvents(small).truth).toBeUndefined();
    expect(digest({ ...small, recordTruth: true })).toBe(digest(small));
  });

  it('matches the events: units sold per store-SKU-day, end-of-day counts, orders', () => {
    const { storeIds, skus, days } = truth;
    const cell = (store: string, sku: string, day: number): number => (storeIds.indexOf(store) * skus.length + skus.indexOf(sku)) * days + day;
    const tz = new Map(demo.ref.stores.map((s) => [s.store_id, s.timezone]));
    const dayOf = (e: { store_id: string; occurred_at: string }): number =>
      (Date.parse(businessDate(e.occurred_at, tz.get(e.store_id)!)) - Date.parse(truth.startDate)) / 86_400_000;
    const sold = new Int32Array(truth.soldUnits.length);
    const problems: string[] = [];
    let orders = 0;
    let nightly = 0;
    for (const e of classify(demo).valid) {
      if (e.event_type === 'sale') for (const l of e.lines) sold[cell(e.store_id, l.sku, dayOf(e))] += l.quantity;
      if (e.event_type === 'inventory_snapshot' && isNightly(e.occurred_at, tz.get(e.store_id)!)) {
        nightly++;
        if (truth.onHandEnd[cell(e.store_id, e.sku, dayOf(e))] !== e.on_hand_qty) problems.push(`${e.store_id} ${e.sku} day ${dayOf(e)}`);
      }
    }
    for (const e of ordersAndReceipts(demo).orders) {
      const o = truth.orders[orders++];
      if (storeIds[o.store] !== e.store_id || skus[o.sku] !== e.sku || o.qty !== e.quantity || o.placedDay !== dayOf(e)) problems.push(`order ${e.po_id}`);
      if (o.arrivalDay < o.placedDay + truth.leadDays[o.sku]) problems.push(`order ${e.po_id} arrives before its lead time`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(Array.from(sold)).toEqual(Array.from(truth.soldUnits));
    expect(nightly).toBe(12 * 200 * 7);
    expect(orders).toBe(truth.orders.length);
    expect(orders).toBe(demo.stats.purchaseOrders);
  });

  it('knows the demand the tills never saw: latent units are at least those sold, the rest are lost sales', () => {
    let latent = 0;
    let soldTotal = 0;
    for (let c = 0; c < truth.latentUnits.length; c++) {
      expect(truth.latentUnits[c]).toBeGreaterThanOrEqual(truth.soldUnits[c]);
      latent += truth.latentUnits[c];
      soldTotal += truth.soldUnits[c];
    }
    expect(latent - soldTotal).toBe(demo.stats.lostUnits);
    expect(demo.stats.lostUnits).toBeGreaterThan(0);
  });

  it('has a stockout rate of 2-8% of store-SKU-days', () => {
    expect(demo.stats.storeSkuDays).toBe(12 * 200 * 7);
    const rate = demo.stats.stockoutStoreSkuDays / demo.stats.storeSkuDays;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.08);
  });
});

/** Nightly counts are taken half an hour after closing, in the evening (local time); the opening count in the morning. */
function isNightly(occurredAt: string, timeZone: string): boolean {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(occurredAt)));
  return hour >= 15;
}

describe('a plausible retailer', () => {
  it('prices each store in its currency and writes daily exchange rates for the simulated days', () => {
    const ref = generateReference({ stores: 14 });
    const currencyOf = Object.fromEntries(ref.stores.map((s) => [s.store_name.split(' ').slice(0, -1).join(' '), s.currency]));
    expect(currencyOf).toMatchObject({ London: 'GBP', Manchester: 'GBP', Berlin: 'EUR', Munich: 'EUR', Sydney: 'AUD', Melbourne: 'AUD', 'New York': 'USD' });
    expect(storesCsv(ref).split('\n')[0]).toBe('store_id,store_name,region,manager_email,timezone,target_daily_revenue,currency');
    const rates = exchangeRatesCsv(ref, { days: 3 }).trim().split('\n');
    expect(rates[0]).toBe('rate_date,currency,rate');
    expect(rates.slice(1).map((r) => r.split(',').slice(0, 2).join(' '))).toEqual(
      ['2026-03-02', '2026-03-03', '2026-03-04'].flatMap((d) => ['AUD', 'EUR', 'GBP'].map((c) => `${d} ${c}`)),
    );
    const gbp = rates.slice(1).filter((r) => r.includes(',GBP,')).map((r) => Number(r.split(',')[2]));
    for (const rate of gbp) expect(Math.abs(rate - 1.27)).toBeLessThan(0.05);
    // London's shelf prices are GBP prices, not the USD list price
    const london = demo.ref.stores.find((s) => s.currency === 'GBP')!.store_id;
    const listPrice = new Map(demo.ref.products.map((p) => [p.sku, p.list_price]));
    const ratios = classify(demo)
      .valid.flatMap((e) => (e.event_type === 'sale' && e.store_id === london ? e.lines : []))
      .filter((l) => listPrice.get(l.sku)! > 10)
      .map((l) => l.unit_price / listPrice.get(l.sku)!);
    expect(ratios.length).toBeGreaterThan(100);
    for (const r of ratios) expect(Math.abs(r - 1 / 1.27)).toBeLessThan(0.06);
  });

  it('has no SKU above 3% of a store\'s revenue, cheap everyday items as top sellers and a long slow tail', () => {
    const { storeIds, skus, days } = truth;
    const price = demo.ref.products.map((p) => p.list_price);
    let slow = 0;
    for (let s = 0; s < storeIds.length; s++) {
      let revenue = 0;
      let top = 0;
      for (let k = 0; k < skus.length; k++) {
        let units = 0;
        for (let d = 0; d < days; d++) units += truth.soldUnits[(s * skus.length + k) * days + d];
        revenue += units * price[k];
        top = Math.max(top, units * price[k]);
        let wanted = 0;
        for (let d = 0; d < days; d++) wanted += truth.latentUnits[(s * skus.length + k) * days + d];
        if (wanted / days < 1) slow++;
      }
      expect(top / revenue).toBeLessThan(0.03);
    }
    expect(slow / (storeIds.length * skus.length)).toBeGreaterThan(0.2);
    const unitsBySku = skus.map((_, k) => {
      let u = 0;
      for (let s = 0; s < storeIds.length; s++) for (let d = 0; d < days; d++) u += truth.soldUnits[(s * skus.length + k) * days + d];
      return u;
    });
    const top10 = unitsBySku.map((u, k) => ({ u, k })).sort((a, b) => b.u - a.u).slice(0, 10);
    for (const { k } of top10) expect(price[k]).toBeLessThan(10);
  });

  it('lets some stores beat their revenue target and others miss it', () => {
    const revenue = new Map<string, number>();
    for (const e of classify(demo).valid) {
      if (e.event_type !== 'sale') continue;
      for (const l of e.lines) revenue.set(e.store_id, (revenue.get(e.store_id) ?? 0) + l.quantity * l.unit_price - (l.discount ?? 0));
    }
    const ratio = demo.ref.stores.map((s) => revenue.get(s.store_id)! / 7 / s.target_daily_revenue);
    expect(ratio.filter((r) => r >= 1).length).toBeGreaterThanOrEqual(3);
    expect(ratio.filter((r) => r < 1).length).toBeGreaterThanOrEqual(3);
  });

  it('runs promotions: a SKU on offer sells at the same discount to every customer of the region for a week', () => {
    const offers = new Map<string, Set<string>>();
    for (const e of classify(demo).valid) {
      if (e.event_type !== 'sale' || e.customer_id !== null) continue;
      for (const l of e.lines) {
        const pct = Math.round(((l.discount ?? 0) / (l.quantity * l.unit_price)) * 100);
        if (pct > 0) {
          const key = `${e.store_id}|${l.sku}`;
          (offers.get(key) ?? offers.set(key, new Set()).get(key)!).add(String(pct));
        }
      }
    }
    // store-SKUs whose anonymous buyers got a discount many times: on offer
    const promoted = [...offers.keys()].filter((k) => (offers.get(k)!.size === 1));
    expect(promoted.length).toBeGreaterThan(20);
  });

  it('closes stores on public holidays and delivers the day after', () => {
    // Good Friday 2026: German and Australian stores closed, New York open
    const g = generate({ stores: 7, skus: 30, days: 2, startDate: '2026-04-03', faultRate: 0, duplicateRate: 0 });
    const salesByStore = new Map<string, number>();
    for (const e of classify(g).valid) {
      const tz = g.ref.stores.find((s) => s.store_id === e.store_id)!.timezone;
      if (e.event_type === 'sale' && businessDate(e.occurred_at, tz) === '2026-04-03') salesByStore.set(e.store_id, (salesByStore.get(e.store_id) ?? 0) + 1);
    }
    const byCity = (city: string): number => salesByStore.get(g.ref.stores.find((s) => s.store_name.startsWith(city))!.store_id) ?? 0;
    expect(byCity('Berlin')).toBe(0);
    expect(byCity('Sydney')).toBe(0);
    expect(byCity('New York')).toBeGreaterThan(50);
  });
});
