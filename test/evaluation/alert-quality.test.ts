import { alertQuality, median, stockoutStarts, stocksOutIfNobodyActs, type DayFlags } from '../../local/evaluation/alert-quality';
import { twoSkuTruth } from './truth-fixture';

// Store S001, two SKUs over days 0..9.
// SKU 1 (lead 2): wants 2 a day; runs dry on days 3-4 (lost 1, then 2); order placed day 2 arrives day 5 (10 units).
// SKU 2 (lead 3): wants 1 a day; empty at the end of day 5, loses 1 on day 6; order placed day 3 arrives day 7 (11 units).
const truth = twoSkuTruth();
const ordersOf = (sku: number) => truth.orders.filter((o) => o.sku === sku);

/** levels per day for [SKU 1, SKU 2]; one message on each day with a flag */
function flags(byDay: Record<number, [number, number]>): DayFlags[] {
  return Object.entries(byDay).map(([day, levels]) => ({ day: Number(day), level: Uint8Array.from(levels), messages: levels.some((l) => l > 0) ? 1 : 0 }));
}

describe('if nobody acts', () => {
  it('runs short when stock plus the orders already placed falls below latent demand within the lead time', () => {
    // end of day 1: 3 units, days 2-3 want 4; the order placed on day 2 does not count yet
    expect(stocksOutIfNobodyActs(truth, 0, 1, ordersOf(0))).toBe(true);
    // end of day 0: 5 units, days 1-2 want 4
    expect(stocksOutIfNobodyActs(truth, 0, 0, ordersOf(0))).toBe(false);
    // end of day 4: 0 units, but the order placed on day 2 arrives on day 5
    expect(stocksOutIfNobodyActs(truth, 0, 4, ordersOf(0))).toBe(false);
    expect(stocksOutIfNobodyActs(truth, 0, 4, [])).toBe(true);
    // end of day 2 (SKU 2): 3 units for 3 days of 1: exactly enough
    expect(stocksOutIfNobodyActs(truth, 1, 2, ordersOf(1))).toBe(false);
    expect(stocksOutIfNobodyActs(truth, 1, 5, ordersOf(1))).toBe(true);
  });

  it('is unknown when the lead time runs past the simulated days', () => {
    expect(stocksOutIfNobodyActs(truth, 0, 7, ordersOf(0))).toBe(false);
    expect(stocksOutIfNobodyActs(truth, 0, 8, ordersOf(0))).toBeNull();
  });
});

describe('stockouts in the truth', () => {
  it('takes the first day of each run of days with lost sales', () => {
    expect(stockoutStarts(truth, 0)).toEqual([3]);
    expect(stockoutStarts(truth, 1)).toEqual([6]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([0.5, 1, 0, 0.5, 0, 0])).toBe(0.25);
    expect(median([])).toBeNull();
  });
});

describe('alertQuality', () => {
  const byHand = flags({
    1: [1, 0], // SKU 1 high: true (runs short on day 3)
    2: [2, 1], // SKU 1 critical: true; SKU 2 high: false (3 units, exactly enough)
    3: [0, 0],
    4: [1, 0], // SKU 1 high: false (the open order arrives first)
    5: [0, 0], // SKU 2 runs short on day 6 and is not flagged on days 3-5
    6: [0, 0],
  });

  it('gives precision, recall, the flagged share and the alert counts computed by hand', () => {
    const q = alertQuality(truth, byHand, 1, 6);
    expect(q).toEqual({
      from: 1,
      to: 6,
      flagged: 4,
      flaggedTrue: 2,
      flaggedUnresolved: 0,
      precision: 0.5,
      // SKU 1's stockout of day 3 was flagged on day 1 or 2; SKU 2's of day 6 not on days 3-5
      stockouts: 2,
      stockoutsFlagged: 1,
      recall: 0.5,
      // shares 1/2, 2/2, 0, 1/2, 0, 0
      medianFlaggedShare: 0.25,
      flaggedPerStoreDay: 4 / 6,
      // messages on days 1, 2 and 4, one store, 6 days
      messagesPerStoreDay: 3 / 6,
    });
  });

  it('takes the median over the last shareDays days only', () => {
    expect(alertQuality(truth, byHand, 1, 6, 3).medianFlaggedShare).toBe(0);
  });

  it('counts only stockouts whose whole lead time before lies in the window', () => {
    // days 2-6: SKU 1's stockout of day 3 needs flags from day 1
    const q = alertQuality(truth, byHand, 2, 6);
    expect([q.stockouts, q.stockoutsFlagged, q.recall]).toEqual([1, 0, 0]);
  });

  it('leaves out flags whose lead time runs past the run', () => {
    const q = alertQuality(truth, flags({ 7: [1, 0], 8: [1, 1], 9: [0, 0] }), 7, 9);
    expect([q.flagged, q.flaggedTrue, q.flaggedUnresolved, q.precision]).toEqual([1, 0, 2, 0]);
  });

  it('refuses a window with a day that has no flags', () => {
    expect(() => alertQuality(truth, flags({ 1: [0, 0], 3: [0, 0] }), 1, 3)).toThrow(/no flags for day 2/);
  });
});
