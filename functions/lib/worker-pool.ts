import type { Transferable, Worker } from 'node:worker_threads';
import { startWorker } from './typescript-worker';

/** A thread of a step's pool, and the error that ended it if one did. */
export interface PoolWorker {
  thread: Worker;
  failure?: Error;
}

/** Starts a pool thread on `entry` (workerEntry's): it loads its modules while the caller prepares its first task. */
export function startPoolWorker(entry: string): PoolWorker {
  const worker: PoolWorker = { thread: startWorker(entry, {}) };
  // kept for the next task: an error before any task listens would otherwise go unhandled, and that task wait for good
  worker.thread.on('error', (err) => (worker.failure ??= err));
  return worker;
}

/** Sends `message` to a pool thread (`transfer`: buffers made for it, which it then owns) and awaits its reply. */
export function runOnWorker<Reply>({ thread, failure }: PoolWorker, message: unknown, transfer: Transferable[] = []): Promise<Reply> {
  if (failure) return Promise.reject(failure);
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    thread.once('error', onError);
    thread.once('message', (m: Reply) => {
      thread.off('error', onError);
      resolve(m);
    });
    thread.postMessage(message, transfer);
  });
}
