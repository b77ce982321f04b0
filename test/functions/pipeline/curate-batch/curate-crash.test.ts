/**
 * Probes of issue 9's first fault: Curate killed between any two of its file operations, then a re-run. The
 * CrashingStore dies at its Nth write the way a kill -9 does (nothing after it reaches the lake).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../../functions/lib/duckdb/duckdb-rows';
import { COMMITS_PREFIX, curatedBatchFileKey, CURATED_TABLES, curatedTablePrefix, runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import type { CurateResult } from '../../../../functions/lib/pipeline/state';
import { commitCheckpoint } from '../../../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../../../functions/pipeline/validate-batch/validate-batch';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { CuratedQueryEngine } from '../../../../local/engine/curated-engine';
import { localSettings } from '../../../../local/local-runtime';
import { CrashingStore, SimulatedCrash } from '../../../helpers/crashing-store';
import { folderDigest } from '../../../helpers/folder-digest';
import { copyOfLake, curateNextBatch, putRaw, sale, stockCount, tempLake, withReference } from '../../../helpers/lake-fixture';

interface Totals {
  lines: number;
  keys: number;
  revenue: number;
  inventory: number;
  firstBatchLines: number;
}

/** What a reader of the curated tables sees: lines, distinct (event_id, line_no), revenue, inventory events. */
async function readerTotals(root: string, firstBatchIds: string[]): Promise<Totals> {
  const engine = await CuratedQueryEngine.open(root);
  try {
    const [t] = await engine.query(`SELECT
      (SELECT count(*) FROM sales_lines) AS lines,
      (SELECT count(*) FROM (SELECT DISTINCT event_id, line_no FROM sales_lines)) AS keys,
      (SELECT COALESCE(sum(net_revenue), 0) FROM sales_lines) AS revenue,
      (SELECT count(*) FROM inventory_events) AS inventory,
      (SELECT count(*) FROM sales_lines WHERE event_id IN (${firstBatchIds.map(sqlString).join(', ')})) AS first_batch_lines`);
    return { lines: Number(t.lines), keys: Number(t.keys), revenue: Number(t.revenue), inventory: Number(t.inventory), firstBatchLines: Number(t.first_batch_lines) };
  } finally {
    engine.close();
  }
}

/** Every folder under the curated tables: only `business_date=YYYY-MM-DD` partitions may be there. */
function curatedFolders(root: string): string[] {
  return CURATED_TABLES.flatMap((t) => {
    try {
      return readdirSync(join(root, curatedTablePrefix(t)));
    } catch {
      return [];
    }
  });
}

