import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { parseProductsCsv, parseStoresCsv } from '../lib/reference/reference-data';
import { validateObject } from './validate-records';

/** A Validate worker thread: validates the raw objects it is sent, writes each one's valid records to the
 * part file it names, and answers with the counts and the rejects. */
export interface ValidateTask {
  index: number;
  body: Uint8Array;
  key: string;
  receivedAt: string;
  batchId: string;
  partPath: string;
}

const { storesCsv, productsCsv } = workerData as { storesCsv: string; productsCsv: string };
const ref = { stores: parseStoresCsv(storesCsv), products: parseProductsCsv(productsCsv) };

parentPort?.on('message', (task: ValidateTask) => {
  try {
    const v = validateObject(task.body, ref, { key: task.key, receivedAt: task.receivedAt, batchId: task.batchId });
    writeFileSync(task.partPath, v.validText);
    parentPort?.postMessage({ index: task.index, received: v.received, valid: v.valid, byReason: v.byReason, rejectsText: v.rejectsText });
  } catch (err) {
    parentPort?.postMessage({ index: task.index, error: (err as Error).message });
  }
});
