import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb } from '../../../functions/lib/duckdb/duckdb-factory';
import { sqlString } from '../../../functions/lib/duckdb/duckdb-rows';
import { buildLoadStatements } from '../../../functions/lib/warehouse/load-statements';
import { DuckDbWarehouse, stagingFirst } from '../../../local/warehouse/duckdb-warehouse';
import * as views from '../../../local/warehouse/staging-views';
import { inventoryEvent, line, tempLake, writeCurated, writeReference, USD_ONLY, type PurchaseOrderRow } from '../../helpers/warehouse-fixture';

const SOURCE = { bucket: 'local-curated', role: 'arn:aws:iam::000000000000:role/local-copy' };
const COPY = (table: string, extra = ''): string => `COPY ${table}${extra} FROM 's3://b/curated/sales_lines/business_date=2024-01-01/' IAM_ROLE 'r' FORMAT AS PARQUET`;

describe('staging tables read in place (local/warehouse/staging-views.ts)', () => {
  it('takes a temporary table made LIKE its template, filled only by Parquet COPYs, that nothing else in the batch writes', () => {
    const tables = (staging: string[], rest: string[]): string[] => views.stagingViews(staging, rest).map((v) => `${v.table}<${v.parent}:${v.copies.length}`);
    const create = (t: string): string => `CREATE TEMP TABLE ${t} (LIKE stg_sales_lines)`;
    expect(tables([create('tmp_a'), COPY('tmp_a'), COPY('TMP_A')], ['DELETE FROM fact_sales WHERE date_key IN (SELECT business_date FROM tmp_a)'])).toEqual(['tmp_a<stg_sales_lines:2']);
    // written after the COPYs: filled as a table
    expect(tables([create('tmp_a'), COPY('tmp_a')], ['INSERT INTO tmp_a SELECT * FROM stg_sales_lines'])).toEqual([]);
    expect(tables([create('tmp_a'), COPY('tmp_a')], ['-- a note\nupdate TMP_A SET quantity = 0'])).toEqual([]);
    // a column list, CSV, no COPY, created twice: filled as a table
    expect(tables([create('tmp_a'), COPY('tmp_a', ' (event_id)')], [])).toEqual([]);
    expect(tables([create('tmp_a'), "COPY tmp_a FROM 's3://b/x.csv' IAM_ROLE 'r' CSV"], [])).toEqual([]);
    expect(tables([create('tmp_a')], [])).toEqual([]);
    expect(tables([create('tmp_a'), create('tmp_a'), COPY('tmp_a')], [])).toEqual([]);
    // a comment or a literal naming the table writes nothing
    expect(tables([create('tmp_a'), COPY('tmp_a')], ["SELECT 'INSERT INTO tmp_a' FROM fact_sales"])).toEqual(['tmp_a<stg_sales_lines:1']);
  });

  it('casts the files’ columns by position to the template’s types and names, reads small files as a table, and refuses another number of columns', async () => {
    const lake = tempLake();
    const conn = await openDuckDb();
    try {
      await conn.run(`CREATE TABLE stg (id INTEGER, amount DECIMAL(18,2), seen_at TIMESTAMP)`);
      const dir = join(lake.root, 'curated', 'sales_lines', 'business_date=2024-01-01');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'part.parquet');
      await conn.run(`COPY (SELECT '7' AS a, 1.125::DOUBLE AS b, '2024-01-01 10:00:00' AS c) TO ${sqlString(file)} (FORMAT parquet)`);
      const view = { table: 'tmp_v', parent: 'stg', copies: [COPY('tmp_v')] };
      const options = { lakeRoot: lake.root };
      expect(await views.stagingViewSql(conn, view, options)).toBeNull(); // a few bytes: below the default
      await conn.run((await views.stagingViewSql(conn, view, options, 0))!);
      await conn.run(`CREATE TEMP TABLE tmp_t AS SELECT * FROM stg LIMIT 0`);
      await conn.run(`INSERT INTO tmp_t SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning = false)`);
      const rows = async (t: string): Promise<unknown> => (await conn.runAndReadAll(`SELECT * FROM ${t}`)).getRowObjectsJson();
      expect(await rows('tmp_v')).toEqual(await rows('tmp_t'));
      expect(await rows('tmp_v')).toEqual([{ id: 7, amount: '1.13', seen_at: '2024-01-01 10:00:00' }]);
      await conn.run(`CREATE TABLE stg_wide (id INTEGER, amount DECIMAL(18,2), seen_at TIMESTAMP, extra VARCHAR)`);
      await expect(views.stagingViewSql(conn, { ...view, parent: 'stg_wide' }, options, 0)).rejects.toThrow(/the files have 3 columns, stg_wide has 4/);
    } finally {
      conn.closeSync();
      lake.cleanup();
    }
  });

  it('loads the same warehouse from views as from filled tables (every fact table, row for row)', async () => {
    const lake = tempLake();
    await writeReference(lake.root);
    await writeCurated(lake.root, 'sales_lines', [
      line({ event_id: 'e1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 3, unit_price: 1.2 }),
      line({ event_id: 'e1', line_no: 2, store_id: 'S001', sku: 'SKU-3', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 6.99, discount: 0.5 }),
      line({ event_id: 'e2', store_id: 'S002', sku: 'SKU-2', occurred_at: '2024-01-02 22:00:00', business_date: '2024-01-02', quantity: 2, unit_price: 2.5, event_type: 'return' }),
    ]);
    await writeCurated(lake.root, 'inventory_events', [
      inventoryEvent({ event_id: 'i1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 07:00:00', business_date: '2024-01-01', event_type: 'inventory_snapshot', on_hand_qty: 40, reorder_point: 10 }),
    ]);
    const order: PurchaseOrderRow = { event_id: 'p1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 08:00:00', business_date: '2024-01-01', event_type: 'purchase_order', po_id: 'PO-1', quantity: 24, expected_date: '2024-01-05', supplier: 'Acme' };
    await writeCurated(lake.root, 'purchase_orders', [order]);
    const affected = { sales_lines: ['2024-01-01', '2024-01-02'], inventory_events: ['2024-01-01'], purchase_orders: ['2024-01-01'] };
    const load = buildLoadStatements(affected, SOURCE, USD_ONLY).statements;
    expect(views.stagingViews(...(Object.values(stagingFirst(load)).map((part) => part.map(([, s]) => s)) as [string[], string[]])).map((v) => v.table).sort()).toEqual(['tmp_inventory_events', 'tmp_purchase_orders', 'tmp_sales_lines']);
    // the batch's last statement records which staging tables it found as views (DuckDB's catalog, in the same call)
    const probe = `CREATE TABLE staging_probe AS SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'tmp_%'`;
    const inPlace = DuckDbWarehouse.inMemory(lake.root, { stagingViewMinBytesPerFile: 0 });
    const filled = DuckDbWarehouse.inMemory(lake.root, { stagingViewMinBytesPerFile: Number.POSITIVE_INFINITY });
    try {
      await inPlace.execute([...load, probe]);
      await filled.execute([...load, probe]);
      const probed = async (w: DuckDbWarehouse): Promise<unknown[]> => (await w.query('SELECT view_name FROM staging_probe ORDER BY 1')).map((r) => r.view_name);
      expect(await probed(inPlace)).toEqual(['tmp_inventory_events', 'tmp_purchase_orders', 'tmp_sales_lines']);
      expect(await probed(filled)).toEqual([]);
      for (const table of ['fact_sales', 'fact_basket', 'fact_inventory_event', 'fact_purchase_order', 'po_line_touched', 'stg_sales_agg_dates']) {
        const rows = async (w: DuckDbWarehouse): Promise<unknown[]> => w.query(`SELECT * FROM ${table} ORDER BY ALL`);
        const got = await rows(inPlace);
        expect({ table, rows: got }).toEqual({ table, rows: await rows(filled) });
        if (table.startsWith('fact_')) expect({ table, n: got.length }).not.toEqual({ table, n: 0 });
      }
    } finally {
      await inPlace.close();
      await filled.close();
      lake.cleanup();
    }
  });
});
