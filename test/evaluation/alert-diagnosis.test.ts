import { diagnoseAlerts } from '../../local/evaluation/alert-diagnosis';
import type { RiskAsOf } from '../../local/evaluation/stock-risk-as-of';
import { twoSkuTruth } from './truth-fixture';

// The fixture of alert-quality.test.ts: SKU 1 (lead 2) wants 2 a day, runs dry on days 3-4, an order placed on
// day 2 arrives on day 5; SKU 2 (lead 3) wants 1 a day, loses 1 on day 6, an order placed on day 3 arrives on day 7.
const truth = twoSkuTruth();

/** stock risk's view of a day: levels given, on hand as the truth's, nothing seen on order, forecast 3 and 1 a day */
function risk(day: number, levels: [number, number], onHand = [truth.onHandEnd[day], truth.onHandEnd[10 + day]]): RiskAsOf {
  return { level: Uint8Array.from(levels), onHand: Float64Array.from(onHand), onOrder: new Float64Array(2), forecastDaily: Float64Array.from([3, 1]), messages: 0 };
}

describe('diagnoseAlerts', () => {
  const byDay = new Map([
    [1, risk(1, [1, 0])], // SKU 1 high: true
    [2, risk(2, [2, 1])], // SKU 1 critical: true; SKU 2 high: false (3 units, exactly enough)
    [3, risk(3, [0, 0], [0, 5])], // SKU 2's on hand overestimated (5, truth 2) on the first day of its lead window
    [4, risk(4, [1, 0])], // SKU 1 high: false, the order placed on day 2 arrives on day 5, unseen by stock risk
    [5, risk(5, [0, 0])],
    [6, risk(6, [0, 0])],
  ]);

  it('splits precision by level and says what the false flags and the missed stockouts had in common', () => {
    const d = diagnoseAlerts(truth, byDay, 1, 6);
    expect(d.critical).toEqual({ flagged: 1, true: 1 });
    expect(d.high).toEqual({ flagged: 3, true: 1 });
    expect(d.falsePositives).toEqual({
      count: 2,
      orderArrivedInLead: 1, // SKU 1 on day 4
      lakeSawNoOrderButOpen: 1,
      onHandWrong: 0,
      // SKU 2 on day 2: 1 x 3 / 3 wanted; SKU 1 on day 4: 3 x 2 / 4 wanted
      medianDemandRatio: 1.25,
      demandOver150pct: 1,
      // SKU 2 on day 2: 3 units, 1 a day for 3 days -> 0 at the tightest; SKU 1 on day 4: 0 + 10 - 2 = 8, then 6
      medianMinStockLeft: 3,
    });
    // SKU 2's stockout of day 6, not flagged on days 3-5; its order (placed day 3) is not before the lead window
    expect(d.missed).toEqual({ count: 1, lateOrder: 0, medianDemandRatio: 1, onHandOverestimated: 1, smallLoss: 1 });
  });
});
