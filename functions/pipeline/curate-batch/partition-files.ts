/**
 * A table's rows as one local Parquet file per partition (a business date, a UTC date), written with a cost that
 * follows the rows, not the number of partitions: a batch of a few years' sparse history has a thousand small
 * dates, and a statement per date (each scanning the whole table) made Curate grow with dates x rows.
 *
 * - A partition of at least LARGE_PARTITION_ROWS rows gets its own COPY, as before: DuckDB writes one file with all
 *   its threads, in `order`, so its row groups' statistics prune well.
 * - All the other partitions go in one COPY ... PARTITION_BY, on one thread: DuckDB's partitioned writer appends
 *   rows in the order its threads deliver them, so one thread is what keeps a file's rows the same for the same
 *   input (ordered by `order` except, past DuckDB's flush threshold, across flushes). Each such file is smaller
 *   than a row group, so the order inside it does not change what a query reads.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from '../../lib/duckdb/duckdb-rows';
import { PipelineStateError } from '../../lib/errors';

/** Below this many rows a partition is written with the others (DuckDB's row group holds 122,880). */
export const LARGE_PARTITION_ROWS = 100_000;

export interface PartitionedTable {
  /** the table (or view) holding the rows */
  table: string;
  /** the column naming each row's partition; its text form (YYYY-MM-DD) is the partition's value */
  partitionColumn: string;
  /** the columns of a file, in order: the partition column among them, or not */
  columns: string[];
  /** the ORDER BY of a file's rows */
  order: string;
  /** more options of the Parquet COPY, e.g. `COMPRESSION ZSTD` */
  copyOptions?: string;
}

/** Runs `work` with DuckDB settings changed, then puts them back. */
async function withSettings<T>(conn: DuckDBConnection, settings: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  const [before] = await readRows(conn, `SELECT ${names.map((n) => `current_setting(${sqlString(n)}) AS ${n}`).join(', ')}`);
  for (const n of names) await conn.run(`SET ${n} = ${sqlString(String(settings[n]))}`);
  try {
    return await work();
  } finally {
    for (const n of names) await conn.run(`SET ${n} = ${sqlString(String(before[n]))}`);
  }
}

/**
 * Writes `t`'s rows under `outDir` (created if needed; it must hold nothing else), one file per partition value.
 * Returns each value (as text, ascending) and its file. `largeRows`: where a partition counts as large.
 */
export async function writePartitionFiles(conn: DuckDBConnection, t: PartitionedTable, outDir: string, largeRows = LARGE_PARTITION_ROWS): Promise<{ value: string; path: string }[]> {
  const sizes = await readRows(conn, `SELECT CAST(${t.partitionColumn} AS VARCHAR) AS v, count(*) AS n FROM ${t.table} GROUP BY 1 ORDER BY 1`);
  const columns = t.columns.join(', ');
  const options = t.copyOptions ? `, ${t.copyOptions}` : '';
  const large = sizes.filter((s) => Number(s.n) >= largeRows).map((s) => String(s.v));
  const small = sizes.filter((s) => Number(s.n) < largeRows).map((s) => String(s.v));
  const files = new Map<string, string>();
  await mkdir(outDir, { recursive: true });

  for (const value of large) {
    const path = join(outDir, `large-${value}.parquet`);
    await conn.run(`COPY (SELECT ${columns} FROM ${t.table} WHERE CAST(${t.partitionColumn} AS VARCHAR) = ${sqlString(value)} ORDER BY ${t.order})
      TO ${sqlString(path)} (FORMAT PARQUET${options})`);
    files.set(value, path);
  }

  if (small.length > 0) {
    const dir = join(outDir, 'partitioned');
    const keep = t.columns.includes(t.partitionColumn);
    const withColumn = keep ? columns : `${columns}, ${t.partitionColumn}`;
    const onlySmall = large.length === 0 ? '' : `WHERE CAST(${t.partitionColumn} AS VARCHAR) NOT IN (${large.map(sqlString).join(', ')})`;
    // every partition's file open at once: past the limit DuckDB closes files and starts more per partition
    await withSettings(conn, { threads: 1, partitioned_write_max_open_files: small.length + 1 }, () =>
      conn.run(`COPY (SELECT ${withColumn} FROM ${t.table} ${onlySmall} ORDER BY ${t.partitionColumn}, ${t.order})
        TO ${sqlString(dir)} (FORMAT PARQUET, PARTITION_BY (${t.partitionColumn}), WRITE_PARTITION_COLUMNS ${keep}${options})`),
    );
    for (const value of small) {
      const folder = join(dir, `${t.partitionColumn}=${value}`);
      const names = (await readdir(folder)).filter((n) => n.endsWith('.parquet'));
      if (names.length !== 1) throw new PipelineStateError(`partitioned write of ${t.table}: ${names.length} files for ${t.partitionColumn}=${value}, expected 1`);
      files.set(value, join(folder, names[0]));
    }
  }
  return [...files].map(([value, path]) => ({ value, path })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
