import { PARKED_PREFIX } from '../lake-layout';
import type { ObjectStore } from '../ports';
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
