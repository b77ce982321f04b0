import { heapMb, releaseHeapGrown } from '../../../local/pipeline/release-heap';

/** Leaves about `mb` MB of garbage in the heap, as a Task does: objects and ArrayBuffers it held while it worked
 * (so they were promoted to the old generation), which no one refers to once it has returned. */
function leaveGarbage(mb: number): number {
  const held: unknown[] = [];
  for (let i = 0; i < mb; i++) {
    held.push(Array.from({ length: 8_000 }, (_, j) => ({ i, j, s: `row ${i}/${j}` })));
    held.push(new Uint8Array(512 * 1024).fill(i % 251));
  }
  return held.length;
}

describe('releaseHeapGrown', () => {
  it('collects the garbage a Task left when the heap grew past the threshold, and gives the memory back', () => {
    // from a collected heap, so that no earlier garbage collected meanwhile offsets the growth
    expect(releaseHeapGrown(heapMb() - 1_000, 1)).toBe(true);
    const start = heapMb();
    expect(leaveGarbage(300)).toBeGreaterThan(0);
    const grown = heapMb();
    expect(grown - start).toBeGreaterThan(128);
    expect(releaseHeapGrown(start, 128)).toBe(true);
    expect(heapMb()).toBeLessThan(grown - 100);
  });

  it('costs nothing when the heap grew less than the threshold', () => {
    const start = heapMb();
    expect(releaseHeapGrown(start, 128)).toBe(false);
    // no collector was called: a later, large threshold is not crossed by a small allocation either
    expect(releaseHeapGrown(heapMb() - 10, 128)).toBe(false);
  });

  it("leaves the process's own global without a gc function", () => {
    releaseHeapGrown(heapMb() - 1_000, 1);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
