import { AccuracyTotals } from '../../../../functions/lib/forecast/accuracy';
import { backtestSeries } from '../../../../functions/lib/forecast/backtest';
import { forecastOf } from '../../../../functions/lib/forecast/models';
import { seasonalNaive, seasonalNaiveScale } from '../../../../functions/lib/forecast/seasonal-naive';

const NaN_ = Number.NaN;

describe('seasonal naive', () => {
  it('repeats the last week, falling back a week for a censored day', () => {
    const y = [1, 2, 3, 4, 5, 6, 7, 11, 12, NaN_, 14, 15, 16, 17];
    const sn = seasonalNaive(y);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((h) => sn.forecast(h))).toEqual([11, 12, 3, 14, 15, 16, 17, 11]);
  });

  it('scale: mean |y_t - y_t-7| over observed pairs', () => {
    expect(seasonalNaiveScale([1, 2, 3, 4, 5, 6, 7, 3, 2, NaN_, 4, 5, 6, 9])).toBeCloseTo((2 + 0 + 0 + 0 + 0 + 2) / 6, 10);
    expect(seasonalNaiveScale([1, 2])).toBeNaN();
  });
});

describe('AccuracyTotals', () => {
  it('WAPE, bias % and MASE over series, skipping censored days', () => {
    const totals = new AccuracyTotals();
    totals.add([2, 2, 2], [1, 3, NaN_], 1); // errors +1, -1
    totals.add([4, 0], [2, 2], 2); // errors +2, -2; MAE 2 / scale 2 = 1
    const s = totals.summary();
    expect(s.series).toBe(2);
    expect(s.wape).toBeCloseTo(6 / 8, 10);
    expect(s.biasPct).toBeCloseTo(0, 10);
    expect(s.mase).toBeCloseTo((1 + 1) / 2, 10);
    const biased = new AccuracyTotals();
    biased.add([3, 3], [2, 2], 0); // scale 0: no MASE
    expect(biased.summary()).toEqual({ series: 1, wape: 0.5, biasPct: 50, mase: null });
  });
});

describe('backtestSeries', () => {
  // deterministic pseudo-noise, so the test does not depend on a seed
  const noise = (t: number): number => {
    const x = Math.sin(t * 12.9898) * 43758.5453;
    return x - Math.floor(x) - 0.5;
  };
  const weekday = [0.8, 0.9, 1, 1, 1.1, 1.3, 0.9];

  it('a regular weekly series: Holt-Winters beats seasonal naive on the hold-out, unbiased', () => {
    const y = Float64Array.from({ length: 112 }, (_, t) => Math.max(0, Math.round(20 * weekday[t % 7] + 12 * noise(t))));
    const fit = backtestSeries(y);
    expect(fit).not.toBeNull();
    const { holdout } = fit!;
    expect(holdout.actuals).toHaveLength(28);
    const sel = new AccuracyTotals();
    sel.add(holdout.forecasts.selected, holdout.actuals, holdout.scale);
    const naive = new AccuracyTotals();
    naive.add(holdout.forecasts.seasonal_naive, holdout.actuals, holdout.scale);
    expect(sel.summary().wape!).toBeLessThan(0.85 * naive.summary().wape!);
    expect(Math.abs(sel.summary().biasPct!)).toBeLessThan(10); // one series of 28 noisy days
    expect(fit!.sigma).toBeGreaterThan(0);
  });

  it('censored days are missing values, not zeros: the forecast stays near the demand', () => {
    const y = Float64Array.from({ length: 112 }, (_, t) => (t % 10 < 3 ? NaN_ : 5));
    const fit = backtestSeries(y)!;
    for (let h = 1; h <= 7; h++) expect(forecastOf(fit.state, h)).toBeCloseTo(5, 1);
  });

  it('an intermittent series gets an intermittent model', () => {
    const y = Float64Array.from({ length: 112 }, (_, t) => ((t * 37) % 11 === 0 ? 1 + (t % 3) : 0));
    const fit = backtestSeries(y)!;
    expect(['croston', 'sba', 'tsb']).toContain(fit.state.model);
  });

  it('no observed day: no fit', () => {
    expect(backtestSeries(new Float64Array(112).fill(NaN_))).toBeNull();
  });
});
