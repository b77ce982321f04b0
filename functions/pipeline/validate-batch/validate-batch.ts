import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { businessDateWindow, type BusinessDateWindow } from '../../lib/contract/business-date-window';
import type { RejectReason } from '../../lib/contract/types';
import { PipelineStateError, RetailLakeError, withContext } from '../../lib/errors';
import { withDuckDb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { sqlString } from '../../lib/duckdb/duckdb-rows';
import {
  isStagedPart,
  QUARANTINE_PREFIX,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  stagedPartName,
  stagingPrefix,
} from '../../lib/lake-layout';
import type { LakeFiles, ObjectStore, PipelineSettings } from '../../lib/ports';
import type { CommitFile } from '../../lib/pipeline/curated-commit';
import { readJson, writeJson } from '../../lib/pipeline/json-objects';
import { MAX_OBJECTS_PER_BATCH } from '../../lib/pipeline/batch-seq';
import { loadReferenceData } from '../../lib/pipeline/load-reference';
import { settingsFromEnv, VALIDATE_THREADS_FROM_BYTES } from '../../lib/pipeline/pipeline-settings';
import { scratchDir } from '../../lib/pipeline/work-dir';
import type { BatchManifest, ValidationResult } from '../../lib/pipeline/state';
import { contractReference } from '../../lib/contract/check-reference';
import type { ContractReference } from '../../lib/contract/types';
import { workerEntry } from '../../lib/typescript-worker';
import { runOnWorker, startPoolWorker, type PoolWorker } from '../../lib/worker-pool';
import { readQuarantineKeys, receivedDate, writeQuarantineKeys } from './quarantine-keys';
import { readRawObject } from './read-raw-object';
import { objectChunks, validateChunk } from './validate-records';
import { sentReference } from './sent-reference';
import type { ChunkCounts, ValidateReply, ValidateTask, ValidateWorkerData } from './validate-worker';

/** Tasks read ahead of the workers, chunks decompressed or objects as stored (bounds the memory held for them). */
const CHUNKS_AHEAD = 8;

/** A chunk's verdicts with the arrival time of its raw object. */
type ChunkOutcome = ChunkCounts & { receivedAt: string };

/** Raw objects up to this size (as stored) go to a thread whole, to be decompressed and chunked there: Validate's
 * thread then decompresses and copies nothing (at 10:1, an object of this size is about five chunks). Larger ones
 * are decompressed and chunked here, so that one large object still keeps every thread busy. */
const WHOLE_OBJECT_MAX_BYTES = 2 * 1024 * 1024;

/** Whether raw object number `index` (of `count`, `size` bytes as stored) goes whole to one of `threads` threads:
 * a small one does, except the batch's last ones (one per thread), which are chunked so that the threads finish
 * together. */
export function goesWhole(index: number, count: number, size: number, threads: number): boolean {
  return threads > 0 && size <= WHOLE_OBJECT_MAX_BYTES && index < count - threads;
}

/** Quarantine rows become Parquet under quarantine/pos/received_date=YYYY-MM-DD/, one file per batch and date
 * (named by batch, so validating the same batch again rewrites the same files): written to `workDir`, and
 * returned with the keys they go to. */
export async function quarantineFiles(rejectsPath: string, batchId: string, workDir: string, work: DuckDbSettings): Promise<CommitFile[]> {
  const outDir = join(workDir, 'quarantine');
  await withDuckDb(work, async (conn) => {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`COPY (
        SELECT reason, detail, raw, received_at::TIMESTAMPTZ::TIMESTAMP AS received_at, source_key, batch_id,
               received_at::TIMESTAMPTZ::DATE AS received_date
        FROM read_json(${sqlString(rejectsPath)}, format = 'newline_delimited',
          columns = {reason: 'VARCHAR', detail: 'VARCHAR', raw: 'VARCHAR', received_at: 'VARCHAR', source_key: 'VARCHAR', batch_id: 'VARCHAR'})
      ) TO ${sqlString(outDir)} (FORMAT PARQUET, PARTITION_BY (received_date), WRITE_PARTITION_COLUMNS true,
        FILENAME_PATTERN ${sqlString(`part-${batchId}-{i}`)})`);
  });
  const files: CommitFile[] = [];
  for (const partition of await readdir(outDir)) {
    for (const file of await readdir(join(outDir, partition))) files.push({ key: `${QUARANTINE_PREFIX}${partition}/${file}`, path: join(outDir, partition, file) });
  }
  return files;
}

/** Writes the quarantine files of `quarantineFiles` to the lake. */
export async function writeQuarantine(store: ObjectStore, rejectsPath: string, batchId: string, workDir: string, work: DuckDbSettings): Promise<void> {
  for (const f of await quarantineFiles(rejectsPath, batchId, workDir, work)) await store.put(f.key, await readFile(f.path));
}

/** The batch's tasks in raw order: objects read one at a time, as the threads ask, and each decompressed and
 * chunked here, or (`whole` says which) sent as stored. */
