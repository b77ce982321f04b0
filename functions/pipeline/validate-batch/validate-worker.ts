import { parentPort } from 'node:worker_threads';
import type { BusinessDateWindow } from '../../lib/contract/business-date-window';
import type { ContractReference } from '../../lib/contract/types';
import { writeFileInPieces } from '../../lib/write-in-pieces';
import { readRawObjectSync } from './read-raw-object';
import { receivedReference, type SentReference } from './sent-reference';
import { objectChunks, validateChunk, type ChunkVerdicts, type RawChunk } from './validate-records';

/** Where a task's records come from, and its position in the batch (raw-object order, then offset). */
interface TaskSource {
  order: number;
  key: string;
  receivedAt: string;
  batchId: string;
}

/** A newline-aligned piece of a decompressed raw object, and the part file its valid records go to. */
export interface ChunkTask extends RawChunk, TaskSource {
  partPath: string;
}

/** A whole raw object as stored: the thread decompresses it and validates it chunk by chunk, in the chunks Validate would have sent. */
export interface ObjectTask extends TaskSource {
  body: Uint8Array;
  objectIndex: number;
  stagingDir: string;
}

/** A Validate worker thread: once sent the reference data, validates the chunks or objects it is sent, writes each
 * chunk's valid records to its part file, and answers with each chunk's counts and rejects, in order. */
export type ValidateTask = ChunkTask | ObjectTask;

export type ChunkCounts = Omit<ChunkVerdicts, 'staged'>;
export type ValidateReply = { order: number; chunks: ChunkCounts[] } | { order: number; error: string };

/** What each thread is sent first: the reference data as Validate parsed it (cloned into the thread, a fraction of
 * the cost of parsing the CSVs again in each one), and the business-date window of the batch. */
export type ValidateWorkerData = {
  ref: SentReference;
  window: BusinessDateWindow;
};

/** Set by the first message; every later one is a task. */
let setup: { ref: ContractReference; window: BusinessDateWindow } | undefined;

function validateTask(task: ValidateTask, { ref, window }: { ref: ContractReference; window: BusinessDateWindow }): ChunkCounts[] {
  const chunks = 'body' in task ? objectChunks(readRawObjectSync(task.body), task.body, task.objectIndex, task.stagingDir) : [task];
  const counts: ChunkCounts[] = [];
  for (const chunk of chunks) {
    const { staged, ...rest } = validateChunk(chunk, ref, window, task);
    if (staged.length) writeFileInPieces(chunk.partPath, staged);
    counts.push(rest);
  }
  return counts;
}

parentPort?.on('message', (message: ValidateWorkerData | ValidateTask) => {
  if (setup === undefined) {
    const { ref, window } = message as ValidateWorkerData;
    setup = { ref: receivedReference(ref), window };
    return;
  }
  const task = message as ValidateTask;
  let reply: ValidateReply;
  try {
    reply = { order: task.order, chunks: validateTask(task, setup) };
  } catch (err) {
    reply = { order: task.order, error: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
