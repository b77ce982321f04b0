import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RAW_PREFIX, stagedPartName, STAGED_EVENTS_GLOB } from '../lake-layout';
import { ConfigurationError } from '../errors';
import { MAX_OBJECTS_PER_BATCH } from '../pipeline/batch-seq';
import { readCheckpoint } from '../pipeline/checkpoint';
import { loadReferenceData } from '../pipeline/load-reference';
import type { ObjectStore } from '../ports';
import { businessDateWindow } from '../contract/business-date-window';
import { readRawObject } from '../../pipeline/validate-batch/read-raw-object';
import { chunksOf, validateChunk, VALIDATE_CHUNK_BYTES } from '../../pipeline/validate-batch/validate-records';
import type { Progress } from './reload-warehouse';

export interface Revalidated {
  /** the glob of the staged parts, as Curate reads them */
  stagedGlob: string;
  /** the rejected records, one JSON line each, in Validate's rejects format with each record's dedup `key` added */
  rejectsPath: string;
  objects: number;
  /** objects that cannot be read (Validate quarantined them whole: nothing of them was curated) */
  unreadable: number;
}

/**
 * Validates every processed raw object again, under the current contract and reference data, as one batch in the
 * order the batches took them (batch, then key), so Curate's first-copy dedup picks the copies it picked then.
 * Staged parts and rejects go to `workDir`, in Validate's formats; `batchId` is what the rejects are marked with.
 */
export async function revalidateRaw(store: ObjectStore, workDir: string, batchId: string, now: Date, progress?: Progress): Promise<Revalidated> {
  const checkpoint = await readCheckpoint(store);
  const arrived = new Map((await store.list(RAW_PREFIX)).map((o) => [o.key, o.lastModified.toISOString()]));
  const keys = Object.keys(checkpoint.processed)
    .filter((k) => arrived.has(k))
    .sort((a, b) => checkpoint.processed[a].localeCompare(checkpoint.processed[b]) || a.localeCompare(b));
  if (keys.length > MAX_OBJECTS_PER_BATCH) throw new ConfigurationError(`reprocess reads every processed raw object as one batch: ${keys.length} are more than ${MAX_OBJECTS_PER_BATCH}`);
  const ref = await loadReferenceData(store);
  const window = businessDateWindow(now);
  const stagedDir = join(workDir, 'staged');
  await mkdir(stagedDir, { recursive: true });
  const rejectsPath = join(workDir, 'rejects.ndjson');
  await writeFile(rejectsPath, '');
  let unreadable = 0;
  let parts = 0;
  for (const [index, key] of keys.entries()) {
    progress?.(index, keys.length, key.slice(RAW_PREFIX.length));
    const read = await readRawObject(await store.get(key));
    if ('unreadable' in read) {
      unreadable++;
      continue;
    }
    let n = 0;
    for (const chunk of chunksOf(read.bytes, index, VALIDATE_CHUNK_BYTES)) {
      const verdict = validateChunk(chunk, ref, window, { key, receivedAt: arrived.get(key)!, batchId });
      if (verdict.staged.length) {
        await writeFile(join(stagedDir, stagedPartName(index, n)), verdict.staged);
        parts++;
      }
      if (verdict.rejects.length) await appendFile(rejectsPath, verdict.rejects.map((r) => `${JSON.stringify({ key: r.key, ...(JSON.parse(r.row) as object) })}\n`).join(''));
      n++;
    }
  }
  progress?.(keys.length, keys.length, '');
  // the glob must match a file: an empty part reads as no events
  if (parts === 0) await writeFile(join(stagedDir, stagedPartName(0, 0)), '');
  return { stagedGlob: join(stagedDir, STAGED_EVENTS_GLOB), rejectsPath, objects: keys.length, unreadable };
}
