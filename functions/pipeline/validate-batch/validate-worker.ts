import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { BusinessDateWindow } from '../../lib/contract/business-date-window';
import type { ReferenceData } from '../../lib/reference/reference-data';
import { validateChunk, type RawChunk } from './validate-records';

/** A Validate worker thread: validates the chunks it is sent, writes each one's valid records to the part
 * file it names, and answers with the counts and the rejects. */
export interface ValidateTask extends RawChunk {
  /** position of the chunk in the batch (raw-object order, then offset) */
  order: number;
  key: string;
  receivedAt: string;
  batchId: string;
  partPath: string;
}

/** What each thread starts with: the reference data Validate parsed (cloned into the thread, which costs a fraction
 * of parsing the CSVs again in each one: at 50,000 SKUs the parse takes half a second), and the business-date
 * window of the batch. */
export type ValidateWorkerData = {
  ref: ReferenceData;
  window: BusinessDateWindow;
};

const { ref, window } = workerData as ValidateWorkerData;

parentPort?.on('message', (task: ValidateTask) => {
  try {
    const { staged, ...counts } = validateChunk(task, ref, window, task);
    if (staged.length) writeFileSync(task.partPath, staged);
    parentPort?.postMessage({ order: task.order, ...counts });
  } catch (err) {
    parentPort?.postMessage({ order: task.order, error: (err as Error).message });
  }
});
