import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURATED_COLUMNS, hiveType, PARTITION_COLUMN, REFERENCE_COLUMN_TYPES, type ColumnType } from '../../../functions/lib/curated-schema';
import { openDuckDb } from '../../../functions/lib/duckdb/duckdb-factory';
import { readRows } from '../../../functions/lib/duckdb/duckdb-rows';
import { queryableTablePrefix, PRODUCTS_KEY, STORES_KEY } from '../../../functions/lib/lake-layout';
import { athenaTableDdl, LAKE_TABLES, PROJECTION_END, PROJECTION_START_DATE } from '../../../functions/lib/lake-tables';
import { PRODUCT_COLUMNS, STORE_COLUMNS } from '../../../functions/lib/reference/reference-data';
import { readNamedQueries, renderNamedQuery } from '../../../functions/lib/athena/named-queries';
import { athenaTableSql, readAthenaSql } from '../../../infra/lib/consumers/analyst-queries';
import { registerCuratedViews } from '../../../local/engine/curated-engine';
import { parseAthenaDdl } from '../../helpers/athena-ddl';
import { line, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

/** The columns a DuckDB connection exposes for each lake table, as Athena types, sorted by name. */
async function localEngineColumns(lakeRoot: string): Promise<Record<string, [string, string][]>> {
  const conn = await openDuckDb();
  try {
    await registerCuratedViews(conn, lakeRoot);
    const out: Record<string, [string, string][]> = {};
    for (const t of LAKE_TABLES) {
      const rows = await readRows(conn, `DESCRIBE ${t.name}`);
      out[t.name] = rows.map((r) => [String(r.column_name), hiveType(String(r.column_type) as ColumnType)] as [string, string]).sort();
    }
    return out;
  } finally {
    conn.closeSync();
  }
}

/** The DDL's columns, partition included, as the local engine should expose them. */
function ddlColumns(): Record<string, [string, string][]> {
  return Object.fromEntries(
    LAKE_TABLES.map((t) => {
      const ddl = parseAthenaDdl(athenaTableDdl(t));
      return [t.name, [...ddl.columns, ...(ddl.partition ? [ddl.partition] : [])].sort()];
    }),
  );
}

describe('sql/athena/ and the lake tables', () => {
  it('generates the table DDL from the schema: curated-schema.ts columns and types, the partition projected by date', () => {
    expect(athenaTableSql().map((q) => q.name).sort()).toEqual(['inventory_events', 'products', 'purchase_orders', 'quarantine', 'sales_lines', 'store_day_baskets', 'stores']);
    for (const [table, columns] of Object.entries(CURATED_COLUMNS) as [keyof typeof CURATED_COLUMNS, Record<string, ColumnType>][]) {
      const ddl = parseAthenaDdl(athenaTableDdl(LAKE_TABLES.find((t) => t.name === table)!));
      const partition = PARTITION_COLUMN[table];
      expect(ddl.table).toBe(table);
      expect(ddl.columns).toEqual(Object.entries(columns).filter(([c]) => c !== partition).map(([c, type]) => [c, hiveType(type)]));
      expect(ddl.partition).toEqual([partition, 'date']);
      expect(ddl.location).toBe(`s3://{{${table === 'quarantine' ? 'quarantine' : 'curated'}_bucket}}/${queryableTablePrefix(table)}`);
      expect(ddl.properties[`projection.${partition}.range`]).toBe(`${PROJECTION_START_DATE},${PROJECTION_END}`);
      expect(ddl.properties['storage.location.template']).toBe(`${ddl.location}${partition}=\${${partition}}/`);
    }
    for (const [table, names, key] of [['stores', STORE_COLUMNS, STORES_KEY], ['products', PRODUCT_COLUMNS, PRODUCTS_KEY]] as const) {
      const ddl = parseAthenaDdl(athenaTableDdl(LAKE_TABLES.find((t) => t.name === table)!));
      const types = REFERENCE_COLUMN_TYPES[table] as Record<string, ColumnType>;
      expect(ddl.columns).toEqual(names.map((c) => [c, hiveType(types[c])]));
      expect(ddl.partition).toBeNull();
      expect(ddl.location).toBe(`s3://{{curated_bucket}}/${key.slice(0, key.lastIndexOf('/') + 1)}`);
      expect(ddl.properties['skip.header.line.count']).toBe('1');
    }
  });

  it('the local query engine exposes the tables of the DDL, with no files yet and over written files', async () => {
    const lake = mkdtempSync(join(tmpdir(), 'retail-lake-ddl-'));
    try {
      expect(await localEngineColumns(lake)).toEqual(ddlColumns());
      await writeCurated(lake, 'sales_lines', [line({ event_id: 'a', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 2 })]);
      await writeReference(lake);
      expect(await localEngineColumns(lake)).toEqual(ddlColumns());
    } finally {
      rmSync(lake, { recursive: true, force: true });
    }
  });

  it('has the analyst queries the issue asks for, each described by its leading comment', () => {
    const queries = readAthenaSql('queries');
    expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['revenue_by_store_day', 'top_skus', 'basket_size', 'margin_by_category', 'return_rate']));
    for (const q of queries) expect(q.description.length).toBeGreaterThan(20);
  });

  it('analyst queries use only the lake tables’ columns (run on the local engine over empty tables)', async () => {
    const lake = mkdtempSync(join(tmpdir(), 'retail-lake-queries-'));
    const conn = await openDuckDb();
    try {
      await registerCuratedViews(conn, lake);
      for (const q of readNamedQueries()) {
        await expect(conn.run(renderNamedQuery(q)).then(() => q.name)).resolves.toBe(q.name);
      }
    } finally {
      conn.closeSync();
      rmSync(lake, { recursive: true, force: true });
    }
  });
});
