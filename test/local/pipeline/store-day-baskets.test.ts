import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CURATED_COLUMNS } from '../../../functions/lib/curated-schema';
import { sqlString } from '../../../functions/lib/duckdb/duckdb-rows';
import { curatedPartitionPrefix, STORE_DAY_BASKETS_COMPLETE_KEY, storeDayBasketsKey } from '../../../functions/lib/lake-layout';
import { summarizeStoreDayBaskets, type BasketsSummary } from '../../../functions/lib/pipeline/store-day-baskets';
import type { LakeFiles } from '../../../functions/lib/ports';
import { CuratedQueryEngine } from '../../../local/engine/curated-engine';
import { createLocalRuntime } from '../../../local/local-runtime';
import { runPipeline } from '../../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../../helpers/lake-fixture';

const ENV = { VALIDATE_WORKERS: '1' };

/** store_day_baskets as the lake holds it, and the same figures counted another way: distinct transaction ids of
 * the curated sale lines (equal when each transaction has one payment method, as here). */
const SUMMARY = `SELECT CAST(business_date AS VARCHAR) AS d, store_id, payment_method, baskets, units, CAST(net_revenue AS VARCHAR) AS revenue
  FROM store_day_baskets ORDER BY ALL`;
const FROM_LINES = `SELECT CAST(business_date AS VARCHAR) AS d, store_id, payment_method, count(DISTINCT transaction_id) AS baskets,
    sum(quantity) AS units, CAST(sum(net_revenue) AS VARCHAR) AS revenue
  FROM sales_lines WHERE event_type = 'sale' GROUP BY ALL ORDER BY ALL`;

