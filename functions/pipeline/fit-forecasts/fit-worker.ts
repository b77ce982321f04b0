import { parentPort } from 'node:worker_threads';
import { fitStores, type FitJob, type FittedStores } from './fit-stores';

/** A FitForecasts worker thread: fits each job it is sent (fit-stores.ts) and answers with the result, in order. */
export type FitTask = FitJob & { order: number };
export type FitReply = ({ order: number } & FittedStores) | { order: number; error: string };

parentPort?.on('message', (task: FitTask) => {
  let reply: FitReply;
  try {
    reply = { order: task.order, ...fitStores(task) };
  } catch (err) {
    reply = { order: task.order, error: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
