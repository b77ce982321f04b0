import { businessDate } from '../../../functions/lib/business-rules';
import type { PosEvent, TransactionEvent } from '../../../functions/lib/contract/types';
import { formatTimestamp } from '../../../local/simulator';
import { Rng } from '../../../local/simulator/random';
import { localToUtcMs, offsetMinutes, offsetSuffix } from '../../../local/simulator/time-zones';
import { classify, generate, type Generated } from './sim-helpers';

let demo: Generated;
let valid: PosEvent[];
let sales: TransactionEvent[];
const dates = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'];

beforeAll(() => {
  demo = generate(); // default start 2026-03-02 (a Monday), 7 days: the US switches to summer time on 03-08
  valid = classify(demo).valid;
  sales = valid.filter((e): e is TransactionEvent => e.event_type === 'sale');
});

const tzOf = (storeId: string): string => demo.ref.stores.find((s) => s.store_id === storeId)!.timezone;
const hourFormats = new Map<string, Intl.DateTimeFormat>();
const localHour = (e: PosEvent): number => {
  const tz = tzOf(e.store_id);
  if (!hourFormats.has(tz)) hourFormats.set(tz, new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }));
  return Number(hourFormats.get(tz)!.format(new Date(e.occurred_at)));
};
/** Mean of hours on a 24-hour circle (so 23 and 1 average to 0, not 12). */
const circularMeanHour = (hours: number[]): number => {
  const a = hours.reduce((acc, h) => [acc[0] + Math.sin((h / 24) * 2 * Math.PI), acc[1] + Math.cos((h / 24) * 2 * Math.PI)], [0, 0]);
  return ((Math.atan2(a[0], a[1]) / (2 * Math.PI)) * 24 + 24) % 24;
};

describe('time zones', () => {
  it('formats timestamps exactly like Date does, in every style', () => {
    const rng = new Rng(1, 'ts');
    const cache = { base: Number.NaN, prefix: '' };
    for (let i = 0; i < 2000; i++) {
      const t = Date.UTC(2026, 0, 1) + Math.floor(rng.next() * 400 * 86400000);
      const offset = rng.pick([-600, -420, -300, -240, 0, 60, 330, 345, 660]);
      expect(formatTimestamp(t, 'utc-millis', offset, '', cache)).toBe(new Date(t).toISOString());
      expect(formatTimestamp(t, 'utc', offset, '', cache)).toBe(new Date(t).toISOString().slice(0, 19) + 'Z');
      expect(formatTimestamp(t, 'local-offset', offset, offsetSuffix(offset), cache)).toBe(new Date(t + offset * 60000).toISOString().slice(0, 19) + offsetSuffix(offset));
    }
  });

  it('converts local wall-clock time to UTC across DST changes', () => {
    expect(new Date(localToUtcMs('America/New_York', 2026, 3, 7, 10)).toISOString()).toBe('2026-03-07T15:00:00.000Z');
    expect(new Date(localToUtcMs('America/New_York', 2026, 3, 8, 10)).toISOString()).toBe('2026-03-08T14:00:00.000Z');
    expect(new Date(localToUtcMs('Australia/Sydney', 2026, 3, 2, 9)).toISOString()).toBe('2026-03-01T22:00:00.000Z');
    expect(new Date(localToUtcMs('Europe/Berlin', 2026, 3, 29, 12)).toISOString()).toBe('2026-03-29T10:00:00.000Z');
    expect(offsetMinutes('Asia/Kolkata', Date.UTC(2026, 5, 1))).toBe(330);
  });

  it('uses stores in at least seven time zones, each till writing Z, local offsets or milliseconds', () => {
    expect(new Set(demo.ref.stores.map((s) => s.timezone)).size).toBeGreaterThanOrEqual(7);
    const styles = new Set(sales.map((e) => (e.occurred_at.endsWith('Z') ? (e.occurred_at.includes('.') ? 'millis' : 'utc') : 'offset')));
    expect([...styles].sort()).toEqual(['millis', 'offset', 'utc']);
  });

  it('writes local offsets that are the real offset of the store zone at that instant (DST included)', () => {
    const withOffset = valid.filter((e) => !e.occurred_at.endsWith('Z'));
    expect(withOffset.length).toBeGreaterThan(1000);
    const wrong = withOffset.filter((e) => e.occurred_at.slice(19) !== offsetSuffix(offsetMinutes(tzOf(e.store_id), Date.parse(e.occurred_at))));
    expect(wrong.map((e) => e.occurred_at).slice(0, 3)).toEqual([]);
    const chicago = withOffset.filter((e) => tzOf(e.store_id) === 'America/Chicago' && e.event_type === 'sale');
    expect(new Set(chicago.map((e) => e.occurred_at.slice(19)))).toEqual(new Set(['-06:00', '-05:00']));
  });

  it('spreads every store over exactly the simulated business dates, in its own time zone', () => {
    for (const store of demo.ref.stores) {
      const own = valid.filter((e) => e.store_id === store.store_id);
      expect(new Set(own.map((e) => businessDate(e.occurred_at, store.timezone)))).toEqual(new Set(dates));
      const salesDates = new Set(own.filter((e) => e.event_type === 'sale').map((e) => businessDate(e.occurred_at, store.timezone)));
      expect(salesDates).toEqual(new Set(dates));
    }
    // Sydney mornings and Los Angeles evenings fall on another UTC date: daily figures must not use UTC dates.
    for (const tz of ['Australia/Sydney', 'America/Los_Angeles']) {
      const own = sales.filter((e) => tzOf(e.store_id) === tz);
      const shifted = own.filter((e) => businessDate(e.occurred_at, tz) !== new Date(e.occurred_at).toISOString().slice(0, 10));
      expect(shifted.length / own.length).toBeGreaterThan(0.03);
    }
  });

  it('puts sales inside opening hours in local time, peaking at the same local hours everywhere', () => {
    const hours = sales.map(localHour);
    expect(Math.min(...hours)).toBeGreaterThanOrEqual(7);
    expect(Math.max(...hours)).toBeLessThanOrEqual(21);
    const local = new Map<string, number[]>();
    const utc = new Map<string, number[]>();
    sales.forEach((e, i) => {
      if (!local.has(e.store_id)) {
        local.set(e.store_id, []);
        utc.set(e.store_id, []);
      }
      local.get(e.store_id)!.push(hours[i]);
      utc.get(e.store_id)!.push(new Date(e.occurred_at).getUTCHours() + new Date(e.occurred_at).getUTCMinutes() / 60);
    });
    for (const h of local.values()) {
      expect(circularMeanHour(h)).toBeGreaterThan(12);
      expect(circularMeanHour(h)).toBeLessThan(17);
    }
    // ... which is a very different hour of the UTC day in New York, London and Sydney
    const peakUtc = (tz: string): number => circularMeanHour(utc.get(demo.ref.stores.find((s) => s.timezone === tz)!.store_id)!);
    const apart = (a: number, b: number): number => Math.min(Math.abs(a - b), 24 - Math.abs(a - b));
    expect(apart(peakUtc('America/New_York'), peakUtc('Europe/London'))).toBeGreaterThan(3.5);
    expect(apart(peakUtc('Australia/Sydney'), peakUtc('Europe/London'))).toBeGreaterThan(8);
  });
});

