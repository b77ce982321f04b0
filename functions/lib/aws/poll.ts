/** Bounded polling for the asynchronous query APIs (Redshift Data API, Athena). */
import { TransientError } from '../errors';

export interface PollOptions {
  /** pause between status checks */
  intervalMs: number;
  /** give up (and say so) after this long */
  maxWaitMs: number;
}

export const DEFAULT_POLL: PollOptions = { intervalMs: 1000, maxWaitMs: 10 * 60 * 1000 };

export type PollState<T> = { done: true; value: T } | { done: false };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it reports done or `maxWaitMs` has passed; `what` names the operation in the timeout
 * error. `check` throws to fail fast (e.g. a FAILED statement).
 */
export async function pollUntil<T>(what: string, check: () => Promise<PollState<T>>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.maxWaitMs;
  for (;;) {
    const state = await check();
    if (state.done) return state.value;
    if (Date.now() + options.intervalMs > deadline) {
      // the work may yet finish, or a retry find the service less busy
      throw new TransientError(`${what}: still running after ${Math.round(options.maxWaitMs / 1000)} s, gave up waiting`);
    }
    await sleep(options.intervalMs);
  }
}
