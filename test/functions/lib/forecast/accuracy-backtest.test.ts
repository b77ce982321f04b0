import { AccuracyTotals } from '../../../../functions/lib/forecast/accuracy';
import { backtestSeries, DEFAULT_BACKTEST, selectModel } from '../../../../functions/lib/forecast/backtest';
import { forecastOf, type ModelName } from '../../../../functions/lib/forecast/models';
import { StoreDailyTotals } from '../../../../functions/lib/forecast/weekday-profile';
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

  it('an intermittent series gets an intermittent model by least squared error', () => {
    const y = Float64Array.from({ length: 112 }, (_, t) => ((t * 37) % 11 === 0 ? 1 + (t % 3) : 0));
    const fit = backtestSeries(y, { evalWeeks: 4, selectWeeks: 4 })!;
    expect(['croston', 'sba', 'tsb']).toContain(fit.state.model);
  });

  it('no observed day: no fit', () => {
    expect(backtestSeries(new Float64Array(112).fill(NaN_))).toBeNull();
  });
});

describe('selectModel: the incumbent rule', () => {
  // squared errors of 2 selection origins per model; the rest have none
  const errors = (sums: Partial<Record<ModelName, number>>): Map<ModelName, (number | null)[]> =>
    new Map(Object.entries(sums).map(([m, sum]) => [m as ModelName, [sum / 2, sum / 2]]));
  const incumbent = { model: 'ses_weekday', margin: 0.3 } as const;

  it('keeps the incumbent when the best challenger is better by less than the margin', () => {
    const sq = errors({ ses_weekday: 100, ets_ana: 80, tsb: 120 });
    expect(selectModel(sq, [0, 1])).toBe('ets_ana');
    expect(selectModel(sq, [0, 1], incumbent)).toBe('ses_weekday');
  });

  it('a challenger more than the margin better wins', () => {
    expect(selectModel(errors({ ses_weekday: 100, ets_ana: 69, tsb: 120 }), [0, 1], incumbent)).toBe('ets_ana');
  });

  it('an incumbent without backtest errors does not stand in the way', () => {
    expect(selectModel(errors({ ets_ana: 80, tsb: 120 }), [0, 1], incumbent)).toBe('ets_ana');
    expect(selectModel(new Map(), [0, 1], incumbent)).toBeUndefined();
  });

  it('in the backtest: a series whose weekday shape the store profile misses leaves the incumbent for a seasonal model', () => {
    // the store is flat over the week; this SKU sells only at weekends, the same every week
    const y = Float64Array.from({ length: 112 }, (_, t) => (t % 7 >= 5 ? 30 : 0));
    const store = new StoreDailyTotals(112);
    store.add(new Float64Array(112).fill(10));
    expect(DEFAULT_BACKTEST.incumbent?.model).toBe('ses_weekday');
    const fit = backtestSeries(y, DEFAULT_BACKTEST, store)!;
    expect(['seasonal_naive', 'ets_ana']).toContain(fit.state.model);
    for (let h = 1; h <= 7; h++) expect(forecastOf(fit.state, h)).toBeCloseTo((112 + h - 1) % 7 >= 5 ? 30 : 0, 0);
  });
});