async function query(root: string, sql: string): Promise<Record<string, unknown>[]> {
  const engine = await CuratedQueryEngine.openReadOnly(root);
  try {
    return (await engine.query(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    engine.close();
  }
}

async function run(root: string): Promise<void> {
  const rt = await createLocalRuntime(root, ENV);
  try {
    const result = await runPipeline(rt);
    expect(result.status).toBe('succeeded');
  } finally {
    await rt.close();
  }
}

describe('store_day_baskets: a date summarized from all of its lines, whichever batch brought them', () => {
  const lake = tempLake('baskets');
  afterAll(() => lake.cleanup());

  /** The lake made older than the table (its files and marker gone), then two runs with a budget of one byte, the
   * first touching `dates`: each run's result, and whether the table was marked complete after it. */
  async function upgradeInTwoRuns(dates: string[]): Promise<[BasketsSummary, boolean][]> {
    await lake.store.delete([storeDayBasketsKey('2024-02-01'), storeDayBasketsKey('2024-03-01'), STORE_DAY_BASKETS_COMPLETE_KEY]);
    const rt = await createLocalRuntime(lake.root, ENV);
    const runs: [BasketsSummary, boolean][] = [];
    try {
      for (const touched of [dates, []]) {
        const result = await summarizeStoreDayBaskets(rt.store, rt.files, touched, rt.settings, 1);
        runs.push([result, (await lake.store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)) !== null]);
      }
    } finally {
      await rt.close();
    }
    return runs;
  }
  const TWO_RUNS: [BasketsSummary, boolean][] = [
    [{ dates: 2, months: 1, rows: 3, missingLeft: 1 }, false],
    [{ dates: 1, months: 1, rows: 1, missingLeft: 0 }, true],
  ];

  it('counts a transaction sent in two batches once, and agrees with the distinct transactions of the lines', async () => {
    await withReference(lake.store);
    const line = (quantity: number) => [{ sku: 'SKU-1', quantity, unit_price: 2.5 }];
    await putRaw(
      lake.store,
      [
        sale({ transaction_id: 'A', lines: line(2) }),
        sale({ transaction_id: 'B', payment_method: 'cash', lines: line(1) }),
        sale({ event_type: 'return', transaction_id: 'R', lines: line(1) }),
      ].map((e) => JSON.stringify(e)),
      new Date('2024-03-10T01:00:00Z'),
      'first',
    );
    await run(lake.root);
    // the second batch: more of A on the same date, and C a day later
    await putRaw(
      lake.store,
      [sale({ transaction_id: 'A', lines: line(3) }), sale({ transaction_id: 'C', occurred_at: '2024-03-10T15:00:00Z', lines: line(4) })].map((e) => JSON.stringify(e)),
      new Date('2024-03-11T01:00:00Z'),
      'second',
    );
    await run(lake.root);

    const summary = await query(lake.root, SUMMARY);
    expect(summary.map((r) => [r.d, r.payment_method, r.baskets, r.units])).toEqual([
      ['2024-03-09', 'card', 1, 5],
      ['2024-03-09', 'cash', 1, 1],
      ['2024-03-10', 'card', 1, 4],
    ]);
    expect(summary).toEqual(await query(lake.root, FROM_LINES));
    expect(await lake.store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)).not.toBeNull();
  });

  it("writes each column as the catalog's type (Athena reads a Parquet column only as its table declares it)", async () => {
    const file = join(lake.root, storeDayBasketsKey('2024-03-01'));
    const described = await query(lake.root, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`);
    const { month_start: _fromTheKey, ...inFile } = CURATED_COLUMNS.store_day_baskets;
    expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type]))).toEqual(inFile);
  });

  it("keeps the month's other dates as they were when a run rebuilds one", async () => {
    const before = await query(lake.root, SUMMARY);
    const rt = await createLocalRuntime(lake.root, ENV);
    try {
      expect(await summarizeStoreDayBaskets(rt.store, rt.files, ['2024-03-10'], rt.settings)).toEqual({ dates: 1, months: 1, rows: 3, missingLeft: 0 });
    } finally {
      await rt.close();
    }
    expect(await query(lake.root, SUMMARY)).toEqual(before);
  });

  it('a lake older than the table gets every month, a bounded number per run, newest first', async () => {
    // a date in February beside March's
    await putRaw(lake.store, [JSON.stringify(sale({ transaction_id: 'F', occurred_at: '2024-02-20T15:00:00Z', lines: [{ sku: 'SKU-1', quantity: 6, unit_price: 2.5 }] }))], new Date('2024-03-12T01:00:00Z'), 'third');
    await run(lake.root);
    const before = await query(lake.root, SUMMARY);
    expect(before.map((r) => r.d)).toEqual(['2024-02-20', '2024-03-09', '2024-03-09', '2024-03-10']);
    // March first (the newest), then February: a budget of one byte takes one month a run
    expect(await upgradeInTwoRuns([])).toEqual(TWO_RUNS);
    expect(await query(lake.root, SUMMARY)).toEqual(before);
  });

  it('gives up each local copy it takes (in Lambda, /tmp holds one part of the lines at a time)', async () => {
    const rt = await createLocalRuntime(lake.root, ENV);
    const taken: string[] = [];
    const released: string[] = [];
    const files: LakeFiles = {
      materialize: async (prefix) => (taken.push(prefix), rt.files.materialize(prefix)),
      replacePrefix: (prefix, dir) => rt.files.replacePrefix(prefix, dir),
      release: async (prefix) => void released.push(prefix),
    };
    try {
      await summarizeStoreDayBaskets(rt.store, files, ['2024-03-09', '2024-03-10'], rt.settings);
    } finally {
      await rt.close();
    }
    expect(taken).toEqual(expect.arrayContaining([curatedPartitionPrefix('sales_lines', '2024-03-09'), curatedPartitionPrefix('sales_lines', '2024-03-10')]));
    expect(new Set(released)).toEqual(new Set(taken));
  });

  it("a touched month of an older lake is summarized whole, not only the run's dates", async () => {
    const before = await query(lake.root, SUMMARY);
    // the first run touched 03-10 only: March's 03-09 must come too, and March's bytes use the budget up
    expect(await upgradeInTwoRuns(['2024-03-10'])).toEqual(TWO_RUNS);
    expect(await query(lake.root, SUMMARY)).toEqual(before);
  });

  it('a month whose lines are all returns has an empty file, so an older lake does not count it missing forever', async () => {
    await putRaw(lake.store, [JSON.stringify(sale({ event_type: 'return', transaction_id: 'J', occurred_at: '2024-01-15T15:00:00Z', lines: [{ sku: 'SKU-1', quantity: 1, unit_price: 2.5 }] }))], new Date('2024-03-13T01:00:00Z'), 'fourth');
    await run(lake.root);
    expect(existsSync(join(lake.root, storeDayBasketsKey('2024-01-01')))).toBe(true);
    await lake.store.delete([STORE_DAY_BASKETS_COMPLETE_KEY]);
    const rt = await createLocalRuntime(lake.root, ENV);
    try {
      expect(await summarizeStoreDayBaskets(rt.store, rt.files, [], rt.settings, 1)).toEqual({ dates: 0, months: 0, rows: 0, missingLeft: 0 });
      expect(await lake.store.getIfExists(STORE_DAY_BASKETS_COMPLETE_KEY)).not.toBeNull();
    } finally {
      await rt.close();
    }
    expect((await query(lake.root, SUMMARY)).map((r) => r.d)).not.toContain('2024-01-15');
  });

  it('a date left with no sale lines loses its rows, and a month with none its file', async () => {
    const gone = async (date: string): Promise<void> => lake.store.delete((await lake.store.list(curatedPartitionPrefix('sales_lines', date))).map((o) => o.key));
    await gone('2024-03-10');
    await gone('2024-02-20');
    const rt = await createLocalRuntime(lake.root, ENV);
    try {
      expect(await summarizeStoreDayBaskets(rt.store, rt.files, ['2024-03-10', '2024-02-20'], rt.settings)).toEqual({ dates: 0, months: 1, rows: 2, missingLeft: 0 });
    } finally {
      await rt.close();
    }
    expect(existsSync(join(lake.root, storeDayBasketsKey('2024-02-01')))).toBe(false);
    expect((await query(lake.root, SUMMARY)).map((r) => r.d)).toEqual(['2024-03-09', '2024-03-09']);
  });
});
