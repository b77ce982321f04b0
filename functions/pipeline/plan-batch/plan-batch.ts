import { randomBytes } from 'node:crypto';
import { RAW_PREFIX, RUN_RECORD_FILES, RUNS_PREFIX, runPrefix, runRecordKeys } from '../../lib/lake-layout';
import type { ObjectStore } from '../../lib/ports';
import { MAX_OBJECTS_PER_BATCH } from '../../lib/pipeline/batch-seq';
import { readCheckpoint } from '../../lib/pipeline/checkpoint';
import { rollForward } from '../../lib/pipeline/curated-commit';
import { readJson, writeJson } from '../../lib/pipeline/json-objects';
import type { BatchManifest, BatchPlan } from '../../lib/pipeline/state';
import { releaseRunLease, takeRunLease } from '../../lib/pipeline/run-lease';
import { ConfigurationError } from '../../lib/errors';

export function newBatchId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** A batch whose manifest was written but which never committed (the run was interrupted): it is finished
 * under the same id, so its staged and accepted events are not mistaken for duplicates of themselves. */
export async function findUnfinishedBatch(store: ObjectStore): Promise<BatchManifest | null> {
  const records = await store.list(RUNS_PREFIX);
  const keys = new Set(records.map((r) => r.key));
  for (const r of records) {
    if (!r.key.endsWith(`/${RUN_RECORD_FILES.manifest}`)) continue;
    const prefix = r.key.slice(0, -RUN_RECORD_FILES.manifest.length);
    if (!keys.has(runRecordKeys(prefix).committed)) return readJson<BatchManifest>(store, r.key);
  }
  return null;
}

/** The next batch: an unfinished one if there is one, else the raw objects not yet processed, oldest first, at
 * most `maxObjects` of them (the rest wait for the next run). */
export async function planBatch(store: ObjectStore, glueThresholdBytes: number, now = new Date(), maxObjects = MAX_OBJECTS_PER_BATCH): Promise<BatchPlan> {
  await rollForward(store); // an interrupted curated commit is finished before anything reads the lake again
  const unfinished = await findUnfinishedBatch(store);
  let manifest: BatchManifest;
  if (unfinished) {
    manifest = unfinished;
  } else {
    const checkpoint = await readCheckpoint(store);
    // listed in key order, and keys begin raw/pos/YYYY/MM/DD/HH/: the oldest hours first
    const objects = (await store.list(RAW_PREFIX)).filter((o) => !(o.key in checkpoint.processed)).slice(0, maxObjects);
    const batchId = newBatchId(now);
    manifest = {
      batchId,
      createdAt: now.toISOString(),
      objects: objects.map((o) => ({ key: o.key, size: o.size, lastModified: o.lastModified.toISOString() })),
    };
    if (objects.length > 0) await writeJson(store, runRecordKeys(runPrefix(batchId)).manifest, manifest);
  }
  const bytes = manifest.objects.reduce((sum, o) => sum + o.size, 0);
  return {
    batchId: manifest.batchId,
    objectCount: manifest.objects.length,
    bytes,
    useGlue: bytes > glueThresholdBytes,
    manifestKey: runRecordKeys(runPrefix(manifest.batchId)).manifest,
    resumed: unfinished !== null,
  };
}

/** What PlanBatch needs beyond the lake: the batch-size routing and the run lease. */
export interface PlanSettings {
  glueThresholdBytes: number;
  /** 0: no lease (the local `run` holds a lock file instead) */
  runLeaseSeconds: number;
}

/**
 * PlanBatch under the run lease: the execution `executionId` takes the lease, then plans; with nothing to do it
 * gives the lease back at once (the state machine then ends without a step that would). When another execution
 * holds the lease, the plan says so and nothing in the lake is touched.
 */
export async function planExclusiveBatch(store: ObjectStore, settings: PlanSettings, executionId: string | undefined, now = new Date()): Promise<BatchPlan> {
  if (settings.runLeaseSeconds <= 0) return planBatch(store, settings.glueThresholdBytes, now);
  if (!executionId) throw new ConfigurationError('PlanBatch: the run lease needs the execution id in the state ($.execution.id)');
  const lease = await takeRunLease(store, executionId, settings.runLeaseSeconds, now);
  if (!lease.taken) {
    return { batchId: '', objectCount: 0, bytes: 0, useGlue: false, manifestKey: '', resumed: false, alreadyRunning: lease.holder };
  }
  const plan = await planBatch(store, settings.glueThresholdBytes, now);
  if (plan.objectCount === 0) await releaseRunLease(store, executionId);
  return plan;
}
