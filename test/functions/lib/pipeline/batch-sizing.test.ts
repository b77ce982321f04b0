import { duckdbMemoryLimitMb, lambdaBatchLimitBytes, validateBatchLimitBytes } from '../../../../functions/lib/pipeline/batch-sizing';

const MIB = 1024 * 1024;

describe('batch sizing of the DuckDB Lambdas', () => {
  it('leaves DuckDB 70% of the function memory', () => {
    expect(duckdbMemoryLimitMb(3008)).toBe(2105);
  });

  it('sends a 3008 MB / 4 GiB function no more than its memory lets Curate take (about 33 MiB of raw objects)', () => {
    const limit = lambdaBatchLimitBytes({ memoryMb: 3008, ephemeralStorageMiB: 4096 });
    expect(limit / MIB).toBeCloseTo(2105 / 64, 1);
  });

  it('is bounded by /tmp when the ephemeral storage is the scarcer of the two', () => {
    const limit = lambdaBatchLimitBytes({ memoryMb: 10240, ephemeralStorageMiB: 512 });
    expect(limit / MIB).toBeCloseTo((512 * 0.8) / 33, 1);
    expect(limit).toBeLessThan(lambdaBatchLimitBytes({ memoryMb: 10240, ephemeralStorageMiB: 4096 }));
  });

  it("caps every batch at what Validate's /tmp holds: 4 GiB takes about 182 MiB of raw objects, more than Curate's Lambda", () => {
    const cap = validateBatchLimitBytes(4096);
    expect(cap / MIB).toBeCloseTo((4096 * 0.8) / 18, 1);
    expect(cap).toBeGreaterThan(lambdaBatchLimitBytes({ memoryMb: 3008, ephemeralStorageMiB: 4096 }));
  });
});