async function* batchTasks(store: ObjectStore, manifest: BatchManifest, stagingDir: string, whole: (index: number, size: number) => boolean): AsyncGenerator<ValidateTask> {
  if (manifest.objects.length > MAX_OBJECTS_PER_BATCH) {
    throw new PipelineStateError(`batch ${manifest.batchId}: ${manifest.objects.length} raw objects, more than the ${MAX_OBJECTS_PER_BATCH} a batch can number`);
  }
  let order = 0;
  for (const [index, o] of manifest.objects.entries()) {
    const context = `reading raw object ${o.key}`;
    // a store error keeps its kind (a TransientError is retried); an object that will not decompress is bad data
    const body = await store.get(o.key).catch((err: unknown) => {
      throw withContext(context, err);
    });
    const source = { key: o.key, receivedAt: o.lastModified, batchId: manifest.batchId };
    if (whole(index, body.length)) {
      // copied: the store's buffer may be a view into a larger one, and this one is transferred
      yield { body: new Uint8Array(body), objectIndex: index, stagingDir, order: order++, ...source };
      continue;
    }
    // an unreadable object is one record, quarantined whole, so the batch's other objects are curated in the same run
    for (const chunk of objectChunks(await readRawObject(body), body, index, stagingDir)) yield { ...chunk, order: order++, ...source };
  }
}

/** Starts a Validate thread; it loads the validator while this thread reads the batch's reference data, which then
 * comes as its first message (validate-worker.ts). */
const startValidateWorker = (): PoolWorker => startPoolWorker(workerEntry(__dirname, 'validate-worker'));

/** Sends a task to a worker (its bytes are copied into a buffer the worker then owns, or transferred when they are
 * one already) and awaits its reply. */
function validateOnWorker(worker: PoolWorker, task: ValidateTask): Promise<ValidateReply> {
  // a chunk is a view into its object's buffer: copied out
  const bytes = 'body' in task ? task.body : new Uint8Array(task.bytes);
  return runOnWorker<ValidateReply>(worker, 'body' in task ? task : { ...task, bytes }, [bytes.buffer as ArrayBuffer]); // made here, so not shared
}

/**
 * Validates the batch's raw objects in newline-aligned chunks, on the `pool`'s threads (or on this thread when it
 * has none). Each verdict comes back with its chunk's position, so the counts and rejects keep the raw order
 * whatever the threads' timing.
 */
async function validateChunks(
  store: ObjectStore,
  manifest: BatchManifest,
  ref: ContractReference,
  window: BusinessDateWindow,
  stagingDir: string,
  pool: PoolWorker[],
): Promise<ChunkOutcome[]> {
  /** each task's chunks' outcomes, by the task's position */
  const results: ChunkOutcome[][] = [];
  const chunks = batchTasks(store, manifest, stagingDir, (index, size) => goesWhole(index, manifest.objects.length, size, pool.length));
  if (pool.length === 0) {
    for await (const task of chunks) {
      if ('body' in task) throw new Error('unreachable: objects go whole to threads only');
      const { staged, ...counts } = validateChunk(task, ref, window, task);
      if (staged.length) await writeFile(task.partPath, staged);
      results[task.order] = [{ ...counts, receivedAt: task.receivedAt }];
    }
    return results.flat();
  }
  // a small read-ahead queue, so decompressing the next object overlaps the threads' work on this one
  const ahead: Promise<IteratorResult<ValidateTask>>[] = [];
  const next = (): Promise<IteratorResult<ValidateTask>> => {
    while (ahead.length < CHUNKS_AHEAD) {
      const pending = chunks.next();
      pending.catch(() => undefined); // a failure is reported when its turn is awaited, not as an unhandled rejection
      ahead.push(pending);
    }
    return ahead.shift()!;
  };
  const setup: ValidateWorkerData = { ref: sentReference(ref), window };
  for (const worker of pool) worker.thread.postMessage(setup);
  await Promise.all(
    pool.map(async (worker) => {
      for (let item = await next(); !item.done; item = await next()) {
        const reply = await validateOnWorker(worker, item.value);
        if ('error' in reply) throw new RetailLakeError(`validating ${item.value.key}: ${reply.error}`);
        const { receivedAt } = item.value;
        results[reply.order] = reply.chunks.map((counts) => ({ ...counts, receivedAt }));
      }
    }),
  );
  return results.flat();
}

/** Adds up the chunks' verdicts, setting apart rejected records already quarantined (by an earlier batch, or
 * earlier in this one): those were redelivered, and count as duplicates. `quarantinedBefore` gains this batch's keys. */
