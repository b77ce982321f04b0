import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { columnDefinitions, QUERYABLE_TABLES, type CuratedTableName } from '../../functions/lib/curated-schema';
import { openDuckDb, readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { queryableTablePrefix } from '../../functions/lib/lake-layout';
import type { QueryEngine, Row } from '../../functions/lib/ports';
import { sqlRoot } from '../../functions/lib/sql-files';

/** Where each queryable table's Hive-partitioned Parquet lives under the lake root. */
export function tableDir(lakeRoot: string, table: CuratedTableName): string {
  return join(lakeRoot, queryableTablePrefix(table));
}

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some(
    (d) => d.isDirectory() && readdirSync(join(dir, d.name)).some((f) => f.endsWith('.parquet')),
  );
}

/**
 * Registers the curated tables as views over their Parquet partitions (what the Glue catalog is to Athena).
 * A table with no files yet is an empty table of the right columns, so queries never fail for lack of data.
 */
export async function registerCuratedViews(conn: DuckDBConnection, lakeRoot: string): Promise<void> {
  for (const table of QUERYABLE_TABLES) {
    const dir = tableDir(lakeRoot, table);
    if (hasParquet(dir)) {
      const glob = sqlString(join(dir, '*', '*.parquet'));
      await conn.run(`CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet(${glob}, hive_partitioning = true, union_by_name = true)`);
    } else {
      await conn.run(`CREATE OR REPLACE TABLE ${table} (${columnDefinitions(table)})`);
    }
  }
  // Derived views (sql/athena/views/): the statements the pipeline's Athena refresh runs in the cloud.
  const viewsDir = join(sqlRoot(), 'athena', 'views');
  if (existsSync(viewsDir)) {
    for (const file of readdirSync(viewsDir).filter((f) => f.endsWith('.sql')).sort()) {
      await conn.run(readFileSync(join(viewsDir, file), 'utf8'));
    }
  }
}

/** The local Athena: DuckDB over the lake's curated Parquet. */
export class CuratedQueryEngine implements QueryEngine {
  private constructor(private readonly conn: DuckDBConnection, private readonly lakeRoot: string) {}

  static async open(lakeRoot: string): Promise<CuratedQueryEngine> {
    const conn = await openDuckDb();
    await conn.run(`SET TimeZone = 'UTC'`);
    return new CuratedQueryEngine(conn, lakeRoot);
  }

  /** Views are re-registered on every query: partitions come and go between pipeline steps. */
  async query(sql: string): Promise<Row[]> {
    await registerCuratedViews(this.conn, this.lakeRoot);
    return readRows(this.conn, sql);
  }

  close(): void {
    this.conn.closeSync();
  }
}
