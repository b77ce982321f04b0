import { PARKED_PREFIX, RAW_PREFIX } from '../lake-layout';
import type { ObjectInfo, ObjectStore } from '../ports';
import { readCheckpoint } from './checkpoint';
import { readJson } from './json-objects';
import type { BatchManifest, PipelineError } from './state';

/** control/parked/<batch>.json: a batch that failed after its retries, set aside so later batches go on. Its raw
 * objects stay in the raw zone, unprocessed; PlanBatch skips them while this record exists. */
export interface ParkedBatch {
  batchId: string;
  parkedAt: string;
  /** the error the failing step's Catch handed on: its name and cause */
  error: PipelineError;
  objects: BatchManifest['objects'];
}

/** Every parked batch, oldest key first. */
export async function parkedBatches(store: ObjectStore): Promise<ParkedBatch[]> {
  const records = (await store.list(PARKED_PREFIX)).filter((o) => o.key.endsWith('.json'));
  return Promise.all(records.map((o) => readJson<ParkedBatch>(store, o.key)));
}

/** The raw objects waiting for a batch, in key order (the oldest hours first: keys begin raw/pos/YYYY/MM/DD/HH/):
 * none a committed batch processed, none of a parked batch (they wait for a redrive instead). */
export async function waitingRawObjects(store: ObjectStore, parked: ParkedBatch[]): Promise<ObjectInfo[]> {
  const checkpoint = await readCheckpoint(store);
  const skipped = new Set(parked.flatMap((p) => p.objects.map((o) => o.key)));
  return (await store.list(RAW_PREFIX)).filter((o) => !(o.key in checkpoint.processed) && !skipped.has(o.key));
}
