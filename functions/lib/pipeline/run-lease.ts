import { RUN_LEASE_KEY } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { PipelineStateError, TransientError } from '../errors';

/**
 * One pipeline execution at a time per lake. Step Functions starts one every hour whether or not the last has
 * finished (it may run for up to its 2-hour timeout), and two executions would resume the same batch. PlanBatch
 * takes the lease with a conditional write; the final states give it back. A lease lasts longer than an execution
 * can run, so one left by an execution that timed out or was stopped expires, and the next execution takes it over.
 */
export interface RunLease {
  /** the execution that holds it (its execution ARN in the cloud) */
  holder: string;
  takenAt: string;
  expiresAt: string;
}

export type LeaseOutcome = { taken: true } | { taken: false; holder: string; expiresAt: string };

const leaseBody = (holder: string, seconds: number, now: Date): string =>
  JSON.stringify({ holder, takenAt: now.toISOString(), expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() } satisfies RunLease);

function parseLease(body: Buffer): RunLease {
  const lease = JSON.parse(body.toString('utf8')) as Partial<RunLease>;
  if (typeof lease.holder !== 'string' || typeof lease.expiresAt !== 'string') throw new PipelineStateError(`${RUN_LEASE_KEY}: not a run lease: ${body.toString('utf8').slice(0, 200)}`);
  return lease as RunLease;
}

/**
 * Takes the lease for `holder` for `seconds`: when no one holds it, when `holder` already does (PlanBatch retried),
 * or when it has expired. Each write is conditional on what was read, so of two executions starting together one
 * takes it and the other is told who holds it.
 */
export async function takeRunLease(store: ObjectStore, holder: string, seconds: number, now = new Date()): Promise<LeaseOutcome> {
  // A lease released between the read and the write shows as absent on the next pass; two passes settle it.
  for (let pass = 0; pass < 3; pass++) {
    const current = await store.getTagged(RUN_LEASE_KEY);
    if (current !== null) {
      const lease = parseLease(current.body);
      if (lease.holder === holder) return { taken: true };
      if (new Date(lease.expiresAt) > now) return { taken: false, holder: lease.holder, expiresAt: lease.expiresAt };
    }
    if (await store.putIf(RUN_LEASE_KEY, leaseBody(holder, seconds, now), current?.tag ?? null)) return { taken: true };
  }
  throw new TransientError(`${RUN_LEASE_KEY}: changed under every attempt to take it`);
}

/** Gives the lease back if `holder` holds it (a no-op otherwise: it was never taken, or has been taken over). */
export async function releaseRunLease(store: ObjectStore, holder: string): Promise<boolean> {
  const current = await store.getTagged(RUN_LEASE_KEY);
  if (current === null || parseLease(current.body).holder !== holder) return false;
  await store.delete([RUN_LEASE_KEY]);
  return true;
}
