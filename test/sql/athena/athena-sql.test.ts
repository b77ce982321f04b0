import { readFileSync } from 'node:fs';
import { CURATED_COLUMNS, columnDefinitions, type CuratedTableName } from '../../../functions/lib/curated-schema';
import { openDuckDb } from '../../../functions/lib/duckdb/duckdb-rows';
import { PRODUCT_COLUMNS, STORE_COLUMNS } from '../../../functions/lib/reference/reference-data';
import { readAthenaSql } from '../../../infra/lib/consumers/analyst-queries';
import { PARTITION_COLUMN, PROJECTION_END, PROJECTION_START_DATE } from '../../../infra/lib/lake/curated-catalog';
import { projectPath } from '../../../infra/lib/shared/paths';

/** Athena DDL spelling of the curated-schema.ts (DuckDB) types. */
const ATHENA_TYPE: Record<string, string> = { VARCHAR: 'string', INTEGER: 'int', TIMESTAMP: 'timestamp', DATE: 'date', 'DECIMAL(18,2)': 'decimal(18,2)' };

function ddlColumns(sql: string): { columns: [string, string][]; partition: [string, string] | null } {
  const create = sql.slice(sql.indexOf('CREATE EXTERNAL TABLE'));
  const body = create.slice(create.indexOf('(') + 1, create.indexOf('\n)'));
  const columns = body
    .split(',\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([name, type]) => [name, type] as [string, string]);
  const p = /PARTITIONED BY \((\w+) (\w+)\)/.exec(sql);
  return { columns, partition: p ? [p[1], p[2]] : null };
}

describe('sql/athena/', () => {
  it('table DDL mirrors the Glue tables: curated-schema.ts columns, partition projection on the same range', () => {
    for (const table of Object.keys(CURATED_COLUMNS) as CuratedTableName[]) {
      const sql = readFileSync(projectPath('sql', 'athena', 'tables', `${table}.sql`), 'utf8');
      const { columns, partition } = ddlColumns(sql);
      const partitionColumn = PARTITION_COLUMN[table];
      const expected = Object.entries(CURATED_COLUMNS[table])
        .filter(([name]) => name !== partitionColumn)
        .map(([name, type]) => [name, ATHENA_TYPE[type]]);
      expect(columns).toEqual(expected);
      expect(partition).toEqual([partitionColumn, 'date']);
      expect(sql).toContain(`'projection.${partitionColumn}.range' = '${PROJECTION_START_DATE},${PROJECTION_END}'`);
    }
    expect(ddlColumns(readFileSync(projectPath('sql', 'athena', 'tables', 'stores.sql'), 'utf8')).columns.map(([n]) => n)).toEqual([...STORE_COLUMNS]);
    expect(ddlColumns(readFileSync(projectPath('sql', 'athena', 'tables', 'products.sql'), 'utf8')).columns.map(([n]) => n)).toEqual([...PRODUCT_COLUMNS]);
  });

  it('has the analyst queries the issue asks for, each described by its leading comment', () => {
    const queries = readAthenaSql('queries');
    expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['revenue_by_store_day', 'top_skus', 'basket_size', 'margin_by_category', 'return_rate']));
    for (const q of queries) expect(q.description.length).toBeGreaterThan(20);
  });

  it('analyst queries use only curated and reference columns (run on DuckDB over empty tables of the same schema)', async () => {
    const conn = await openDuckDb();
    try {
      for (const table of Object.keys(CURATED_COLUMNS) as CuratedTableName[]) await conn.run(`CREATE TABLE ${table} (${columnDefinitions(table)})`);
      await conn.run(`CREATE TABLE stores (${STORE_COLUMNS.map((c) => `${c} ${c === 'target_daily_revenue' ? 'DOUBLE' : 'VARCHAR'}`).join(', ')})`);
      await conn.run(`CREATE TABLE products (${PRODUCT_COLUMNS.map((c) => `${c} ${['unit_cost', 'list_price'].includes(c) ? 'DOUBLE' : c === 'lead_time_days' ? 'INTEGER' : 'VARCHAR'}`).join(', ')})`);
      for (const q of readAthenaSql('queries')) {
        await expect(conn.run(q.sql).then(() => q.name)).resolves.toBe(q.name);
      }
    } finally {
      conn.closeSync();
    }
  });
});
