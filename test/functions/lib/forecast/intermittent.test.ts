import { croston, fitIntermittent, sba, tsb } from '../../../../functions/lib/forecast/intermittent';

// Worked by hand from the published update equations: Croston (1972), "Forecasting and stock control for intermittent
// demands", Operational Research Quarterly 23(3), with R forecast::croston's start (each SES starts at its first
// value, Shenstone & Hyndman 2005); SBA = Syntetos & Boylan (2005), IJF 21(2), factor 1 - alpha/2; TSB = Teunter,
// Syntetos & Babai (2011), EJOR 214(3).
describe('Croston, SBA and TSB', () => {
  const y = [0, 0, 3, 0, 0, 0, 5, 0, 2];

  it('Croston: sizes 3, 5, 2 at intervals 3, 4, 2 with alpha 0.1 give z 3.08, p 2.99', () => {
    // z: 3 -> 3 + 0.1(5 - 3) = 3.2 -> 3.2 + 0.1(2 - 3.2) = 3.08; p: 3 -> 3 + 0.1(4 - 3) = 3.1 -> 3.1 + 0.1(2 - 3.1) = 2.99
    expect(croston(y, 0.1).forecast(1)).toBeCloseTo(3.08 / 2.99, 10);
    expect(croston(y, 0.1).forecast(5)).toBeCloseTo(3.08 / 2.99, 10);
  });

  it('SBA scales the Croston rate by 1 - alpha / 2', () => {
    expect(sba(y, 0.1).rate).toBeCloseTo((0.95 * 3.08) / 2.99, 10);
  });

  it('a censored day (NaN) does not count towards the interval', () => {
    const censored = [0, 0, 3, 0, Number.NaN, 0, 5];
    // intervals 3 and 3 (the NaN day is skipped): p stays 3, z = 3.2
    expect(croston(censored, 0.1).rate).toBeCloseTo(3.2 / 3, 10);
  });

  it('forecasts 0 before any demand', () => {
    expect(croston([0, 0, Number.NaN], 0.1).rate).toBe(0);
    expect(tsb([0, 0], 0.1, 0.1).rate).toBe(0);
  });

  it('TSB: probability smoothed every day, size on demand days', () => {
    // d0 = 2/5 = 0.4; days 0,2,3 pull d towards 0, days 1,4 towards 1 (beta 0.2): 0.32, 0.456, 0.3648, 0.29184, 0.433472
    // z: 2, then 2 + 0.1(4 - 2) = 2.2
    expect(tsb([0, 2, 0, 0, 4], 0.1, 0.2).rate).toBeCloseTo(0.433472 * 2.2, 10);
  });

  it('the grid fit returns one of the grid fits with the least in-sample SSE', () => {
    const series = [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 3, 0, 0, 1];
    const fit = fitIntermittent(series, 'sba');
    for (const alpha of [0.05, 0.1, 0.2, 0.3]) expect(fit.sse).toBeLessThanOrEqual(sba(series, alpha).sse);
  });
});
