/**
 * release-heap.test.ts's measurement, in a process of its own: a jest worker's heap holds earlier suites' garbage,
 * whose pages V8 gives back while the test allocates, so growth measured there is not the test's. Prints JSON.
 */
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

/** A Task: allocates, measures while it still holds what it allocated, and returns only the figures, so that what
 * it held is garbage once it has returned (its frame is gone). */
function task(): { start: number; grown: number; count: number } {
  const start = heapMb();
  const held = allocate(300);
  return { start, grown: heapMb(), count: held.length };
}

const { start, grown, count } = task();
const collected = releaseHeapGrown(start, 128);
const after = heapMb();
const small = releaseHeapGrown(heapMb(), 128);
const gcOnGlobal = typeof (globalThis as { gc?: unknown }).gc;
console.log(JSON.stringify({ start, grown, count, collected, after, small, gcOnGlobal }));
