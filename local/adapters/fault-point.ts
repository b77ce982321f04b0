import { appendFileSync } from 'node:fs';

/**
 * A fault point for the fault-injection suite (test/faults/): the local object store and the local warehouse
 * call `faultPoint` right before each mutating file operation, and a plan in RETAIL_LAKE_FAULT decides what
 * happens at the Nth one (counted from 1, in the order the process calls them):
 * - `<n>:kill`: SIGKILL this process, as `kill -9` would: no `finally`, no cleanup, no exit handlers;
 * - `<n>:fail`: throw an I/O error at that operation (once; later operations run);
 * - `log:<file>`: append one line per operation (`<n> <op> <key>`) to the file, to learn what a run does.
 * Unset, it costs one comparison per operation. Killing before operation n+1 is killing after operation n.
 */
export type FaultPlan = { kind: 'kill' | 'fail'; at: number } | { kind: 'log'; file: string };

/** The error a `fail` fault throws: an I/O error, as a failing disk gives. */
export class InjectedFault extends Error {
  readonly code = 'EIO';
  constructor(n: number, op: string, key: string) {
    super(`injected fault at file operation ${n} (${op} ${key})`);
    this.name = 'InjectedFault';
  }
}

export function parseFaultPlan(text: string | undefined): FaultPlan | undefined {
  if (!text) return undefined;
  const log = /^log:(.+)$/.exec(text);
  if (log) return { kind: 'log', file: log[1] };
  const m = /^(\d+):(kill|fail)$/.exec(text);
  if (!m || Number(m[1]) < 1) throw new RangeError(`RETAIL_LAKE_FAULT must be <n>:kill, <n>:fail or log:<file>, not "${text}"`);
  return { kind: m[2] as 'kill' | 'fail', at: Number(m[1]) };
}

let plan = parseFaultPlan(process.env.RETAIL_LAKE_FAULT);
let count = 0;

/** Replaces the plan and restarts the count (in-process tests; a child process takes RETAIL_LAKE_FAULT). */
export function setFaultPlan(next: FaultPlan | undefined): void {
  plan = next;
  count = 0;
}

/** How many operations the plan has counted since it was set (a test checks its fault was reached). */
export function operationsCounted(): number {
  return count;
}

/** Called right before a mutating file operation: `op` names it (put, rename, execute...), `key` its target. */
export function faultPoint(op: string, key: string): void {
  if (plan === undefined) return;
  count++;
  if (plan.kind === 'log') appendFileSync(plan.file, `${count} ${op} ${key}\n`);
  else if (count === plan.at) {
    if (plan.kind === 'kill') process.kill(process.pid, 'SIGKILL');
    throw new InjectedFault(count, op, key);
  }
}
