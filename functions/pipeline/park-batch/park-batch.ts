import { ACCEPTED_IDS_PREFIX, acceptedIdsFile, commitIntentKey, curateCommitId, isQuarantineFileOf, parkedKey, QUARANTINE_KEYS_PREFIX, QUARANTINE_PREFIX, quarantineKeysFile, runPrefix, runRecordKeys, stagingPrefix } from '../../lib/lake-layout';
import type { ObjectStore } from '../../lib/ports';
import { readJson, writeJson } from '../../lib/pipeline/json-objects';
import type { ParkedBatch } from '../../lib/pipeline/parked-batches';
import type { BatchManifest, ParkResult, PipelineError } from '../../lib/pipeline/state';
import { PipelineStateError } from '../../lib/errors';

/**
 * Sets a batch that failed after its retries aside, so later batches go on: writes control/parked/<batch>.json
 * (the error and the batch's raw objects; PlanBatch skips both the batch and its objects while it exists) and
 * removes what the failed attempt wrote for it (staging, its quarantine files and their dedup keys, its accepted
 * ids), so a redrive
 * starts the objects afresh and reconcile finds no records of a batch that never committed. The raw objects
 * themselves stay where they are, unprocessed. A committed batch is never parked, nor one whose curated commit
 * began (an intent record): that one is rolled forward by the next run.
 */
export async function parkBatch(store: ObjectStore, batchId: string, error: PipelineError, now = new Date()): Promise<ParkResult> {
  const keys = runRecordKeys(runPrefix(batchId));
  if ((await store.getIfExists(keys.committed)) !== null) throw new PipelineStateError(`ParkBatch: batch ${batchId} is committed; only an uncommitted batch can be parked`);
  // Curate's commit of this batch began: the next PlanBatch rolls it forward, and the batch then commits as usual
  if ((await store.getIfExists(commitIntentKey(curateCommitId(batchId)))) !== null) {
    throw new PipelineStateError(`ParkBatch: batch ${batchId} has a curated commit under way (${commitIntentKey(curateCommitId(batchId))}); the next run rolls it forward instead`);
  }
  const manifest = await readJson<BatchManifest>(store, keys.manifest);
  const record: ParkedBatch = { batchId, parkedAt: now.toISOString(), error, objects: manifest.objects };
  await writeJson(store, parkedKey(batchId), record);
  const [staged, quarantined, acceptedIds, quarantineKeys] = await Promise.all([
    store.list(stagingPrefix(batchId)),
    store.list(QUARANTINE_PREFIX),
    store.list(ACCEPTED_IDS_PREFIX),
    store.list(QUARANTINE_KEYS_PREFIX),
  ]);
  const leftovers = [
    ...staged.map((o) => o.key),
    ...quarantined.filter((o) => isQuarantineFileOf(o.key, batchId)).map((o) => o.key),
    ...acceptedIds.filter((o) => o.key.endsWith(`/${acceptedIdsFile(batchId)}`)).map((o) => o.key),
    ...quarantineKeys.filter((o) => o.key.endsWith(`/${quarantineKeysFile(batchId)}`)).map((o) => o.key),
  ];
  if (leftovers.length > 0) await store.delete(leftovers);
  return { batchId, parkedKey: parkedKey(batchId), objects: manifest.objects.length, error };
}
