import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, checkMigrations, readMigrations } from '../../../functions/lib/warehouse/migrations';
import { prepareLoads } from '../../../functions/pipeline/prepare-loads/prepare-loads';
import { DuckDbWarehouse, warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { writeStockCase, CASE_DATES } from '../../helpers/risk-fixture';
import { basketFactGaps, categoryAggregateGaps, loadForInitialSchema, openLineGaps, runLoad, storeAggregateGaps, tempLake, warehouseTotals } from '../../helpers/warehouse-fixture';

describe('warehouse migrations', () => {
  it('are numbered 0001, 0002, ... without gaps, and the second one changes an existing table', () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_m, i) => i + 1));
    expect(migrations[0].name).toBe('0001_initial');
    expect(migrations[1]).toEqual({ version: 2, name: '0002_store_currency', statements: [expect.stringMatching(/^ALTER TABLE dim_store ADD COLUMN currency/)] });
  });

  it('refuse a folder with a gap, a stray file or a misnamed migration', () => {
    const lake = tempLake('migrations');
    try {
      const folder = join(lake.root, 'm');
      mkdirSync(folder);
      writeFileSync(join(folder, '0001_a.sql'), 'CREATE TABLE a (x INT);');
      writeFileSync(join(folder, '0003_c.sql'), 'CREATE TABLE c (x INT);');
      expect(() => readMigrations(folder)).toThrow(/0003_c: expected version 2, got 3/);
      writeFileSync(join(folder, 'notes.txt'), '');
      expect(() => readMigrations(folder)).toThrow(/notes.txt is not a migration file name/);
      expect(() => checkMigrations([{ version: 1, name: '0001_Bad Name', statements: ['SELECT 1'] }])).toThrow(/not named NNNN_lower_case_words/);
      expect(() => checkMigrations([{ version: 1, name: '0001_big', statements: Array(40).fill('SELECT 1') }])).toThrow(/split it/);
    } finally {
      lake.cleanup();
    }
  });

  it('upgrade a loaded DuckDB warehouse from the previous schema (0001 only) to the current one, once', async () => {
    const lake = tempLake('upgrade');
    try {
      const [initial] = readMigrations();
      const old = new DuckDbWarehouse({ lakeRoot: lake.root, path: warehousePath(lake.root), migrations: [initial] });
      await writeStockCase(lake.root);
      await old.execute(loadForInitialSchema(prepareLoads({ affectedDates: CASE_DATES }, {}).redshiftSqls));
      const before = await warehouseTotals(old);
      expect(before.lines).toBe(8);
      expect(await old.query(`SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'dim_store' AND column_name = 'currency'`)).toEqual([{ n: 0 }]);

      const current = DuckDbWarehouse.forLake(lake.root); // as the local runtime opens it after an upgrade
      expect(await current.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(readMigrations().map((m) => ({ version: m.version })));
      expect(await warehouseTotals(current)).toEqual(before);
      // 0009 filled fact_basket from the sales loaded before it
      const baskets = await basketFactGaps(current);
      expect(baskets).toEqual({ baskets: expect.any(Number), missing: 0, extra: 0 });
      expect(baskets.baskets).toBeGreaterThan(0);
      // 0010 filled agg_category_day from them
      const aggregates = await categoryAggregateGaps(current);
      expect(aggregates).toEqual({ rows: expect.any(Number), missing: 0, extra: 0 });
      expect(aggregates.rows).toBeGreaterThan(0);
      // 0012 filled agg_store_day from them
      const storeDays = await storeAggregateGaps(current);
      expect(storeDays).toEqual({ rows: expect.any(Number), missing: 0, extra: 0 });
      expect(storeDays.rows).toBeGreaterThan(0);
      expect(await current.query('SELECT store_id, currency FROM dim_store ORDER BY store_id')).toEqual([
        { store_id: 'S001', currency: 'USD' },
        { store_id: 'S002', currency: 'USD' },
      ]);
      expect(await applyMigrations(current, readMigrations())).toEqual([]);
      // the load as the pipeline runs it (its batch, then the derived tables' one): the same sales give the same rows
      await runLoad(current, prepareLoads({ affectedDates: CASE_DATES }, {}).redshiftSqls);
      expect(await warehouseTotals(current)).toEqual(before);
      expect(await openLineGaps(current)).toMatchObject({ missing: 0, extra: 0 });
      expect(await current.query('SELECT (SELECT count(*) FROM stg_sales_agg_dates) + (SELECT count(*) FROM po_line_touched) AS n')).toEqual([{ n: 0 }]);
      expect(await basketFactGaps(current)).toEqual(baskets);
      expect(await categoryAggregateGaps(current)).toEqual(aggregates);
      expect(await storeAggregateGaps(current)).toEqual(storeDays);
    } finally {
      lake.cleanup();
    }
  });
});
