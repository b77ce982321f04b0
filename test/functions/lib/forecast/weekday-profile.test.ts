import { backtestSeries } from '../../../../functions/lib/forecast/backtest';
import { fitModel, forecastOf } from '../../../../functions/lib/forecast/models';
import { fitSesWeekday, StoreDailyTotals } from '../../../../functions/lib/forecast/weekday-profile';

const NaN_ = Number.NaN;
// weekday shape by day index % 7, mean 1
const SHAPE = [0.5, 1, 1, 1, 1, 1, 1.5];
const twoWeeks = (scale: number): number[] => Array.from({ length: 14 }, (_, t) => scale * SHAPE[t % 7]);

describe('StoreDailyTotals.profile', () => {
  it('pools the series of a store by weekday (mean per observed series, normalised to mean 1), skipping censored days', () => {
    const a = twoWeeks(2);
    const b = twoWeeks(4);
    a[0] = NaN_; // censored in both: weekday 0 comes from day 7 only, (1 + 2) / 2 = 1.5 = 3 * 0.5
    b[0] = NaN_;
    const store = new StoreDailyTotals(14);
    store.add(a);
    store.add(b);
    const profile = store.profile();
    SHAPE.forEach((f, j) => expect(profile[j]).toBeCloseTo(f, 10));
    // the days before 7 only; a weekday observed without sales (closed) gets 0: rates 0,2,..,2, mean 12/7
    const early = new StoreDailyTotals(14);
    early.add([0, 2, 2, 2, 2, 2, 2, 9, 9, 9, 9, 9, 9, 9]);
    expect(early.profile(7)).toEqual([0, 7 / 6, 7 / 6, 7 / 6, 7 / 6, 7 / 6, 7 / 6].map((v) => expect.closeTo(v, 10)));
    // a weekday never observed gets 1; the others average 1: rates 1,1,1,1,1,3, mean 8/6
    const sparse = new StoreDailyTotals(7);
    sparse.add([NaN_, 1, 1, 1, 1, 1, 3]);
    expect(sparse.profile()).toEqual([1, 0.75, 0.75, 0.75, 0.75, 0.75, 2.25].map((v) => expect.closeTo(v, 10)));
  });
});

describe('ses_weekday', () => {
  it('forecasts level * weekday factor, stored as additive terms level * (factor - 1)', () => {
    const fit = fitSesWeekday(twoWeeks(2), SHAPE);
    expect(fit.level).toBeCloseTo(2, 10); // the adjusted series is 2 every day
    // day 14 is weekday index 0 (factor 0.5), day 20 index 6 (factor 1.5)
    expect(fit.seasonByHorizon.map((s) => Number(s.toFixed(10)))).toEqual([-1, 0, 0, 0, 0, 0, 1]);
    const state = fitModel('ses_weekday', twoWeeks(2), SHAPE);
    expect([1, 2, 7, 8].map((h) => forecastOf(state, h))).toEqual([1, 2, 3, 1].map((v) => expect.closeTo(v, 10)));
  });

  it('smooths the weekday-adjusted level: alpha from the grid by one-step SSE', () => {
    // flat profile; the level steps from 2 to 4 and stays: the largest alpha (0.35) tracks it best
    const y = [...new Array<number>(14).fill(2), ...new Array<number>(7).fill(4)];
    const fit = fitSesWeekday(y, [1, 1, 1, 1, 1, 1, 1]);
    expect(fit.level).toBeCloseTo(4 - 2 * 0.65 ** 7, 10);
  });

  it('keeps a finite level when the store sold nothing on a weekday (factor 0): those days forecast 0', () => {
    // a sparse history: nothing ever sold on weekday 0, so the profile's factor there is 0 (0 / 0 made the level NaN)
    const y = Float64Array.from({ length: 28 }, (_, t) => (t % 7 === 0 ? 0 : 2));
    const store = new StoreDailyTotals(28);
    store.add(y);
    const factor = store.profile();
    expect(factor[0]).toBe(0);
    const fit = fitSesWeekday(y, factor);
    expect(Number.isFinite(fit.level)).toBe(true);
    expect(fit.level).toBeCloseTo(2 / factor[1], 10);
    const state = fitModel('ses_weekday', y, factor);
    // day 28 is weekday index 0
    expect([1, 2].map((h) => forecastOf(state, h))).toEqual([0, 2].map((v) => expect.closeTo(v, 10)));
  });

  it('is a backtest candidate that uses the store profile given', () => {
    const y = Float64Array.from({ length: 70 }, (_, t) => 3 * SHAPE[t % 7]);
    const store = new StoreDailyTotals(70);
    store.add(y);
    const fit = backtestSeries(y, undefined, store);
    expect(fit?.holdout.forecasts.ses_weekday[0]).toBeCloseTo(1.5, 10);
  });
});