describe('Curate killed between any two file operations, then run again', () => {
  // One lake prepared up to the second batch's Curate: the first batch (3 sales on 9 March) is committed, the
  // second (new sales on 9 and 11 March, a replay of a first-batch sale, a stock count) is validated.
  const template = tempLake('curate-crash-template');
  const first = [sale(), sale(), sale()];
  let secondBatch = '';

  beforeAll(async () => {
    const { store, root } = template;
    await withReference(store);
    await putRaw(store, first.map((e) => JSON.stringify(e)), new Date('2024-03-10T01:00:00Z'), 'one');
    await curateNextBatch(store, root);
    const second = [sale(), sale({ occurred_at: '2024-03-11T15:00:00Z' }), first[1], stockCount('inv-1', '2024-03-11T09:00:00Z')];
    await putRaw(store, second.map((e) => JSON.stringify(e)), new Date('2024-03-10T02:00:00Z'), 'two');
    const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
    await validateBatch(store, store, plan.batchId, 1);
    secondBatch = plan.batchId;
  }, 60_000);
  afterAll(() => template.cleanup());

  const copyOfTemplate = (): { root: string; store: FsObjectStore; cleanup: () => void } => copyOfLake(template.root, 'curate-crash');
  const firstIds = (): string[] => first.map((e) => String(e.event_id));

  it('loses no partition, counts no (event_id, line_no) twice, and ends with a clean run’s totals, at every crash point', async () => {
    const clean = copyOfTemplate();
    const counting = new CrashingStore(clean.store);
    const curate = await curateBatch(counting, clean.store, secondBatch, localSettings(clean.root));
    await commitCheckpoint(clean.store, secondBatch);
    const expected = await readerTotals(clean.root, firstIds());
    clean.cleanup();
    expect(curate).toMatchObject({ curatedEvents: 3, duplicates: 1, rows: { sales_lines: 4, inventory_events: 1 } });
    expect(expected).toEqual({ lines: 10, keys: 10, revenue: expected.revenue, inventory: 1, firstBatchLines: 6 });
    const before = { lines: 6, keys: 6, revenue: expected.revenue - curate.netRevenue, inventory: 0, firstBatchLines: 6 };

    // accepted ids (2 dates), the staged copies and the intent, the puts, done, the run record
    expect(counting.writes).toBeGreaterThanOrEqual(9);
    // the lakes the roll-forward left, by digest: the batch is run again once on each, since the same files give
    // the same re-run (the kills before the commit leave one lake, those after it another)
    const rerun = new Set<string>();
    for (let n = 1; n <= counting.writes; n++) {
      const lake = copyOfTemplate();
      try {
        await expect(curateBatch(new CrashingStore(lake.store, n), lake.store, secondBatch, localSettings(lake.root))).rejects.toThrow(SimulatedCrash);
        // a reader right after the kill: the first batch whole, nothing twice, no folder but the partitions
        const killed = await readerTotals(lake.root, firstIds());
        expect({ n, firstBatchLines: killed.firstBatchLines, twice: killed.lines - killed.keys }).toEqual({ n, firstBatchLines: 6, twice: 0 });
        expect(curatedFolders(lake.root).every((f) => /^business_date=\d{4}-\d{2}-\d{2}$/.test(f))).toBe(true);

        // the next run: PlanBatch rolls the commit forward (the batch is there whole, or not at all), then resumes it
        await planBatch(lake.store, Number.MAX_SAFE_INTEGER);
        const recovered = await readerTotals(lake.root, firstIds());
        expect({ n, whole: [JSON.stringify(before), JSON.stringify(expected)].includes(JSON.stringify(recovered)) }).toEqual({ n, whole: true });
        expect(await lake.store.list(COMMITS_PREFIX)).toEqual([]);

        const state = folderDigest(lake.root);
        if (rerun.has(state)) continue;
        rerun.add(state);
        expect((await curateNextBatch(lake.store, lake.root))?.batchId).toBe(secondBatch);
        expect({ n, totals: await readerTotals(lake.root, firstIds()) }).toEqual({ n, totals: expected });
        expect(await curateNextBatch(lake.store, lake.root)).toBeNull();
      } finally {
        lake.cleanup();
      }
    }
    expect(rerun.size).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('writes one file per partition, keyed by the batch, and a re-run overwrites it with the same rows', async () => {
    const lake = copyOfTemplate();
    try {
      const once = await curateBatch(lake.store, lake.store, secondBatch, localSettings(lake.root));
      const files = (await lake.store.list('curated/')).map((o) => o.key).filter((k) => k.includes(secondBatch));
      expect(files.sort()).toEqual(
        [
          curatedBatchFileKey('sales_lines', '2024-03-09', secondBatch),
          curatedBatchFileKey('sales_lines', '2024-03-11', secondBatch),
          curatedBatchFileKey('inventory_events', '2024-03-11', secondBatch),
        ].sort(),
      );
      const rows = async (): Promise<unknown[]> => {
        const conn = await openDuckDb();
        try {
          return await readRows(conn, `SELECT * FROM read_parquet([${files.map((k) => sqlString(join(lake.root, k))).join(', ')}], union_by_name = true, filename = true)`);
        } finally {
          conn.closeSync();
        }
      };
      const firstRows = await rows();
      const again = await curateBatch(lake.store, lake.store, secondBatch, localSettings(lake.root));
      expect(again).toEqual(once);
      expect(await rows()).toEqual(firstRows);
    } finally {
      lake.cleanup();
    }
  }, 60_000);

  it('curates the same files whether the staged events are a table in DuckDB’s memory or a Parquet file in scratch', async () => {
    const [inMemory, throughFile] = [copyOfTemplate(), copyOfTemplate()];
    try {
      const a = await curateBatch(inMemory.store, inMemory.store, secondBatch, localSettings(inMemory.root));
      // no staged bytes fit in memory: the Parquet file in scratch, as for a batch larger than DuckDB's memory limit
      const b = await curateBatch(throughFile.store, throughFile.store, secondBatch, localSettings(throughFile.root), 0);
      expect(b).toEqual(a);
      expect(a.rows.sales_lines).toBeGreaterThan(0);
      expect(folderDigest(join(throughFile.root, 'curated'))).toBe(folderDigest(join(inMemory.root, 'curated')));
    } finally {
      inMemory.cleanup();
      throughFile.cleanup();
    }
  }, 60_000);

  it('records dateTotals equal to a GROUP BY over the batch’s curated Parquet', async () => {
    const lake = copyOfTemplate();
    try {
      const curate = await curateBatch(lake.store, lake.store, secondBatch, localSettings(lake.root));
      const conn = await openDuckDb();
      try {
        const glob = (table: (typeof CURATED_TABLES)[number]): string => sqlString(join(lake.root, curatedBatchFileKey(table, '*', secondBatch)));
        const sales = await readRows(conn, `SELECT CAST(business_date AS VARCHAR) AS d, count(*) AS n, sum(net_revenue) AS revenue
          FROM read_parquet(${glob('sales_lines')}, hive_partitioning = false) GROUP BY d`);
        const inv = await readRows(conn, `SELECT CAST(business_date AS VARCHAR) AS d, count(*) AS n FROM read_parquet(${glob('inventory_events')}, hive_partitioning = false) GROUP BY d`);
        const expected: Record<string, { salesLines: number; netRevenueCents: number; inventoryEvents: number }> = {};
        const at = (d: string) => (expected[d] ??= { salesLines: 0, netRevenueCents: 0, inventoryEvents: 0 });
        for (const r of sales) Object.assign(at(String(r.d)), { salesLines: Number(r.n), netRevenueCents: Math.round(Number(r.revenue) * 100) });
        for (const r of inv) at(String(r.d)).inventoryEvents = Number(r.n);
        expect(Object.keys(expected).sort()).toEqual(['2024-03-09', '2024-03-11']);
        expect(curate.dateTotals).toEqual(expected);
        const sum = Object.values(curate.dateTotals ?? {}).reduce((s, t) => s + t.netRevenueCents, 0);
        expect(sum).toBe(Math.round(curate.netRevenue * 100));
      } finally {
        conn.closeSync();
      }
      // the run record carries them too
      const record = JSON.parse((await lake.store.get(runRecordKeys(runPrefix(secondBatch)).curate)).toString()) as CurateResult;
      expect(record.dateTotals).toEqual(curate.dateTotals);
    } finally {
      lake.cleanup();
    }
  }, 60_000);
});

