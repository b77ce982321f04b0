import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { BusinessDateWindow } from '../../lib/contract/business-date-window';
import type { ContractReference } from '../../lib/contract/types';
import { validateChunk, type RawChunk } from './validate-records';

/** A Validate worker thread: once sent the reference data, validates the chunks it is sent, writes each one's valid
 * records to the part file it names, and answers with the counts and the rejects. */
export interface ValidateTask extends RawChunk {
  /** position of the chunk in the batch (raw-object order, then offset) */
  order: number;
  key: string;
  receivedAt: string;
  batchId: string;
  partPath: string;
}

/** What each thread is sent first: the part of the reference data the checks read, as Validate parsed it (cloned
 * into the thread, a fraction of the cost of parsing the CSVs again in each one: at 50,000 SKUs a parse takes half
 * a second), and the business-date window of the batch. */
export type ValidateWorkerData = {
  ref: ContractReference;
  window: BusinessDateWindow;
};

/** Set by the first message; every later one is a task. */
let setup: ValidateWorkerData | undefined;

parentPort?.on('message', (message: ValidateWorkerData | ValidateTask) => {
  if (setup === undefined) {
    setup = message as ValidateWorkerData;
    return;
  }
  const task = message as ValidateTask;
  try {
    const { staged, ...counts } = validateChunk(task, setup.ref, setup.window, task);
    if (staged.length) writeFileSync(task.partPath, staged);
    parentPort?.postMessage({ order: task.order, ...counts });
  } catch (err) {
    parentPort?.postMessage({ order: task.order, error: (err as Error).message });
  }
});
