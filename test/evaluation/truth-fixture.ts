import type { SimulationTruth } from '../../local/simulator/truth';

/** One store-SKU's days, by hand. */
export interface SeriesByHand {
  latent: number[];
  sold: number[];
  onHandEnd: number[];
  /** expected wanted units per day (default: the latent ones) */
  expected?: number[];
}

/** A SimulationTruth of one store with one SKU per series (SKU i = series i), every series `days` long. */
export function truthByHand(opts: { leadDays: number[]; series: SeriesByHand[]; orders?: SimulationTruth['orders'] }): SimulationTruth {
  const days = opts.series[0].latent.length;
  const cells = opts.series.length * days;
  const t: SimulationTruth = {
    startDate: '2026-03-02',
    days,
    storeIds: ['S001'],
    skus: opts.series.map((_, i) => `SKU-${String(i + 1).padStart(5, '0')}`),
    leadDays: Int32Array.from(opts.leadDays),
    latentUnits: new Float32Array(cells),
    expectedUnits: new Float32Array(cells),
    trafficNoise: new Float32Array(days).fill(1),
    priceBand: new Uint8Array(opts.series.length).fill(2),
    soldUnits: new Int32Array(cells),
    onHandEnd: new Int32Array(cells),
    orders: opts.orders ?? [],
  };
  opts.series.forEach((s, pair) => {
    for (const a of [s.latent, s.sold, s.onHandEnd, s.expected ?? s.latent]) if (a.length !== days) throw new RangeError('every series needs the same number of days');
    t.latentUnits.set(s.latent, pair * days);
    t.expectedUnits.set(s.expected ?? s.latent, pair * days);
    t.soldUnits.set(s.sold, pair * days);
    t.onHandEnd.set(s.onHandEnd, pair * days);
  });
  return t;
}

/**
 * The two-SKU truth the alert tests share (one store, 10 days): SKU 1 (lead 2) wants 2 a day, runs dry on days 3-4,
 * an order placed on day 2 arrives on day 5; SKU 2 (lead 3) wants 1 a day, loses 1 on day 6, an order placed on
 * day 3 arrives on day 7. A new truth per call, so a test may change its copy.
 */
export function twoSkuTruth(): SimulationTruth {
  return truthByHand({
    leadDays: [2, 3],
    series: [
      { latent: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], sold: [2, 2, 2, 1, 0, 2, 2, 2, 2, 2], onHandEnd: [5, 3, 1, 0, 0, 8, 6, 4, 2, 0] },
      { latent: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], sold: [1, 1, 1, 1, 1, 1, 0, 1, 1, 1], onHandEnd: [5, 4, 3, 2, 1, 0, 0, 10, 9, 8] },
    ],
    orders: [
      { store: 0, sku: 0, placedDay: 2, arrivalDay: 5, qty: 10 },
      { store: 0, sku: 1, placedDay: 3, arrivalDay: 7, qty: 11 },
    ],
  });
}
