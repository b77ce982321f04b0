import {
  compoundNegativeBinomialPmf,
  compoundPoissonPmf,
  convolve,
  demandFromDays,
  expectedDemand,
  pmfMean,
  pmfMedian,
  truthDemand,
} from '../../local/evaluation/demand-distribution';
import { simulateEvents } from '../../local/simulator';
import { drawQuantity, quantityPmf } from '../../local/simulator/demand-model';
import { Rng } from '../../local/simulator/random';
import type { SimulationTruth } from '../../local/simulator/truth';

describe('quantityPmf', () => {
  it.each([0, 1, 2] as const)('matches the frequencies of drawQuantity for price band %i', (band) => {
    const rng = new Rng(11, 'quantities');
    const draws = 200_000;
    const counts = new Float64Array(25);
    for (let i = 0; i < draws; i++) counts[drawQuantity(rng, band)]++;
    const pmf = quantityPmf(band);
    expect(pmf.reduce((a, p) => a + p, 0)).toBeCloseTo(1, 12);
    // 3.5 standard errors of a frequency at most 1/2 over 200k draws: 0.004
    for (let q = 0; q < pmf.length; q++) expect(Math.abs(counts[q] / draws - pmf[q])).toBeLessThan(0.004);
  });
});

describe('compound distributions', () => {
  const quantity = Float64Array.of(0, 0.5, 0.5); // 1 or 2 units, as likely

  it('gives the compound Poisson worked by hand', () => {
    const pmf = compoundPoissonPmf(1, quantity);
    // P(0) = e^-1; P(1) = e^-1 x 0.5; P(2) = e^-1 (0.5 + 0.5^2 / 2)
    expect(pmf[0]).toBeCloseTo(Math.exp(-1), 14);
    expect(pmf[1]).toBeCloseTo(Math.exp(-1) * 0.5, 14);
    expect(pmf[2]).toBeCloseTo(Math.exp(-1) * 0.625, 14);
    expect(pmfMean(pmf)).toBeCloseTo(1.5, 9);
  });

  it('splits a mean too large for one recursion and keeps its mean', () => {
    const pmf = compoundPoissonPmf(800, quantity);
    expect(pmf.reduce((a, p) => a + p, 0)).toBeCloseTo(1, 9);
    expect(pmfMean(pmf)).toBeCloseTo(1200, 4);
    expect(pmfMean(compoundNegativeBinomialPmf(800, 150, quantity))).toBeCloseTo(1200, 4);
  });

  it('gives a negative binomial count the variance of its gamma-mixed mean', () => {
    // counts only: mean 4, shape 2 -> variance 4 + 4^2 / 2 = 12
    const pmf = compoundNegativeBinomialPmf(4, 2, Float64Array.of(0, 1));
    const mean = pmfMean(pmf);
    const variance = pmf.reduce((a, p, x) => a + p * (x - mean) ** 2, 0);
    expect(mean).toBeCloseTo(4, 9);
    expect(variance).toBeCloseTo(12, 8);
  });

  it('takes the median and convolves', () => {
    expect(pmfMedian(Float64Array.of(0.6, 0.4))).toBe(0);
    expect(pmfMedian(Float64Array.of(0.4, 0.2, 0.4))).toBe(1);
    expect(Array.from(convolve(Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5)))).toEqual([0.25, 0.5, 0.25]);
    expect(Array.from(convolve(Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5), 2))).toEqual([0.25, 0.5]);
  });
});

// One simulated run of 4 stores x 60 SKUs x 84 days: 20,160 cells.
describe("the truth's expected units against the simulated draws", () => {
  let truth: SimulationTruth;
  beforeAll(() => {
    const run = simulateEvents({ seed: 5, stores: 4, skus: 60, days: 84, recordTruth: true });
    for (let step = run.next(); !step.done; step = run.next()) {
      // drain: the truth is recorded as the events are made
    }
    truth = run.truth!;
  });

  it('agree on average: expected and latent units sum to within 1.5% of each other', () => {
    let expected = 0;
    let latent = 0;
    for (let c = 0; c < truth.latentUnits.length; c++) {
      expected += truth.expectedUnits[c];
      latent += truth.latentUnits[c];
    }
    expect(truth.latentUnits.length).toBe(20_160);
    expect(Math.abs(expected / latent - 1)).toBeLessThan(0.015);
    // without the day's own traffic the expectation still agrees (the multiplier averages out)
    const before = expectedDemand(truth);
    let beforeSum = 0;
    for (let pair = 0; pair < 240; pair++) for (let day = 0; day < 84; day++) beforeSum += before(pair, day);
    expect(Math.abs(beforeSum / latent - 1)).toBeLessThan(0.02);
  });

  it('give the days without demand as often as the distribution says', () => {
    const demand = truthDemand(truth);
    let zeroDays = 0;
    let expectedZeroDays = 0;
    for (let pair = 0; pair < 240; pair++) {
      for (let day = 0; day < 84; day++) {
        if (truth.latentUnits[pair * 84 + day] === 0) zeroDays++;
        expectedZeroDays += demand.day(pair, day)[0];
      }
    }
    // about 1,500 of them: within 100 (under 3 standard deviations of the count)
    expect(Math.abs(zeroDays - expectedZeroDays)).toBeLessThan(100);
  });

  it('add up over days as the days convolved (exactly with the traffic known, closely without)', () => {
    for (const dayTrafficKnown of [true, false]) {
      const model = truthDemand(truth, { dayTrafficKnown });
      const span = model.days(7, 30, 36);
      const convolved = demandFromDays(model.day).days(7, 30, 36);
      for (let x = 0; x < Math.max(span.length, convolved.length); x++) expect(Math.abs((span[x] ?? 0) - (convolved[x] ?? 0))).toBeLessThan(dayTrafficKnown ? 1e-9 : 2e-3);
    }
  });
});
