import { randomBytes } from 'node:crypto';
import { RUN_RECORD_FILES, RUNS_PREFIX, runPrefix, runRecordKeys } from '../../lib/lake-layout';
import type { ObjectStore } from '../../lib/ports';
import { MAX_OBJECTS_PER_BATCH } from '../../lib/pipeline/batch-seq';
import { rollForward } from '../../lib/pipeline/curated-commit';
import { readJson, writeJson } from '../../lib/pipeline/json-objects';
import type { BatchManifest, BatchPlan } from '../../lib/pipeline/state';
import { takeRunLease } from '../../lib/pipeline/run-lease';
import { ConfigurationError } from '../../lib/errors';
import { parkedBatches, waitingRawObjects } from '../../lib/pipeline/parked-batches';

/**
 * `20261202T145845123Z-1a2b3c`: the time to the millisecond, then a random part. Ids sort by time, so "oldest first"
 * and "the latest batch" are the order of the keys; to the second only, two batches of one second sorted by their
 * random parts. (An id of the older, seconds-only shape sorts after this shape's ids of its own second only.)
 */
export function newBatchId(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** What the run prefixes hold: each batch's prefix (oldest first: batch ids begin with their time) and the set of
 * record keys, from one listing. */
async function listRuns(store: ObjectStore): Promise<{ prefixes: string[]; keys: Set<string> }> {
  const records = await store.list(RUNS_PREFIX);
  const prefixes = records.filter((r) => r.key.endsWith(`/${RUN_RECORD_FILES.manifest}`)).map((r) => r.key.slice(0, -RUN_RECORD_FILES.manifest.length));
  return { prefixes: prefixes.sort(), keys: new Set(records.map((r) => r.key)) };
}

/** A batch whose manifest was written but which never committed and is not parked (the run was interrupted): it
 * is finished under the same id, so its staged and accepted events are not mistaken for duplicates of themselves. */
export async function findUnfinishedBatch(store: ObjectStore): Promise<BatchManifest | null> {
  const [runs, parked] = await Promise.all([listRuns(store), parkedBatches(store)]);
  const prefix = unfinishedPrefix(runs, new Set(parked.map((p) => p.batchId)));
  return prefix === undefined ? null : readJson<BatchManifest>(store, runRecordKeys(prefix).manifest);
}

function unfinishedPrefix(runs: { prefixes: string[]; keys: Set<string> }, parkedIds: Set<string>): string | undefined {
  return runs.prefixes.find((p) => !runs.keys.has(runRecordKeys(p).committed) && !parkedIds.has(p.slice(RUNS_PREFIX.length, -1)));
}

/**
 * The next batch, in this order:
 * 1. a committed batch whose post-commit steps did not all finish (no reconcile record: a kill or a failure during
 *    the warehouse load, stock risk, alerts or reconcile): its post-commit is resumed, so the warehouse is never
 *    left short while new work goes on;
 * 2. a batch whose manifest was written but which never committed (the run was interrupted): it is finished under
 *    the same id, so its staged and accepted events are not mistaken for duplicates of themselves;
 * 3. the raw objects not yet processed, oldest first, at most `maxObjects` of them and at most `maxBytes` of them
 *    (but always the oldest one): the rest wait for the next run.
 * Parked batches (control/parked/) are skipped in 2, and their raw objects in 3.
 */
export async function planBatch(
  store: ObjectStore,
  glueThresholdBytes: number,
  now = new Date(),
  maxObjects = MAX_OBJECTS_PER_BATCH,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<BatchPlan> {
  await rollForward(store); // an interrupted curated commit is finished before anything reads the lake again
  const [runs, parked] = await Promise.all([listRuns(store), parkedBatches(store)]);
  const parkedIds = new Set(parked.map((p) => p.batchId));
  const postCommit = runs.prefixes.find((p) => runs.keys.has(runRecordKeys(p).committed) && !runs.keys.has(runRecordKeys(p).reconcile));
  const unfinished = unfinishedPrefix(runs, parkedIds);
  const earlier = postCommit ?? unfinished;
  let manifest: BatchManifest;
  if (earlier !== undefined) {
    manifest = await readJson<BatchManifest>(store, runRecordKeys(earlier).manifest);
  } else {
    const objects = oldestWithin((await waitingRawObjects(store, parked)).slice(0, maxObjects), maxBytes);
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
    resumed: earlier !== undefined,
    ...(postCommit !== undefined ? { resumePostCommit: true } : {}),
  };
}

/** The longest run of `objects` (oldest first) whose sizes add up to at most `maxBytes`, and never none. */
export function oldestWithin<T extends { size: number }>(objects: T[], maxBytes: number): T[] {
  let bytes = 0;
  let n = 0;
  while (n < objects.length && (n === 0 || bytes + objects[n].size <= maxBytes)) bytes += objects[n++].size;
  return objects.slice(0, n);
}

/** What PlanBatch needs beyond the lake: the batch-size routing and cap, and the run lease. */
export interface PlanSettings {
  glueThresholdBytes: number;
  /** the most bytes of raw objects a batch takes (0: no cap, as locally) */
  maxBatchBytes: number;
  /** 0: no lease (the local `run` holds a lock file instead) */
  runLeaseSeconds: number;
}

/**
 * PlanBatch under the run lease: the execution `executionId` takes the lease, then plans. The execution gives it
 * back in its final states, also with nothing new (it still reconciles). When another execution holds the lease,
 * the plan says so and nothing in the lake is touched.
 */
export async function planExclusiveBatch(store: ObjectStore, settings: PlanSettings, executionId: string | undefined, now = new Date()): Promise<BatchPlan> {
  const plan = (): Promise<BatchPlan> => planBatch(store, settings.glueThresholdBytes, now, MAX_OBJECTS_PER_BATCH, settings.maxBatchBytes || Number.POSITIVE_INFINITY);
  if (settings.runLeaseSeconds <= 0) return plan();
  if (!executionId) throw new ConfigurationError('PlanBatch: the run lease needs the execution id in the state ($.execution.id)');
  const lease = await takeRunLease(store, executionId, settings.runLeaseSeconds, now);
  if (!lease.taken) {
    return { batchId: '', objectCount: 0, bytes: 0, useGlue: false, manifestKey: '', resumed: false, alreadyRunning: lease.holder };
  }
  return plan();
}
