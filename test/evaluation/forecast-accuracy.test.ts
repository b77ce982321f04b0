import { forecastAccuracy } from '../../local/evaluation/forecast-accuracy';
import { truthByHand } from './truth-fixture';

// One store-SKU over 14 days; day 13 sells 7 of the 9 wanted and ends empty (censored).
const truth = truthByHand({
  leadDays: [2],
  series: [
    {
      latent: [1, 2, 3, 4, 5, 6, 7, 2, 2, 3, 4, 5, 6, 9],
      sold: [1, 2, 3, 4, 5, 6, 7, 2, 2, 3, 4, 5, 6, 7],
      onHandEnd: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0],
    },
  ],
});

describe('forecastAccuracy', () => {
  it('gives WAPE, bias and MASE of the forecast and of the weekly seasonal naive computed by hand', () => {
    const a = forecastAccuracy(truth, () => 6, 12, 13);
    // in-sample naive error on days 7-11: |2-1| + 0 + 0 + 0 + 0 = 1 over 5 days -> scale 0.2
    // model vs latent (6, 9): |0| + |-3| = 3 over 15 units; mean error 1.5 / 0.2
    expect(a.latent.model).toEqual({ series: 1, wape: 0.2, biasPct: -20, mase: 7.5 });
    // naive = sales 7 days earlier (6, 7): errors 0, -2
    expect(a.latent.seasonalNaive.wape).toBeCloseTo(2 / 15, 10);
    expect(a.latent.seasonalNaive.biasPct).toBeCloseTo(-40 / 3, 10);
    expect(a.latent.seasonalNaive.mase).toBeCloseTo(5, 10);
    // observed sales: day 13 is censored, day 12 alone (6 sold) is scored
    expect(a.observed.model).toEqual({ series: 1, wape: 0, biasPct: 0, mase: 0 });
    expect(a.observed.seasonalNaive).toEqual({ series: 1, wape: 0, biasPct: 0, mase: 0 });
  });

  it('scores only the days the model forecasts, for the baseline too', () => {
    const a = forecastAccuracy(truth, (_pair, day) => (day === 12 ? 5 : null), 12, 13);
    expect(a.latent.model).toEqual({ series: 1, wape: 1 / 6, biasPct: -100 / 6, mase: 5 });
    // the baseline on day 12 only: sales of day 5 (6) against 6 wanted
    expect(a.latent.seasonalNaive.wape).toBe(0);
  });

  it('refuses test days without a week of history', () => {
    expect(() => forecastAccuracy(truth, () => 1, 6, 13)).toThrow(RangeError);
  });
});
