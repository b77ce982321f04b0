import type { TransactionEvent } from '../../../functions/lib/contract/types';
import { INJECTED_FAULTS, LINE_KINDS } from '../../../local/simulator';
import { classify, countBy, generate, type Generated } from './sim-helpers';

/** The demo defaults (12 stores, 200 SKUs, 7 days), generated once for every test here. */
let demo: Generated;
let verdicts: ReturnType<typeof classify>['verdicts'];
let valid: ReturnType<typeof classify>['valid'];

beforeAll(() => {
  demo = generate();
  ({ verdicts, valid } = classify(demo));
});

describe('simulated events against the contract validator', () => {
  it('gets the verdict the simulator intended for every single line', () => {
    const mismatches = demo.lines.flatMap((line, i) => (verdicts[i] === demo.kinds[i] ? [] : [`${demo.kinds[i]} -> ${verdicts[i]}: ${line}`]));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("counts per rejection reason equal the simulator's own injected-fault counts", () => {
    const byVerdict = countBy(verdicts, (v) => v);
    for (const kind of LINE_KINDS) expect(byVerdict[kind] ?? 0).toBe(demo.stats.byKind[kind]);
    expect(demo.stats.events).toBe(demo.lines.length);
    // every fault kind really occurs, at about the configured rates (2% faults, 1% duplicates)
    for (const kind of [...INJECTED_FAULTS, 'duplicate' as const]) expect(demo.stats.byKind[kind]).toBeGreaterThan(50);
    const faults = INJECTED_FAULTS.reduce((a, k) => a + demo.stats.byKind[k], 0);
    expect(faults / demo.stats.events).toBeGreaterThan(0.017);
    expect(faults / demo.stats.events).toBeLessThan(0.023);
    expect(demo.stats.byKind.duplicate / demo.stats.events).toBeGreaterThan(0.008);
    expect(demo.stats.byKind.duplicate / demo.stats.events).toBeLessThan(0.012);
  });

  it('re-delivers duplicates as the identical text of an event already emitted, and only those', () => {
    const firstText = new Map<string, string>();
    const redelivered: string[] = [];
    const problems: string[] = [];
    demo.lines.forEach((line, i) => {
      const id = /^\{"event_id":"([^"]+)"/.exec(line)?.[1] ?? '';
      if (demo.kinds[i] === 'duplicate') {
        if (firstText.get(id) !== line) problems.push(`duplicate not identical to an earlier valid line: ${line}`);
        redelivered.push(id);
      } else if (demo.kinds[i] === 'valid') {
        if (firstText.has(id)) problems.push(`valid line re-uses an id: ${line}`);
        firstText.set(id, line);
      }
    });
    expect(problems.slice(0, 3)).toEqual([]);
    expect(redelivered.length).toBeGreaterThan(0);
    const validatorDuplicates = demo.lines.flatMap((line, i) => (verdicts[i] === 'duplicate' ? [/"event_id":"([^"]+)"/.exec(line)![1]] : []));
    expect(validatorDuplicates).toEqual(redelivered);
  });

  it('gives every event (faults included) its own id of at most 64 characters', () => {
    const ids = demo.lines.flatMap((line, i) => (demo.kinds[i] === 'duplicate' ? [] : [/"event_id":"([^"]+)"/.exec(line)?.[1]])).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids.map((id) => id!.length))).toBeLessThanOrEqual(64);
  });

  it('emits every valid line as one line of JSON with prices in two decimals', () => {
    expect(demo.lines.filter((line) => /[\n\r]/.test(line))).toEqual([]);
    const prices = demo.lines.filter((_, i) => demo.kinds[i] === 'valid').flatMap((line) => [...line.matchAll(/"(?:unit_price|discount)":([^,}]+)/g)].map((m) => m[1]));
    expect(prices.length).toBeGreaterThan(50_000);
    expect(prices.filter((p) => !/^\d+\.\d\d$/.test(p))).toEqual([]);
  });

  it('produces valid events of every type, with consistent stats', () => {
    const byType = countBy(valid, (e) => e.event_type);
    expect(byType.sale).toBe(demo.stats.transactions);
    expect(byType.return).toBe(demo.stats.returns);
    expect(byType.inventory_snapshot).toBe(demo.stats.snapshots);
    expect(byType.inventory_adjustment).toBe(demo.stats.adjustments);
    let saleLines = 0;
    let cents = 0;
    for (const e of valid) {
      if (e.event_type !== 'sale' && e.event_type !== 'return') continue;
      if (e.event_type === 'sale') saleLines += e.lines.length;
      for (const l of e.lines) cents += (e.event_type === 'sale' ? 1 : -1) * Math.round(l.quantity * l.unit_price * 100 - (l.discount ?? 0) * 100);
    }
    expect(saleLines).toBe(demo.stats.saleLines);
    expect(cents / 100).toBeCloseTo(demo.stats.netRevenue, 2);
  });

  it('uses every payment method, a loyalty share near the option, multi-line baskets and some discounts', () => {
    const sales = valid.filter((e): e is TransactionEvent => e.event_type === 'sale');
    const payments = countBy(sales, (e) => e.payment_method);
    expect(Object.keys(payments).sort()).toEqual(['card', 'cash', 'gift_card', 'mobile', 'other']);
    const loyal = sales.filter((e) => e.customer_id !== null).length / sales.length;
    expect(loyal).toBeGreaterThan(0.3);
    expect(loyal).toBeLessThan(0.4);
    const repeatCustomers = Object.values(countBy(sales.filter((e) => e.customer_id !== null), (e) => e.customer_id!)).filter((n) => n > 1);
    expect(repeatCustomers.length).toBeGreaterThan(100);
    const sizes = sales.map((e) => e.lines.length);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(8);
    expect(sizes.filter((n) => n === 1).length / sizes.length).toBeGreaterThan(0.3);
    const lines = sales.flatMap((e) => e.lines);
    const discounted = lines.filter((l) => (l.discount ?? 0) > 0);
    expect(discounted.length / lines.length).toBeGreaterThan(0.02);
    expect(discounted.length / lines.length).toBeLessThan(0.15);
    for (const l of discounted) expect(l.discount!).toBeLessThan(l.quantity * l.unit_price);
    expect(lines.some((l) => l.quantity >= 6)).toBe(true);
  });

  it('emits no faults or duplicates when both rates are 0', () => {
    const clean = generate({ stores: 3, skus: 40, days: 2, faultRate: 0, duplicateRate: 0 });
    expect(clean.kinds.every((k) => k === 'valid')).toBe(true);
    expect(classify(clean).verdicts.every((v) => v === 'valid')).toBe(true);
  });

  it('honours a higher fault rate, still matching the validator', () => {
    const noisy = generate({ stores: 3, skus: 40, days: 2, faultRate: 0.2, duplicateRate: 0.1 });
    const counts = countBy(classify(noisy).verdicts, (v) => v);
    for (const kind of LINE_KINDS) expect(counts[kind] ?? 0).toBe(noisy.stats.byKind[kind]);
    const faults = INJECTED_FAULTS.reduce((a, k) => a + noisy.stats.byKind[k], 0) / noisy.stats.events;
    expect(faults).toBeGreaterThan(0.18);
    expect(faults).toBeLessThan(0.22);
  });
});
