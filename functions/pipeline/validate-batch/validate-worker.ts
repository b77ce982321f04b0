import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { BusinessDateWindow } from '../../lib/contract/business-date-window';
import { parseProductsCsv, parseStoresCsv } from '../../lib/reference/reference-data';
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

/** What each thread starts with: the reference data as text, and the business-date window of the batch. */
export type ValidateWorkerData = {
  storesCsv: string;
  productsCsv: string;
  window: BusinessDateWindow;
};

const { storesCsv, productsCsv, window } = workerData as ValidateWorkerData;
const ref = { stores: parseStoresCsv(storesCsv), products: parseProductsCsv(productsCsv) };

parentPort?.on('message', (task: ValidateTask) => {
  try {
    const { staged, ...counts } = validateChunk(task, ref, window, task);
    if (staged.length) writeFileSync(task.partPath, staged);
    parentPort?.postMessage({ order: task.order, ...counts });
  } catch (err) {
    parentPort?.postMessage({ order: task.order, error: (err as Error).message });
  }
});