function tallyVerdicts(perChunk: ChunkOutcome[], quarantinedBefore: Set<string>) {
  let received = 0;
  let valid = 0;
  let duplicates = 0;
  const byReason: Partial<Record<RejectReason, number>> = {};
  /** quarantine rows, and the keys of the records they hold by arrival date */
  const rows: string[] = [];
  const keysByDate = new Map<string, string[]>();
  for (const r of perChunk) {
    received += r.received;
    valid += r.valid;
    for (const reject of r.rejects) {
      if (quarantinedBefore.has(reject.key)) {
        duplicates++;
        continue;
      }
      quarantinedBefore.add(reject.key);
      byReason[reject.reason] = (byReason[reject.reason] ?? 0) + 1;
      rows.push(reject.row);
      const date = receivedDate(r.receivedAt);
      const dateKeys = keysByDate.get(date) ?? [];
      if (dateKeys.length === 0) keysByDate.set(date, dateKeys);
      dateKeys.push(reject.key);
    }
  }
  return { received, valid, duplicates, byReason, rows, keysByDate };
}

/** The threads Validate starts for a batch of `bytes` (its raw objects as stored): `workers` from
 * `threadsFromBytes` on, none below (and none for one worker: the calling thread validates). */
export function validateThreads(bytes: number, workers: number, threadsFromBytes: number): number {
  return workers > 1 && bytes >= threadsFromBytes ? workers : 0;
}

export async function validateBatch(
  store: ObjectStore,
  files: LakeFiles,
  batchId: string,
  alertRate: number,
  workers = 1,
  /** the work folder (scratch, DuckDB's spill files), DuckDB's memory and threads, and the batch size from which
   * `workers` threads are started (smaller ones are validated on the calling thread) */
  work: DuckDbSettings & Partial<Pick<PipelineSettings, 'validateThreadsFromBytes'>> = settingsFromEnv(),
  /** the business-date window ends BUSINESS_DAYS_AHEAD after this date */
  now = new Date(),
): Promise<ValidationResult> {
  const manifest = await readJson<BatchManifest>(store, runRecordKeys(runPrefix(batchId)).manifest);
  const bytes = manifest.objects.reduce((a, o) => a + o.size, 0);
  // the threads start before the reference data is read, so that loading the validator in each overlaps reading it
  const pool = Array.from({ length: validateThreads(bytes, workers, work.validateThreadsFromBytes ?? VALIDATE_THREADS_FROM_BYTES) }, startValidateWorker);
  try {
    return await validateOnPool(store, files, batchId, manifest, alertRate, pool, work, now);
  } finally {
    await Promise.all(pool.map((w) => w.thread.terminate()));
  }
}

/** validateBatch's work, on the threads of `pool` (none: on this thread). */
async function validateOnPool(
  store: ObjectStore,
  files: LakeFiles,
  batchId: string,
  manifest: BatchManifest,
  alertRate: number,
  pool: PoolWorker[],
  work: DuckDbSettings,
  now: Date,
): Promise<ValidationResult> {
  const keys = runRecordKeys(runPrefix(batchId));
  // parsed here once (a reference file that does not parse fails here), and what the checks read of it handed to the threads
  const ref = contractReference(await loadReferenceData(store));
  const arrivalDates = [...new Set(manifest.objects.map((o) => receivedDate(o.lastModified)))];
  const quarantinedBefore = await readQuarantineKeys(store, batchId, arrivalDates);

  const staging = stagingPrefix(batchId);
  const stagingDir = await files.materialize(staging);
  // a re-run writes the batch's part files afresh
  for (const f of await readdir(stagingDir)) if (isStagedPart(f)) await rm(join(stagingDir, f));
  const workDir = await scratchDir(work.workDir, 'validate');
  try {
    const perChunk = await validateChunks(store, manifest, ref, businessDateWindow(now), stagingDir, pool);
    // a batch of unreadable objects stages nothing: an empty part keeps Curate's glob (and the Glue job's) matching
    if (!(await readdir(stagingDir)).some(isStagedPart)) await writeFile(join(stagingDir, stagedPartName(0, 0)), '');
    await files.replacePrefix(staging, stagingDir);

    const { received, valid, duplicates, byReason, rows, keysByDate } = tallyVerdicts(perChunk, quarantinedBefore);
    const quarantined = rows.length;
    if (quarantined > 0) {
      const rejectsPath = join(workDir, 'rejects.ndjson');
      await writeFile(rejectsPath, rows.join('\n') + '\n');
      await writeQuarantine(store, rejectsPath, batchId, workDir, work);
    }
    await writeQuarantineKeys(store, batchId, arrivalDates, keysByDate);
    const quarantineRate = received === 0 ? 0 : quarantined / received;
    const reasons = Object.entries(byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
    const result: ValidationResult = {
      batchId,
      received,
      valid,
      quarantined,
      duplicates,
      byReason,
      quarantineRate,
      dataQualityAlert: quarantineRate > alertRate,
      dataQualityMessage:
        `Batch ${batchId}: ${quarantined} of ${received} records quarantined (${(quarantineRate * 100).toFixed(1)}%, ` +
        `threshold ${(alertRate * 100).toFixed(1)}%). By reason: ${reasons || 'none'}. See ${QUARANTINE_PREFIX}.`,
      stagedKey: `${staging}${STAGED_EVENTS_GLOB}`,
    };
    await writeJson(store, keys.validation, result);
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
