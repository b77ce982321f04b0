import { openOrdersByPair, stocksOutIfNobodyActs } from '../../local/evaluation/alert-quality';
import { demandFromDays } from '../../local/evaluation/demand-distribution';
import { forecastCeiling, stockoutProbabilities, stockoutProbability, sweepThreshold } from '../../local/evaluation/oracle';
import { truthByHand, twoSkuTruth } from './truth-fixture';

const pointMass = (units: number): Float64Array => {
  const pmf = new Float64Array(units + 1);
  pmf[units] = 1;
  return pmf;
};
/** 0 or 2 units, as likely */
const coinFlip = demandFromDays(() => Float64Array.of(0.5, 0, 0.5));

describe('the oracle knowing demand exactly (deterministic demand)', () => {
  // the hand-built truth of alert-quality.test.ts: SKU 1 runs dry on days 3-4, SKU 2 on day 6
  const truth = twoSkuTruth();
  const exact = demandFromDays((pair, day) => pointMass(truth.latentUnits[pair * truth.days + day]));

  it('gives probability 1 exactly where the store-SKU stocks out if nobody acts, 0 elsewhere', () => {
    const orders = openOrdersByPair(truth);
    const probabilities = stockoutProbabilities(truth, 1, 6, exact);
    probabilities.forEach((byPair, i) => {
      byPair.forEach((p, pair) => expect(p).toBe(stocksOutIfNobodyActs(truth, pair, 1 + i, orders.get(pair)) ? 1 : 0));
    });
  });

  it('is perfect: precision 1 and recall 1', () => {
    const { atRecall, atPrecision } = sweepThreshold(truth, stockoutProbabilities(truth, 1, 6, exact), 1, 6);
    expect([atRecall?.alerts.precision, atRecall?.alerts.recall, atRecall?.alerts.stockouts]).toEqual([1, 1, 2]);
    expect([atPrecision?.alerts.precision, atPrecision?.alerts.recall]).toEqual([1, 1]);
  });
});

describe('the oracle on a coin flip', () => {
  // one SKU, lead 1, 1 unit left every night; each day wants 0 or 2 units, as likely
  const latent = [2, 0, 2, 2, 0, 0, 2, 0, 0, 2, 0, 0];
  const truth = truthByHand({
    leadDays: [1],
    series: [{ latent, sold: latent.map((u) => Math.min(u, 1)), onHandEnd: latent.map(() => 1), expected: latent.map(() => 1) }],
  });

  it('gives the probability of running short worked by hand', () => {
    expect(stockoutProbability(truth, 0, 4, [], coinFlip)).toBe(0.5);
    const twoDays = truthByHand({ leadDays: [2], series: [{ latent, sold: latent, onHandEnd: latent.map(() => 1) }] });
    // short on day 1 (1/2), or on day 2 after nothing on day 1 (1/4)
    expect(stockoutProbability(twoDays, 0, 4, [], coinFlip)).toBe(0.75);
    // 2 more units arrive on day 2: only day 1 can run short; an order placed later does not count
    expect(stockoutProbability(twoDays, 0, 4, [{ placedDay: 4, arrivalDay: 6, qty: 2 }], coinFlip)).toBe(0.5);
    expect(stockoutProbability(twoDays, 0, 4, [{ placedDay: 5, arrivalDay: 6, qty: 2 }], coinFlip)).toBe(0.75);
  });

  it('flags every day at recall 1 and is right as often as the coin says: precision 4/10, never 0.8', () => {
    const { atRecall, atPrecision } = sweepThreshold(truth, stockoutProbabilities(truth, 1, 10, coinFlip), 1, 10);
    // days 1-10 are short the next day when it wants 2: days 2, 3, 6, 9 of 2-11
    expect([atRecall?.alerts.flagged, atRecall?.alerts.flaggedTrue, atRecall?.alerts.precision]).toEqual([10, 4, 0.4]);
    // stockouts starting on days 2, 6 and 9, each flagged the day before
    expect([atRecall?.alerts.stockouts, atRecall?.alerts.recall]).toEqual([3, 1]);
    // the highest threshold that still flags p = 1/2
    expect(atRecall?.threshold).toBeLessThanOrEqual(0.5);
    expect(atRecall?.threshold).toBeGreaterThan(0.49);
    expect(atPrecision).toBeNull();
  });

  it('reaches no recall when there is no stockout to catch', () => {
    // flags on days 3-4 could catch stockouts starting on days 4-5: there are none (days 4 and 5 want nothing)
    const { atRecall } = sweepThreshold(truth, stockoutProbabilities(truth, 3, 4, coinFlip), 3, 4);
    expect(atRecall).toBeNull();
  });

  it('scores the expected units against the seasonal naive as forecastAccuracy does', () => {
    const f = forecastCeiling(truth, 7, 11);
    // forecast 1 against 0, 0, 2, 0, 0: WAPE 5 / 2; naive (sold on days 0-4: 1, 0, 1, 1, 0): WAPE 3 / 2
    expect(f.expected.wape).toBeCloseTo(2.5, 2);
    expect(f.seasonalNaive.wape).toBe(1.5);
    expect(f.expectedVsNaive).toBeCloseTo(2.5 / 1.5 - 1, 2);
    expect(f.dayTrafficKnownVsNaive).toBeCloseTo(2.5 / 1.5 - 1, 10);
  });
});
