import { createHash } from 'node:crypto';
import { parseProductsCsv, parseStoresCsv } from '../../../functions/lib/reference/reference-data';
import { generateReference, productsCsv, resolveOptions, simulateEvents, storesCsv, type SimulatorOptions } from '../../../local/simulator';

const small: SimulatorOptions = { stores: 5, skus: 60, days: 2 };

function digest(opts: SimulatorOptions, reference = generateReference(opts)): { hash: string; count: number } {
  const h = createHash('sha256');
  let count = 0;
  for (const { line, kind } of simulateEvents(opts, reference)) {
    h.update(kind).update('\t').update(line).update('\n');
    count++;
  }
  return { hash: h.digest('hex'), count };
}

describe('simulator determinism', () => {
  it('gives byte-identical reference data and events for the same seed and options', () => {
    const a = generateReference({ ...small, seed: 7 });
    const b = generateReference({ ...small, seed: 7 });
    expect(storesCsv(a)).toBe(storesCsv(b));
    expect(productsCsv(a)).toBe(productsCsv(b));
    const first = digest({ ...small, seed: 7 });
    expect(first.count).toBeGreaterThan(1000);
    expect(digest({ ...small, seed: 7 })).toEqual(first);
  });

  it('gives different events and catalog for a different seed', () => {
    expect(digest({ ...small, seed: 8 }).hash).not.toBe(digest({ ...small, seed: 7 }).hash);
    expect(productsCsv(generateReference({ ...small, seed: 8 }))).not.toBe(productsCsv(generateReference({ ...small, seed: 7 })));
  });

  it('accepts a string seed, deterministically', () => {
    expect(digest({ ...small, seed: 'spring-demo' })).toEqual(digest({ ...small, seed: 'spring-demo' }));
    expect(digest({ ...small, seed: 'spring-demo' }).hash).not.toBe(digest({ ...small, seed: 'autumn-demo' }).hash);
  });

  it('simulates the same events from reference data read back from its CSV files', () => {
    const ref = generateReference(small);
    const stores = [...parseStoresCsv(storesCsv(ref)).values()];
    const products = [...parseProductsCsv(productsCsv(ref)).values()];
    expect(stores).toEqual(ref.stores);
    expect(products).toEqual(ref.products);
    expect(digest(small, { stores, products })).toEqual(digest(small, ref));
  });

  it('tags event ids with the run, so runs with other options do not reuse them', () => {
    const ids = (opts: SimulatorOptions): string => {
      const first = simulateEvents(opts).next();
      if (first.done) throw new Error('no events');
      return /"event_id":"([^"]+)"/.exec(first.value.line)![1];
    };
    expect(ids(small)).toMatch(/^evt-42-[0-9a-f]{8}-0$/);
    expect(ids({ ...small, startDate: '2026-04-01' })).not.toBe(ids(small));
    expect(resolveOptions({ ...small, days: 3 }).runTag).not.toBe(resolveOptions(small).runTag);
  });

  it('rejects options it cannot honour', () => {
    expect(() => resolveOptions({ startDate: '2026-02-30' })).toThrow(/startDate/);
    expect(() => resolveOptions({ stores: 0 })).toThrow(/stores/);
    expect(() => resolveOptions({ faultRate: 0.6 })).toThrow(/faultRate/);
    expect(() => resolveOptions({ faultRate: 0.3, duplicateRate: 0.3 })).toThrow(/faultRate \+ duplicateRate/);
  });
});
