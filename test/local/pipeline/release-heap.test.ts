import { heapMb, releaseHeapGrown } from '../../../local/pipeline/release-heap';

/** About `mb` MB of objects and ArrayBuffers, as a Task holds while it works (so they are promoted to the old
 * generation); they become garbage when the caller lets go of them, as a Task's do when it returns. */
function allocate(mb: number): unknown[] {
  const held: unknown[] = [];
  for (let i = 0; i < mb; i++) {
    held.push(Array.from({ length: 8_000 }, (_, j) => ({ i, j, s: `row ${i}/${j}` })));
    held.push(new Uint8Array(512 * 1024).fill(i % 251));
  }
  return held;
}

describe('releaseHeapGrown', () => {
  it('collects the garbage a Task left when the heap grew past the threshold, and gives the memory back', () => {
    // from a collected heap, so that no earlier garbage collected meanwhile offsets the growth
    expect(releaseHeapGrown(heapMb() - 1_000, 1)).toBe(true);
    const start = heapMb();
    let held: unknown[] | undefined = allocate(300);
    // measured while still held, so that no collection V8 runs on its own can have taken it yet
    const grown = heapMb();
    expect(held.length).toBe(600);
    expect(grown - start).toBeGreaterThan(128);
    held = undefined;
    expect(held).toBeUndefined();
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
