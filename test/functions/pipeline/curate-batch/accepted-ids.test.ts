import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../../functions/lib/duckdb/duckdb-rows';
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

const onDay = (day: number, overrides: Record<string, unknown> = {}, month = 1): Record<string, unknown> =>
  sale({ occurred_at: `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`, ...overrides });

/** The id files after an old layout's ids of January, February and undated events moved to their months in the
 * first batch, and a replay in January. */
const movedLayout = (first: string, replay: string): string[] =>
  [
    `utc_month=2024-01/batch=${first}.parquet`,
    `utc_month=2024-02/batch=${first}.parquet`,
    `utc_month=undated/batch=${first}.parquet`,
    `utc_month=2024-01/batch=${replay}.parquet`,
  ].sort();

const idKeys = async (store: FsObjectStore): Promise<string[]> => (await store.list(ACCEPTED_IDS_PREFIX)).map((o) => o.key.slice(ACCEPTED_IDS_PREFIX.length));

describe('accepted event ids, kept by the UTC date of occurred_at in a file per month', () => {
  it('count a replay of an event accepted many dates earlier as a duplicate, reading only the batch’s months', async () => {
    const { store, cleanup } = tempLake('accepted-ids');
    try {
      await withReference(store);
      const old = onDay(2);
      const first = await runBatch(store, [old]);
      expect(first.curate.curatedEvents).toBe(1);
      // later batches on dates of January and of later months; one batch over two months writes a file for each
      const february = onDay(4, {}, 2);
      await runBatch(store, [onDay(3), february]);
      for (let day = 5; day <= 9; day += 2) await runBatch(store, [onDay(day), onDay(day + 1, {}, 2)]);
      for (let day = 3; day <= 9; day += 2) await runBatch(store, [onDay(day, {}, 3), onDay(day + 1, {}, 3)]);
      expect((await idKeys(store)).length).toBe(1 + 4 * 2 + 4);

      const replay = await runBatch(store, [old, onDay(28)]);
      expect(replay.curate).toMatchObject({ curatedEvents: 1, duplicates: 1 });
      // the batch's month and the undated ids, nothing else
      expect(replay.idPrefixes.sort()).toEqual([`${ACCEPTED_IDS_PREFIX}utc_month=2024-01/`, `${ACCEPTED_IDS_PREFIX}utc_month=undated/`]);
      expect(await idKeys(store)).toEqual(expect.arrayContaining([`utc_month=2024-01/batch=${first.batchId}.parquet`, `utc_month=2024-01/batch=${replay.batchId}.parquet`]));
      // and a replay of a February event beside a new January one
      const feb = await runBatch(store, [february, onDay(29)]);
      expect(feb.curate).toMatchObject({ curatedEvents: 1, duplicates: 1 });
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

  it('stop, naming the store, when a validated event’s store has left stores.csv: nothing curated, no id recorded', async () => {
    const { store, cleanup } = tempLake('accepted-ids-store-gone');
    try {
      await withReference(store);
      await putRaw(store, [JSON.stringify(onDay(5, { store_id: 'S002' })), JSON.stringify(onDay(5))], new Date((arrival += 3_600_000)), `r${arrival}`);
      const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
      await validateBatch(store, store, plan.batchId, 1);
      await store.put(STORES_KEY, STORES_CSV.replace(/^S002,.*\n/m, ''));
      await expect(curateBatch(store, store, plan.batchId)).rejects.toThrow(/store_id: S002 \(1 events\) not in reference\/stores\.csv/);
      expect(await idKeys(store)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('move a lake’s flat-layout ids to their months on the first run, once, and keep them counting', async () => {
    const { root, store, cleanup } = tempLake('accepted-ids-flat');
    try {
      await withReference(store);
      const a = onDay(7);
      const b = onDay(9, {}, 2);
      const first = await runBatch(store, [a, b]);
      // the lake as the flat layout left it: one file per batch, plus an id with no curated row
      for (const key of await idKeys(store)) await store.delete([ACCEPTED_IDS_PREFIX + key]);
      const conn = await openDuckDb();
      const flat = join(root, `${ACCEPTED_IDS_PREFIX}batch=${first.batchId}.parquet`);
      await conn.run(`COPY (SELECT unnest(['${String(a.event_id)}', '${String(b.event_id)}', 'never-curated']) AS event_id) TO ${sqlString(flat)} (FORMAT PARQUET)`);
      conn.closeSync();

      const replay = await runBatch(store, [a, onDay(11, { event_id: 'never-curated' }), onDay(12)]);
      expect(replay.curate).toMatchObject({ curatedEvents: 1, duplicates: 2 });
      expect((await idKeys(store)).sort()).toEqual(movedLayout(first.batchId, replay.batchId));
      expect(readdirSync(join(root, ACCEPTED_IDS_PREFIX)).filter((f) => f.endsWith('.parquet'))).toEqual([]);
      expect((await store.get(acceptedIdsKey('2024-02', first.batchId))).length).toBeGreaterThan(0);

      const later = await runBatch(store, [b]);
      expect(later.curate).toMatchObject({ curatedEvents: 0, duplicates: 1 });
    } finally {
      cleanup();
    }
  });

  it('move a lake’s daily-layout ids to their months on the first run, merging a move cut short, and keep them counting', async () => {
    const { root, store, cleanup } = tempLake('accepted-ids-daily');
    try {
      await withReference(store);
      const a = onDay(7);
      const b = onDay(9);
      const c = onDay(9, {}, 2);
      const first = await runBatch(store, [a, b, c]);
      // the lake as the daily layout left it, with a move cut short: January's monthly file holds a's id and its
      // daily file is gone; b's daily file is still there
      for (const key of await idKeys(store)) await store.delete([ACCEPTED_IDS_PREFIX + key]);
      const conn = await openDuckDb();
      const daily = (date: string): string => join(root, `${ACCEPTED_IDS_PREFIX}utc_date=${date}`, `batch=${first.batchId}.parquet`);
      for (const [date, e] of [['2024-01-09', b], ['2024-02-09', c], ['undated', { event_id: 'never-curated' }]] as const) {
        mkdirSync(dirname(daily(date)), { recursive: true });
        await conn.run(`COPY (SELECT '${String(e.event_id)}' AS event_id) TO ${sqlString(daily(date))} (FORMAT PARQUET)`);
      }
      const moved = join(root, acceptedIdsKey('2024-01', first.batchId));
      mkdirSync(dirname(moved), { recursive: true });
      await conn.run(`COPY (SELECT '${String(a.event_id)}' AS event_id, DATE '2024-01-07' AS utc_date) TO ${sqlString(moved)} (FORMAT PARQUET)`);

      const replay = await runBatch(store, [a, b, c, onDay(11, { event_id: 'never-curated' }), onDay(12)]);
      expect(replay.curate).toMatchObject({ curatedEvents: 1, duplicates: 4 });
      expect((await idKeys(store)).sort()).toEqual(movedLayout(first.batchId, replay.batchId));
      const [{ n }] = await readRows(conn, `SELECT count(*) AS n FROM read_parquet(${sqlString(moved)})`);
      expect(Number(n)).toBe(2); // a's id kept, b's moved in
      conn.closeSync();
    } finally {
      cleanup();
    }
  });
});
