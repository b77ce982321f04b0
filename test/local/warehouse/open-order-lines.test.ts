import { readSql } from '../../../functions/lib/sql-files';
import { buildDerivedStatements } from '../../../functions/lib/warehouse/load-statements';
import { readMigrations } from '../../../functions/lib/warehouse/migrations';
import { splitSqlStatements } from '../../../functions/lib/warehouse/sql-text';
import { DuckDbWarehouse, warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { DAY1, DAY2, load, OPEN_LINES_EXPECTED, openLines, openLinesScenario, order } from '../../helpers/open-lines-scenario';
import { openLineGaps, runLoad, tempLake, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

/**
 * po_open_line (migration 0011) stays the open lines of fact_purchase_order's GROUP BY through every path that
 * changes the orders: a day's load, partial and full receipts, a date loaded again with rows added or gone, and
 * `reload --warehouse` emptying a date the lake no longer holds (test/helpers/open-lines-scenario.ts). On DuckDB here;
 * on PostgreSQL as the pipeline role in redshift-semantics.test.ts.
 */
describe('po_open_line follows every change of fact_purchase_order', () => {
  it('is rebuilt by the derived tables\' batch alone: the load and the reload only add the lines they touch to its work list', () => {
    const statements = (file: string): string[] => splitSqlStatements(readSql(file)).map((s) => s.replace(/^--.*\n/gm, ''));
    for (const file of ['redshift/load_purchase_orders.sql', 'redshift/clear_fact_dates.sql']) {
      expect(statements(file).filter((s) => /\bpo_open_line\b/.test(s))).toEqual([]);
      expect(statements(file).filter((s) => /^INSERT INTO po_line_touched\b/.test(s))).toHaveLength(1);
    }
    expect(buildDerivedStatements().filter((s) => /^(?:DELETE FROM|INSERT INTO) po_open_line\b/m.test(s.replace(/^--.*\n/gm, '')))).toHaveLength(2);
  });

  it('catches up in the next refresh when a refresh did not run after its load', async () => {
    const lake = tempLake('open-lines-catch-up');
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await writeReference(lake.root);
      await writeCurated(lake.root, 'purchase_orders', DAY1);
      await runLoad(w, load(['2024-01-01']));
      // day 1 again with a new order PO3, its refresh lost (the Data API failed after the load committed)
      await writeCurated(lake.root, 'purchase_orders', [...DAY1, order('o5', '2024-01-01', 'S003', 'SKU-9', 'PO3', 7)]);
      await w.execute(load(['2024-01-01']));
      expect(await openLineGaps(w)).toMatchObject({ missing: 1, extra: 0 });
      // the next batch touches only day 2: its refresh rebuilds PO3 from the durable work list too
      await writeCurated(lake.root, 'purchase_orders', DAY2);
      await runLoad(w, load(['2024-01-02']));
      expect(await openLineGaps(w)).toMatchObject({ missing: 0, extra: 0 });
      expect((await openLines(w)).map(([po, sku]) => `${po}/${sku}`)).toContain('PO3/SKU-9');
    } finally {
      await w.close();
      lake.cleanup();
    }
  });

  it('keeps the open lines through loads, receipts, a date loaded again and reload --warehouse, on DuckDB', async () => {
    const lake = tempLake('open-lines');
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await writeReference(lake.root);
      expect(await openLinesScenario(w, lake.root)).toEqual(OPEN_LINES_EXPECTED);
    } finally {
      await w.close();
      lake.cleanup();
    }
  });

  it('is filled by its migration from the orders loaded before it', async () => {
    const lake = tempLake('open-lines-upgrade');
    try {
      await writeReference(lake.root);
      await writeCurated(lake.root, 'purchase_orders', [...DAY1, ...DAY2]);
      const migrations = readMigrations();
      const added = migrations.find((m) => m.statements.some((s) => /^CREATE TABLE IF NOT EXISTS po_open_line\b/m.test(s)));
      const previous = migrations.filter((m) => m.version < (added?.version ?? 0));
      expect(previous.length).toBeGreaterThan(2);
      const old = new DuckDbWarehouse({ lakeRoot: lake.root, path: warehousePath(lake.root), migrations: previous });
      // the load as it was before the table: its statements without the open lines' upkeep, nor that of the tables
      // of later migrations (agg_store_day, 0012; agg_sku_day, 0013)
      await old.execute(load(['2024-01-01', '2024-01-02']).filter((s) => !/\b(?:po_open_line|po_line_touched|agg_store_day|agg_sku_day)\b/.test(s)));
      const current = DuckDbWarehouse.forLake(lake.root);
      expect(await openLineGaps(current)).toEqual({ open: 2, missing: 0, extra: 0 });
      expect(await openLines(current)).toEqual(OPEN_LINES_EXPECTED[1]);
    } finally {
      lake.cleanup();
    }
  });
});
