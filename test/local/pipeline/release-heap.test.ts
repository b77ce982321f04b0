import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

interface Measured {
  start: number;
  grown: number;
  count: number;
  collected: boolean;
  after: number;
  small: boolean;
  gcOnGlobal: string;
}

describe('releaseHeapGrown', () => {
  // in a fresh process: see release-heap-child.ts
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'release-heap-child.ts')], { encoding: 'utf8', timeout: 60_000 });
  const m = JSON.parse(r.stdout.trim() || '{}') as Measured;

  it('collects the garbage a Task left when the heap grew past the threshold, and gives the memory back', () => {
    expect(r.stderr).toBe('');
    expect(m.count).toBe(600);
    expect(m.grown - m.start).toBeGreaterThan(128);
    expect(m.collected).toBe(true);
    expect(m.after).toBeLessThan(m.grown - 100);
  });

  it('costs nothing when the heap grew less than the threshold', () => {
    expect(m.small).toBe(false);
  });

  it("leaves the process's own global without a gc function", () => {
    expect(m.gcOnGlobal).toBe('undefined');
  });
});
