import { readSql } from '../../../functions/lib/sql-files';
import { readMigrations } from '../../../functions/lib/warehouse/migrations';
import { splitSqlStatements } from '../../../functions/lib/warehouse/sql-text';
import { DuckDbWarehouse, warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { DAY1, DAY2, load, OPEN_LINES_EXPECTED, openLines, openLinesScenario } from '../../helpers/open-lines-scenario';
import { openLineGaps, tempLake, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

/**
 * po_open_line (migration 0011) stays the open lines of fact_purchase_order's GROUP BY through every path that
 * changes the orders: a day's load, partial and full receipts, a date loaded again with rows added or gone, and
 * `reload --warehouse` emptying a date the lake no longer holds (test/helpers/open-lines-scenario.ts). On DuckDB here;
 * on PostgreSQL as the pipeline role in redshift-semantics.test.ts.
 */
describe('po_open_line follows every change of fact_purchase_order', () => {
  it('ends both statement batches that change the orders with the same recompute of the touched lines', () => {
    const recompute = (file: string): string | undefined => splitSqlStatements(readSql(file)).find((s) => /^INSERT INTO po_open_line/m.test(s.replace(/^--.*\n/gm, '')));
    expect(recompute('redshift/load_purchase_orders.sql')).toBeDefined();
    const strip = (s: string | undefined): string | undefined => s?.replace(/^--.*\n/gm, '');
    expect(strip(recompute('redshift/clear_fact_dates.sql'))).toBe(strip(recompute('redshift/load_purchase_orders.sql')));
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
      // the load as it was before the table: its statements without the open lines' upkeep (nor agg_sku_day's, a later migration's)
      await old.execute(load(['2024-01-01', '2024-01-02']).filter((s) => !/\b(?:po_open_line|po_line_touched|agg_sku_day)\b/.test(s)));
      const current = DuckDbWarehouse.forLake(lake.root);
      expect(await openLineGaps(current)).toEqual({ open: 2, missing: 0, extra: 0 });
      expect(await openLines(current)).toEqual(OPEN_LINES_EXPECTED[1]);
    } finally {
      lake.cleanup();
    }
  });
});
