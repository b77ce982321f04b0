import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
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

const { storesCsv, productsCsv } = workerData as { storesCsv: string; productsCsv: string };
const ref = { stores: parseStoresCsv(storesCsv), products: parseProductsCsv(productsCsv) };

parentPort?.on('message', (task: ValidateTask) => {
  try {
    const { staged, ...counts } = validateChunk(task, ref, task);
    if (staged.length) writeFileSync(task.partPath, staged);
    parentPort?.postMessage({ order: task.order, ...counts });
  } catch (err) {
    parentPort?.postMessage({ order: task.order, error: (err as Error).message });
  }
});
