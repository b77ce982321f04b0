import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Garbage a Task leaves in the JavaScript heap stays there until JavaScript allocates again, and the steps that
 * follow Validate work in DuckDB with little JavaScript: on the month bench (three 10M-line executions in one
 * process) Validate's garbage (a 357 MB heap and 126 MB of ArrayBuffers) stayed through Curate, whose process
 * peaked at 2,013 MiB, at the 2 GB budget; collected, at about 1,100 MiB. So the local runner collects after a Task
 * that grew the heap by this much (MB). In Lambda each Task is a process of its own.
 */
export const RELEASE_ABOVE_MB = 128;

const MIB = 1024 * 1024;

let collect: (() => void) | undefined;

/** V8's collector: the `gc` of `--expose-gc` when the process has it, else one taken from a new context with the
 * flag set for that moment only (as jest's leak detector does), so that the process's own global gains nothing. */
function collector(): () => void {
  if (collect) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    collect = exposed;
  } else {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

/** What the JavaScript heap and its ArrayBuffers hold now, in MB. */
export function heapMb(): number {
  const { heapTotal, arrayBuffers } = process.memoryUsage();
  return (heapTotal + arrayBuffers) / MIB;
}

/** Collects the JavaScript heap's garbage when the heap and its ArrayBuffers grew by `byMb` or more since `sinceMb`
 * (heapMb's, at a Task's start); whether it did. A Task that allocated little costs no collection. */
export function releaseHeapGrown(sinceMb: number, byMb = RELEASE_ABOVE_MB): boolean {
  if (heapMb() - sinceMb < byMb) return false;
  collector()();
  return true;
}
