import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkReferences } from '../lib/contract/check-reference';
import type { RejectReason } from '../lib/contract/types';
import { parseEventText } from '../lib/contract/validate-event';
import { openDuckDb, sqlString } from '../lib/duckdb/duckdb-rows';
import { QUARANTINE_PREFIX, runPrefix, stagingPrefix } from '../lib/lake-layout';
import type { ObjectStore } from '../lib/ports';
import { readJson, writeJson } from '../lib/pipeline/json-objects';
import { loadReferenceData } from '../lib/pipeline/load-reference';
import { runRecordKeys, type BatchManifest, type ValidationResult } from '../lib/pipeline/state';
import type { LakeFiles } from '../lib/runtime';

export const STAGED_EVENTS_FILE = 'events.ndjson';

/** Raw objects are gzip NDJSON as Firehose writes them; batch files dropped by `ingest` may be plain. */
export function rawText(body: Buffer): string {
  const gz = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  return (gz ? gunzipSync(body) : body).toString('utf8');
}

interface WriteSink {
  write(text: string): void;
  end(): Promise<void>;
}

function fileSink(path: string): WriteSink {
  const stream = createWriteStream(path);
  return {
    write: (text) => void stream.write(text),
    end: () => new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
  };
}

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

export async function validateBatch(store: ObjectStore, files: LakeFiles, batchId: string, alertRate: number): Promise<ValidationResult> {
  const keys = runRecordKeys(runPrefix(batchId));
  const manifest = await readJson<BatchManifest>(store, keys.manifest);
  const ref = await loadReferenceData(store);

  const staging = stagingPrefix(batchId);
  const stagingDir = await files.materialize(staging);
  const workDir = await mkdtemp(join(tmpdir(), 'retail-lake-validate-'));
  const rejectsPath = join(workDir, 'rejects.ndjson');
  const events = fileSink(join(stagingDir, STAGED_EVENTS_FILE));
  const rejects = fileSink(rejectsPath);

  let received = 0;
  let valid = 0;
  const byReason: Partial<Record<RejectReason, number>> = {};
  try {
    for (const object of manifest.objects) {
      const text = rawText(await store.get(object.key));
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        const line = text.slice(start, end).replace(/\r$/, '');
        start = end + 1;
        if (line.trim() === '') continue;
        received++;
        const parsed = parseEventText(line);
        const rejection = parsed.ok ? checkReferences(parsed.event, ref) : parsed.rejection;
        if (rejection) {
          byReason[rejection.reason] = (byReason[rejection.reason] ?? 0) + 1;
          rejects.write(
            JSON.stringify({ ...rejection, raw: line, received_at: object.lastModified, source_key: object.key, batch_id: batchId }) + '\n',
          );
        } else {
          valid++;
          events.write(line + '\n');
        }
      }
    }
  } finally {
    await Promise.all([events.end(), rejects.end()]);
  }
  await files.replacePrefix(staging, stagingDir);
  const quarantined = received - valid;
  if (quarantined > 0) await writeQuarantine(store, rejectsPath, batchId, workDir);
  await rm(workDir, { recursive: true, force: true });

  const quarantineRate = received === 0 ? 0 : quarantined / received;
  const reasons = Object.entries(byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
  const result: ValidationResult = {
    batchId,
    received,
    valid,
    quarantined,
    byReason,
    quarantineRate,
    dataQualityMessage:
      `Batch ${batchId}: ${quarantined} of ${received} records quarantined (${(quarantineRate * 100).toFixed(1)}%, ` +
      `threshold ${(alertRate * 100).toFixed(1)}%). By reason: ${reasons || 'none'}. See ${QUARANTINE_PREFIX}.`,
    stagedKey: `${staging}${STAGED_EVENTS_FILE}`,
  };
  await writeJson(store, keys.validation, result);
  return result;
}
