import kinesaliteDb from 'kinesalite/db';
import { fastParseSequence, fastPartitionKeyToHashKey, fastStringifySequence } from '../../../local/ingest/kinesalite-speedups';

// The originals, taken before anything installs the replacements in this test's module registry.
const original = {
  parseSequence: kinesaliteDb.parseSequence,
  stringifySequence: kinesaliteDb.stringifySequence,
  partitionKeyToHashKey: kinesaliteDb.partitionKeyToHashKey,
};
const fastStringify = fastStringifySequence(original.stringifySequence);
const fastParse = fastParseSequence(original.parseSequence);

// a small deterministic PRNG so failures are reproducible
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('kinesalite speedups', () => {
  it('stringify and parse sequence numbers exactly like kinesalite', () => {
    const random = rng(42);
    for (let i = 0; i < 2000; i++) {
      const parts = {
        shardCreateTime: 1_600_000_000_000 + Math.floor(random() * 400_000_000_000),
        shardIx: Math.floor(random() * 60),
        seqIx: i % 3 === 0 ? String(Math.floor(random() * 2 ** 40)) : Math.floor(random() * 100_000),
        seqTime: 1_700_000_000_000 + Math.floor(random() * 100_000_000_000),
      };
      const seq = original.stringifySequence(parts);
      expect(fastStringify(parts)).toBe(seq);
      expect(fastParse(seq)).toEqual(original.parseSequence(seq));
    }
  });

  it('leaves other sequence versions to the original code', () => {
    const v1 = original.stringifySequence({ shardCreateTime: 1_700_000_000_000, shardIx: 1, seqIx: 5, version: 1 });
    expect(fastStringify({ shardCreateTime: 1_700_000_000_000, shardIx: 1, seqIx: 5, version: 1 })).toBe(v1);
    expect(fastParse(v1)).toEqual(original.parseSequence(v1));
    expect(() => fastParse('not-a-number')).toThrow();
  });

  it('hashes partition keys to the same 128-bit number and compares like BigNumber', () => {
    const bounds = ['0', '170141183460469231731687303715884105727', '170141183460469231731687303715884105728', '340282366920938463463374607431768211455'];
    for (const key of ['S001', 'S002', 'a', 'é-store', 'x'.repeat(256), '0', 'Z99']) {
      const slow = original.partitionKeyToHashKey(key);
      const fast = fastPartitionKeyToHashKey(key);
      expect(fast.toFixed()).toBe(slow.toFixed());
      for (const b of bounds) expect(fast.comparedTo(b)).toBe(slow.comparedTo(b));
    }
  });
});
