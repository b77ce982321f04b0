import { fitHoltWinters, holtWinters, initialStates } from '../../../../functions/lib/forecast/holt-winters';

// ETS(A,N,A) / ETS(A,Ad,A) error-correction equations of Hyndman & Athanasopoulos, Forecasting: Principles and
// Practice (3rd ed.), section 8.3; the expected values below are worked by hand from them.
describe('additive Holt-Winters with a weekly season', () => {
  const pattern = [-3, -1, 0, 1, 2, 3, -2]; // sums to 0
  const weeks = (n: number, level = 10): number[] => Array.from({ length: 7 * n }, (_, t) => level + pattern[t % 7]);

  it('starts from the classical decomposition of the first two weeks', () => {
    const init = initialStates(weeks(2));
    expect(init.level).toBeCloseTo(10, 10);
    init.season.forEach((s, j) => expect(s).toBeCloseTo(pattern[j], 10));
  });

  it('reproduces a pure weekly pattern exactly, whatever the smoothing, also across a censored day', () => {
    const y = weeks(4);
    y[17] = Number.NaN;
    const fit = holtWinters(y, { alpha: 0.3, gamma: 0.2 });
    expect(fit.sse).toBeCloseTo(0, 10);
    for (let h = 1; h <= 14; h++) expect(fit.forecast(h)).toBeCloseTo(10 + pattern[(28 + h - 1) % 7], 10);
  });

  it('one update after a jump: l = alpha (y - s) + (1 - alpha) l, s = gamma (y - l_prev) + (1 - gamma) s', () => {
    const y = [...weeks(2), 20];
    const fit = holtWinters(y, { alpha: 0.5, gamma: 0.1 });
    // l = 0.5 (20 + 3) + 0.5 * 10 = 16.5; s_mon = 0.1 (20 - 10) + 0.9 * -3 = -1.7
    expect(fit.level).toBeCloseTo(16.5, 10);
    expect(fit.forecast(1)).toBeCloseTo(16.5 - 1, 10);
    expect(fit.forecast(7)).toBeCloseTo(16.5 - 1.7, 10);
    expect(fit.sse).toBeCloseTo((20 - 7) ** 2, 10);
  });

  it('a damped trend adds phi + ... + phi^h times the trend', () => {
    const y = [...weeks(2), 20];
    const fit = holtWinters(y, { alpha: 0.5, gamma: 0.1, beta: 0.2, phi: 0.8 });
    // b = 0.2 (16.5 - 10) + 0.8 * 0.8 * 0 = 1.3
    expect(fit.trend).toBeCloseTo(1.3, 10);
    expect(fit.forecast(2)).toBeCloseTo(fit.level + (0.8 + 0.64) * 1.3 + fit.seasonByHorizon[1], 10);
  });

  it('chooses alpha and gamma by in-sample one-step SSE', () => {
    const y = weeks(6).map((v, t) => v + (t % 3) - 1 + (t > 21 ? 4 : 0));
    const fit = fitHoltWinters(y);
    expect(fit.sse).toBeLessThanOrEqual(holtWinters(y, { alpha: 0.1, gamma: 0.05 }).sse);
    expect(fit.sse).toBeLessThanOrEqual(holtWinters(y, { alpha: 0.35, gamma: 0 }).sse);
  });
});
