import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../../../functions/lib/ports';
import { chunkStatements } from '../../../functions/lib/recovery/reload-warehouse';
import { readSql } from '../../../functions/lib/sql-files';
import { buildLoadStatements } from '../../../functions/lib/warehouse/load-statements';
import { splitSqlStatements } from '../../../functions/lib/warehouse/sql-text';
import { readMigrations } from '../../../functions/lib/warehouse/migrations';
import { DuckDbWarehouse, warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { deployWarehouse, startRedshiftOnPostgres, type RedshiftOnPostgres } from '../../helpers/redshift-on-postgres';
import { openLineGaps, tempLake, USD_ONLY, writeCurated, writeReference, type PurchaseOrderRow } from '../../helpers/warehouse-fixture';

/**
 * po_open_line (migration 0011) stays the open lines of fact_purchase_order's GROUP BY through every path that
 * changes the orders: a day's load, partial and full receipts, a date loaded again with rows added or gone, and
 * `reload --warehouse` emptying a date the lake no longer holds. On DuckDB, and on PostgreSQL as the pipeline role.
 */
const SOURCE = { bucket: 'local-curated', role: 'arn:aws:iam::000000000000:role/local-copy' };

const order = (event_id: string, date: string, store_id: string, sku: string, po_id: string, quantity: number, supplier = 'Farm'): PurchaseOrderRow => ({
  event_id, store_id, sku, occurred_at: `${date} 08:00:00`, business_date: date, event_type: 'purchase_order', po_id, quantity, expected_date: '2024-01-09', supplier,
});
const receipt = (event_id: string, date: string, store_id: string, sku: string, po_id: string, quantity: number): PurchaseOrderRow => ({
  event_id, store_id, sku, occurred_at: `${date} 12:00:00`, business_date: date, event_type: 'receipt', po_id, quantity, expected_date: null, supplier: null,
});

const DAY1 = [order('o1', '2024-01-01', 'S001', 'SKU-1', 'PO1', 10), order('o2', '2024-01-01', 'S001', 'SKU-2', 'PO1', 4), order('o3', '2024-01-01', 'S002', 'SKU-3', 'PO2', 6, 'Roaster')];
// a partial receipt of PO1/SKU-1, a full one of PO2
const DAY2 = [receipt('r1', '2024-01-02', 'S001', 'SKU-1', 'PO1', 4), receipt('r2', '2024-01-02', 'S002', 'SKU-3', 'PO2', 6)];

type Open = [po: string, sku: string, ordered: number, received: number];

async function openLines(w: Warehouse): Promise<Open[]> {
  const rows = await w.query('SELECT po_id, sku, ordered, received FROM po_open_line ORDER BY po_id, sku');
  return rows.map((r) => [String(r.po_id), String(r.sku), Number(r.ordered), Number(r.received)]);
}

const load = (dates: string[]): string[] => buildLoadStatements({ purchase_orders: dates }, SOURCE, USD_ONLY).statements;

/** Each step's open lines, checked against the GROUP BY of the facts after every statement batch. */
async function scenario(w: Warehouse, root: string): Promise<Open[][]> {
  const seen: Open[][] = [];
  const step = async (statements: string[]): Promise<void> => {
    await w.execute(statements);
    expect(await openLineGaps(w)).toMatchObject({ missing: 0, extra: 0 });
    seen.push(await openLines(w));
  };
  await writeCurated(root, 'purchase_orders', DAY1);
  await step(load(['2024-01-01']));
  await writeCurated(root, 'purchase_orders', DAY2);
  await step(load(['2024-01-02']));
  // day 1 again with a late order line for PO1/SKU-1: its receipt of day 2 still counts
  await writeCurated(root, 'purchase_orders', [...DAY1, order('o4', '2024-01-01', 'S001', 'SKU-1', 'PO1', 5)]);
  await step(load(['2024-01-01']));
  // day 2 again without PO2's receipt (a reprocess dropped it): PO2, whose rows are all on day 1, is open again
  await writeCurated(root, 'purchase_orders', [DAY2[0], receipt('r3', '2024-01-02', 'S001', 'SKU-2', 'PO1', 4)]);
  await step(load(['2024-01-02']));
  // reload --warehouse of January after day 2's partition left the lake: only day 1 is loaded, day 2 emptied
  rmSync(join(root, 'curated', 'purchase_orders', 'business_date=2024-01-02'), { recursive: true });
  await step(chunkStatements({ from: '2024-01-01', to: '2024-01-31', dates: { sales_lines: [], inventory_events: [], purchase_orders: ['2024-01-01'] } }, SOURCE, USD_ONLY));
  // a reload of a range with no orders left in the lake: clear_fact_dates.sql alone keeps the lines
  rmSync(join(root, 'curated', 'purchase_orders'), { recursive: true });
  await step(chunkStatements({ from: '2024-01-01', to: '2024-01-01', dates: { sales_lines: [], inventory_events: [], purchase_orders: [] } }, SOURCE, USD_ONLY));
  return seen;
}

const EXPECTED: Open[][] = [
  [['PO1', 'SKU-1', 10, 0], ['PO1', 'SKU-2', 4, 0], ['PO2', 'SKU-3', 6, 0]],
  [['PO1', 'SKU-1', 10, 4], ['PO1', 'SKU-2', 4, 0]],
  [['PO1', 'SKU-1', 15, 4], ['PO1', 'SKU-2', 4, 0]],
  [['PO1', 'SKU-1', 15, 4], ['PO2', 'SKU-3', 6, 0]],
  [['PO1', 'SKU-1', 15, 0], ['PO1', 'SKU-2', 4, 0], ['PO2', 'SKU-3', 6, 0]],
  [],
];

describe('po_open_line follows every change of fact_purchase_order', () => {
  it('ends both statement batches that change the orders with the same recompute of the touched lines', () => {
    const recompute = (file: string): string | undefined => splitSqlStatements(readSql(file)).find((s) => /^INSERT INTO po_open_line/m.test(s.replace(/^--.*\n/gm, '')));
    expect(recompute('redshift/load_purchase_orders.sql')).toBeDefined();
    const strip = (s: string | undefined): string | undefined => s?.replace(/^--.*\n/gm, '');
    expect(strip(recompute('redshift/clear_fact_dates.sql'))).toBe(strip(recompute('redshift/load_purchase_orders.sql')));
  });

  it('on DuckDB', async () => {
    const lake = tempLake('open-lines');
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await writeReference(lake.root);
      expect(await scenario(w, lake.root)).toEqual(EXPECTED);
    } finally {
      await w.close();
      lake.cleanup();
    }
  });

  it('are filled by the migration from the orders loaded before it', async () => {
    const lake = tempLake('open-lines-upgrade');
    try {
      await writeReference(lake.root);
      await writeCurated(lake.root, 'purchase_orders', [...DAY1, ...DAY2]);
      const previous = readMigrations().filter((m) => !m.statements.some((s) => /\bpo_open_line\b/.test(s)));
      const old = new DuckDbWarehouse({ lakeRoot: lake.root, path: warehousePath(lake.root), migrations: previous });
      // the load as it was before the table: its statements without the open lines' upkeep
      await old.execute(load(['2024-01-01', '2024-01-02']).filter((s) => !/\bpo_(?:open_line|line_touched)\b/.test(s)));
      const current = DuckDbWarehouse.forLake(lake.root);
      expect(await openLineGaps(current)).toEqual({ open: 2, missing: 0, extra: 0 });
      expect(await openLines(current)).toEqual(EXPECTED[1]);
    } finally {
      lake.cleanup();
    }
  });

  it('on PostgreSQL as the pipeline role', async () => {
    const lake = tempLake('open-lines-pg');
    let pg: RedshiftOnPostgres | undefined;
    try {
      await writeReference(lake.root);
      pg = await startRedshiftOnPostgres(lake.root);
      await deployWarehouse(pg);
      expect(await scenario(pg.pipeline, lake.root)).toEqual(EXPECTED);
    } finally {
      await pg?.close();
      lake.cleanup();
    }
  }, 60_000);
});