describe('demand shapes', () => {
  it('has a lunch and an after-work peak on weekdays', () => {
    const weekday = sales.filter((e) => !['2026-03-07', '2026-03-08'].includes(businessDate(e.occurred_at, tzOf(e.store_id))));
    const perHour = new Array<number>(24).fill(0);
    for (const e of weekday) perHour[localHour(e)]++;
    expect(perHour[12]).toBeGreaterThan(1.5 * perHour[10]);
    expect(perHour[17]).toBeGreaterThan(1.5 * perHour[10]);
    expect(perHour[17]).toBeGreaterThan(1.2 * perHour[15]);
  });

  it('lifts weekend traffic above midweek', () => {
    const perDate = new Map<string, number>();
    for (const e of sales) {
      const d = businessDate(e.occurred_at, tzOf(e.store_id));
      perDate.set(d, (perDate.get(d) ?? 0) + 1);
    }
    expect(perDate.get('2026-03-07')!).toBeGreaterThan(1.3 * perDate.get('2026-03-03')!); // Saturday vs Tuesday
    expect(perDate.get('2026-03-08')!).toBeGreaterThan(1.1 * perDate.get('2026-03-04')!); // Sunday vs Wednesday
  });

  it('skews SKU popularity: the top tenth of the catalog takes a large share of lines', () => {
    const perSku = new Map<string, number>();
    for (const e of sales) for (const l of e.lines) perSku.set(l.sku, (perSku.get(l.sku) ?? 0) + 1);
    const counts = [...perSku.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const top = counts.slice(0, Math.ceil(demo.ref.products.length / 10)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.35);
    expect(top / total).toBeLessThan(0.8);
  });

  it('scales each store with its size: revenue lands near its target, bigger stores sell more', () => {
    const revenue = new Map<string, number>();
    for (const e of sales) {
      const net = e.lines.reduce((a, l) => a + l.quantity * l.unit_price - (l.discount ?? 0), 0);
      revenue.set(e.store_id, (revenue.get(e.store_id) ?? 0) + net);
    }
    for (const store of demo.ref.stores) {
      const ratio = revenue.get(store.store_id)! / 7 / store.target_daily_revenue;
      expect(ratio).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.3);
    }
    const byTarget = [...demo.ref.stores].sort((a, b) => a.target_daily_revenue - b.target_daily_revenue);
    expect(revenue.get(byTarget[byTarget.length - 1].store_id)!).toBeGreaterThan(revenue.get(byTarget[0].store_id)!);
  });

  it('generates a catalog and stores that make sense', () => {
    for (const p of demo.ref.products) {
      expect(p.unit_cost).toBeGreaterThan(0);
      expect(p.unit_cost).toBeLessThan(p.list_price);
      expect(p.lead_time_days).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(demo.ref.products.map((p) => p.category)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(demo.ref.products.map((p) => p.supplier)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(demo.ref.stores.map((s) => s.region)).size).toBeGreaterThanOrEqual(5);
    for (const s of demo.ref.stores) expect(s.manager_email).toMatch(/^[^@\s]+@[^@\s]+\.example\.com$/);
  });
});
