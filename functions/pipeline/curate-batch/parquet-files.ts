import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../lib/duckdb/duckdb-rows';

/** The Parquet files in `dir` (and in its subfolders when `recursive`); none when it does not exist. */
export async function parquetFiles(dir: string, recursive = false): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => join(e.parentPath, e.name)).sort();
}

/** A temp view over the files, or over `emptyAs` (a query giving the same columns) when there are none. */
export async function viewOverParquet(conn: DuckDBConnection, view: string, files: string[], emptyAs: string): Promise<void> {
  if (files.length === 0) await conn.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${emptyAs}`);
  else await conn.run(`CREATE OR REPLACE TEMP VIEW ${view} AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`);
}
