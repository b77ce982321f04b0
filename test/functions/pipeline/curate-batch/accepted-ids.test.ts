import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { sqlString } from '../../../../functions/lib/duckdb/duckdb-rows';
import { ACCEPTED_IDS_PREFIX, acceptedIdsKey, runPrefix, runRecordKeys, STORES_KEY } from '../../../../functions/lib/lake-layout';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import type { LakeFiles } from '../../../../functions/lib/ports';
import { commitCheckpoint } from '../../../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../../../functions/pipeline/validate-batch/validate-batch';
import type { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { putRaw, sale, STORES_CSV, tempLake, withReference } from '../../../helpers/lake-fixture';

/** The lake's files, recording each prefix Curate materializes. */
function recordingFiles(store: FsObjectStore): { files: LakeFiles; materialized: string[] } {
  const materialized: string[] = [];
  return {
    materialized,
    files: {
      materialize: (prefix) => {
        materialized.push(prefix);
        return store.materialize(prefix);
      },
      replacePrefix: (prefix, dir) => store.replacePrefix(prefix, dir),
    },
  };
}

let arrival = Date.UTC(2024, 5, 1);
/** One batch of these events through plan, validate, curate and commit; the prefixes Curate materialized. */
async function runBatch(store: FsObjectStore, events: Record<string, unknown>[]) {
  arrival += 3_600_000;
  await putRaw(store, events.map((e) => JSON.stringify(e)), new Date(arrival), `r${arrival}`);
  const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
  await validateBatch(store, store, plan.batchId, 1);
  const { files, materialized } = recordingFiles(store);
  const curate = await curateBatch(store, files, plan.batchId);
  await commitCheckpoint(store, plan.batchId);
  await writeJson(store, runRecordKeys(runPrefix(plan.batchId)).reconcile, {}); // its post-commit steps done: the next plan takes new objects
  return { batchId: plan.batchId, curate, idPrefixes: materialized.filter((p) => p.startsWith(ACCEPTED_IDS_PREFIX)) };
}

const onDay = (day: number, overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  sale({ occurred_at: `2024-01-${String(day).padStart(2, '0')}T12:00:00Z`, ...overrides });

const idKeys = async (store: FsObjectStore): Promise<string[]> => (await store.list(ACCEPTED_IDS_PREFIX)).map((o) => o.key.slice(ACCEPTED_IDS_PREFIX.length));

describe('accepted event ids, kept by the UTC date of occurred_at', () => {
  it('count a replay of an event accepted many dates earlier as a duplicate, reading only the batch’s dates', async () => {
    const { store, cleanup } = tempLake('accepted-ids');
    try {
      await withReference(store);
      const old = onDay(2);
      const first = await runBatch(store, [old]);
      expect(first.curate.curatedEvents).toBe(1);
      for (let day = 3; day <= 25; day += 2) await runBatch(store, [onDay(day), onDay(day + 1)]);
      expect((await idKeys(store)).length).toBe(25);

      const replay = await runBatch(store, [old, onDay(28)]);
      expect(replay.curate).toMatchObject({ curatedEvents: 1, duplicates: 1 });
      // the dates of the batch and the undated ids, nothing else
      expect(replay.idPrefixes.sort()).toEqual([
        `${ACCEPTED_IDS_PREFIX}utc_date=2024-01-02/`,
        `${ACCEPTED_IDS_PREFIX}utc_date=2024-01-28/`,
        `${ACCEPTED_IDS_PREFIX}utc_date=undated/`,
      ]);
      expect(await idKeys(store)).toEqual(expect.arrayContaining([`utc_date=2024-01-02/batch=${first.batchId}.parquet`, `utc_date=2024-01-28/batch=${replay.batchId}.parquet`]));
    } finally {
      cleanup();
    }
  });

  it('still count a replay once after its store’s time zone moved its business date', async () => {
    const { store, cleanup } = tempLake('accepted-ids-tz');
    try {
      await withReference(store);
      // 03:00Z on 5 January: the 4th in New York, the 5th in London
      const event = onDay(5, { occurred_at: '2024-01-05T03:00:00Z' });
      await runBatch(store, [event]);
      await store.put(STORES_KEY, STORES_CSV.replace('America/New_York', 'Europe/London'));
      const replay = await runBatch(store, [event]);
      expect(replay.curate).toMatchObject({ curatedEvents: 0, duplicates: 1 });
    } finally {
      cleanup();
    }
  });

  it('move a lake’s flat-layout ids to their dates on the first run, once, and keep them counting', async () => {
    const { root, store, cleanup } = tempLake('accepted-ids-flat');
    try {
      await withReference(store);
      const a = onDay(7);
      const b = onDay(9);
      const first = await runBatch(store, [a, b]);
      // the lake as the flat layout left it: one file per batch, plus an id with no curated row
      for (const key of await idKeys(store)) await store.delete([ACCEPTED_IDS_PREFIX + key]);
      const conn = await openDuckDb();
      const flat = join(root, `${ACCEPTED_IDS_PREFIX}batch=${first.batchId}.parquet`);
      await conn.run(`COPY (SELECT unnest(['${String(a.event_id)}', '${String(b.event_id)}', 'never-curated']) AS event_id) TO ${sqlString(flat)} (FORMAT PARQUET)`);
      conn.closeSync();

      const replay = await runBatch(store, [a, onDay(11, { event_id: 'never-curated' }), onDay(12)]);
      expect(replay.curate).toMatchObject({ curatedEvents: 1, duplicates: 2 });
      expect((await idKeys(store)).sort()).toEqual(
        [
          `utc_date=2024-01-07/batch=${first.batchId}.parquet`,
          `utc_date=2024-01-09/batch=${first.batchId}.parquet`,
          `utc_date=undated/batch=${first.batchId}.parquet`,
          `utc_date=2024-01-12/batch=${replay.batchId}.parquet`,
        ].sort(),
      );
      expect(readdirSync(join(root, ACCEPTED_IDS_PREFIX)).filter((f) => f.endsWith('.parquet'))).toEqual([]);
      expect((await store.get(acceptedIdsKey('2024-01-09', first.batchId))).length).toBeGreaterThan(0);

      const later = await runBatch(store, [b]);
      expect(later.curate).toMatchObject({ curatedEvents: 0, duplicates: 1 });
    } finally {
      cleanup();
    }
  });
});
