import { runPrefix, runRecordKeys, stagingPrefix } from '../../lib/lake-layout';
import type { ObjectStore } from '../../lib/ports';
import { readCheckpoint, writeCheckpoint } from '../../lib/pipeline/checkpoint';
import { readJson, readJsonIfExists, writeJson } from '../../lib/pipeline/json-objects';
import type { BatchManifest, CommitResult, CurateResult, ValidationResult } from '../../lib/pipeline/state';
import { PipelineStateError } from '../../lib/errors';

/** Marks the batch's raw objects processed and records the batch's counts; the staging copy is removed. A batch
 * already committed (PlanBatch resumes its post-commit steps) gets its committed record back, unchanged. */
export async function commitCheckpoint(store: ObjectStore, batchId: string, now = new Date()): Promise<CommitResult> {
  const keys = runRecordKeys(runPrefix(batchId));
  const committed = await readJsonIfExists<CommitResult>(store, keys.committed);
  if (committed !== null) {
    await removeStaging(store, batchId);
    return committed;
  }
  const [manifest, validation, curate] = await Promise.all([
    readJson<BatchManifest>(store, keys.manifest),
    readJson<ValidationResult>(store, keys.validation),
    readJson<CurateResult>(store, keys.curate),
  ]);
  // duplicates: of accepted events (Curate) and of rejected records redelivered (Validate)
  const duplicates = curate.duplicates + (validation.duplicates ?? 0);
  const accounted = curate.curatedEvents + duplicates + validation.quarantined;
  if (accounted !== validation.received) {
    throw new PipelineStateError(`batch ${batchId} does not reconcile: received ${validation.received} != curated ${curate.curatedEvents} + duplicates ${duplicates} + quarantined ${validation.quarantined}`);
  }
  const checkpoint = await readCheckpoint(store);
  for (const o of manifest.objects) checkpoint.processed[o.key] = batchId;
  const result: CommitResult = {
    ...curate,
    duplicates,
    received: validation.received,
    quarantined: validation.quarantined,
    byReason: validation.byReason,
    committedAt: now.toISOString(),
  };
  // Checkpoint first, run record last: a run record means the batch is whole (PlanBatch resumes batches without one).
  await writeCheckpoint(store, checkpoint);
  await writeJson(store, keys.committed, result);
  await removeStaging(store, batchId);
  return result;
}

async function removeStaging(store: ObjectStore, batchId: string): Promise<void> {
  const staged = await store.list(stagingPrefix(batchId));
  if (staged.length > 0) await store.delete(staged.map((o) => o.key));
}
