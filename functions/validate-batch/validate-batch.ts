import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RejectReason } from '../lib/contract/types';
import { openDuckDb, sqlString } from '../lib/duckdb/duckdb-rows';
import { PRODUCTS_KEY, QUARANTINE_PREFIX, runPrefix, stagingPrefix, STORES_KEY } from '../lib/lake-layout';
import type { ObjectStore } from '../lib/ports';
import { readJson, writeJson } from '../lib/pipeline/json-objects';
import { loadReferenceTexts } from '../lib/pipeline/load-reference';
import { runRecordKeys, type BatchManifest, type ValidationResult } from '../lib/pipeline/state';
import { parseProductsCsv, parseStoresCsv, type ReferenceData } from '../lib/reference/reference-data';
import type { LakeFiles } from '../lib/runtime';
import { startWorker, workerEntry } from '../lib/typescript-worker';
import { validateObject, type ObjectVerdicts } from './validate-records';
import type { ValidateTask } from './validate-worker';

export { rawText } from './validate-records';

/** Valid records of raw object i go to `events-<i>.ndjson` in the staging folder; Curate reads them in order. */
export const STAGED_EVENTS_GLOB = 'events-*.ndjson';
const partName = (index: number): string => `events-${String(index).padStart(6, '0')}.ndjson`;

type Counts = Omit<ObjectVerdicts, 'validText'>;

/** Quarantine rows become Parquet under quarantine/pos/received_date=YYYY-MM-DD/, one file per batch and date
 * (named by batch, so validating the same batch again rewrites the same files). */
async function writeQuarantine(store: ObjectStore, rejectsPath: string, batchId: string, workDir: string): Promise<void> {
  const outDir = join(workDir, 'quarantine');
  const conn = await openDuckDb();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`COPY (
        SELECT reason, detail, raw, received_at::TIMESTAMPTZ::TIMESTAMP AS received_at, source_key, batch_id,
               received_at::TIMESTAMPTZ::DATE AS received_date
        FROM read_json(${sqlString(rejectsPath)}, format = 'newline_delimited',
          columns = {reason: 'VARCHAR', detail: 'VARCHAR', raw: 'VARCHAR', received_at: 'VARCHAR', source_key: 'VARCHAR', batch_id: 'VARCHAR'})
      ) TO ${sqlString(outDir)} (FORMAT PARQUET, PARTITION_BY (received_date), WRITE_PARTITION_COLUMNS true,
        FILENAME_PATTERN ${sqlString(`part-${batchId}-{i}`)})`);
  } finally {
    conn.closeSync();
  }
  for (const partition of await readdir(outDir)) {
    for (const file of await readdir(join(outDir, partition))) {
      await store.put(`${QUARANTINE_PREFIX}${partition}/${file}`, await readFile(join(outDir, partition, file)));
    }
  }
}

/**
 * Validates the batch's raw objects, `workers` at a time on worker threads (or on this thread when 1).
 * Objects are read here and handed over; each verdict comes back with its object's index, so the staged
 * order is the raw order whatever the threads' timing.
 */
async function validateObjects(
  store: ObjectStore,
  manifest: BatchManifest,
  reference: { storesCsv: string; productsCsv: string; ref: ReferenceData },
  stagingDir: string,
  workers: number,
): Promise<Counts[]> {
  const tasks = manifest.objects.map((o, index) => ({ index, key: o.key, receivedAt: o.lastModified, batchId: manifest.batchId, partPath: join(stagingDir, partName(index)) }));
  const results: Counts[] = new Array(tasks.length);
  if (workers <= 1 || tasks.length <= 1) {
    for (const t of tasks) {
      const { validText, ...counts } = validateObject(await store.get(t.key), reference.ref, t);
      await writeFile(t.partPath, validText);
      results[t.index] = counts;
    }
    return results;
  }
  const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => startWorker(workerEntry(__dirname, 'validate-worker'), { storesCsv: reference.storesCsv, productsCsv: reference.productsCsv }));
  let next = 0;
  try {
    await Promise.all(
      pool.map(async (worker) => {
        while (next < tasks.length) {
          const t = tasks[next++];
          const body = await store.get(t.key);
          const reply = await new Promise<Counts & { index: number; error?: string }>((resolve, reject) => {
            const onError = (err: Error): void => reject(err);
            worker.once('error', onError);
            worker.once('message', (m: Counts & { index: number; error?: string }) => {
              worker.off('error', onError);
              resolve(m);
            });
            const task: ValidateTask = { ...t, body };
            worker.postMessage(task, [body.buffer as ArrayBuffer]);
          });
          if (reply.error) throw new Error(`validating ${t.key}: ${reply.error}`);
          results[reply.index] = reply;
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

export async function validateBatch(
  store: ObjectStore,
  files: LakeFiles,
  batchId: string,
  alertRate: number,
  workers = 1,
): Promise<ValidationResult> {
  const keys = runRecordKeys(runPrefix(batchId));
  const manifest = await readJson<BatchManifest>(store, keys.manifest);
  const texts = await loadReferenceTexts(store);
  // parsed here once: a reference file that does not parse fails here, not in every worker
  const reference = {
    ...texts,
    ref: { stores: parseStoresCsv(texts.storesCsv, STORES_KEY), products: parseProductsCsv(texts.productsCsv, PRODUCTS_KEY) },
  };

  const staging = stagingPrefix(batchId);
  const stagingDir = await files.materialize(staging);
  const workDir = await mkdtemp(join(tmpdir(), 'retail-lake-validate-'));
  try {
    const perObject = await validateObjects(store, manifest, reference, stagingDir, workers);
    await files.replacePrefix(staging, stagingDir);

    let received = 0;
    let valid = 0;
    const byReason: Partial<Record<RejectReason, number>> = {};
    for (const r of perObject) {
      received += r.received;
      valid += r.valid;
      for (const [reason, n] of Object.entries(r.byReason) as [RejectReason, number][]) byReason[reason] = (byReason[reason] ?? 0) + n;
    }
    const quarantined = received - valid;
    if (quarantined > 0) {
      const rejectsPath = join(workDir, 'rejects.ndjson');
      await writeFile(rejectsPath, perObject.map((r) => r.rejectsText).join(''));
      await writeQuarantine(store, rejectsPath, batchId, workDir);
    }
    const quarantineRate = received === 0 ? 0 : quarantined / received;
    const reasons = Object.entries(byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
    const result: ValidationResult = {
      batchId,
      received,
      valid,
      quarantined,
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
