import { statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { maskSql } from '../../functions/lib/warehouse/sql-text';
import { copyReadSql, likeTemplateOf, parseCopyStatement, RedshiftTranslationError, stagingTableOf, type TranslateOptions } from './redshift-dialect';

/** A statement that writes to `table` (lower-case), read from its code (comments and literals never count). */
function writes(sql: string, table: string): boolean {
  const code = maskSql(sql).code.trim();
  const target = /^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE|DROP\s+TABLE|COPY)\s+([\w.]+)/i.exec(code)?.[1];
  return target?.toLowerCase() === table;
}

/** A temporary staging table that can be read in place: its parent (the LIKE), and the COPYs that fill it. */
export interface StagingView {
  table: string;
  parent: string;
  copies: string[];
}

/**
 * The temporary tables of a batch's staging part (duckdb-warehouse.ts stagingFirst) that the local warehouse reads
 * in place instead of filling: created `(LIKE parent)`, filled only by COPYs of Parquet without a column list, and
 * written by no statement of the rest of the batch. Such a table is a view over the COPYs' files (stagingViewSql):
 * its rows are the same, and DuckDB reads them from Parquet in each statement faster than from the table it would
 * first have built (the seed's load of 1M lines: 0.94 s against 1.70 s for the temporary table's fill, the
 * fact_sales INSERT and the fact_basket INSERT; a month's execution of 10M lines: 8.7 s against 20.1 s).
 */
export function stagingViews(staging: string[], rest: string[]): StagingView[] {
  const found = new Map<string, StagingView | null>();
  for (const sql of staging) {
    const target = stagingTableOf(sql);
    if (target === null) continue;
    const { table } = target;
    if (target.creates) {
      const parent = likeTemplateOf(sql);
      found.set(table, found.has(table) || parent === null ? null : { table, parent, copies: [] });
      continue;
    }
    const view = found.get(table);
    if (!view) continue;
    // a column list, or another format than Parquet: filled as a table
    const code = maskSql(sql).code.trim();
    if (/^COPY\s+[\w.]+\s*\(/i.test(code) || !/\bFORMAT\s+(?:AS\s+)?PARQUET\b/i.test(code)) found.set(table, null);
    else view.copies.push(sql);
  }
  return [...found.values()].filter((v): v is StagingView => v !== null && v.copies.length > 0 && !rest.some((s) => writes(s, v.table)));
}

/** A view reads its files' footers in each statement that reads it, the table once: below this average size a
 * file costs the view more than its rows save (a history's 1,200 dates of 10 lines each, about 10 KB a file, loaded
 * in 0.3 s more as a view). */
export const VIEW_MIN_BYTES_PER_FILE = 1024 * 1024;

/**
 * `CREATE TEMP VIEW` for a staging view: the COPYs' files in one read, their columns taken by position as COPY
 * takes them and cast to the parent's types under its names, as COPY's insert into `(LIKE parent)` would. A file
 * with another number of columns than the parent fails, as the COPY does on Redshift. Null when the files are
 * smaller than `minBytesPerFile` on average: the table is filled as the statements say.
 */
export async function stagingViewSql(conn: DuckDBConnection, view: StagingView, options: TranslateOptions, minBytesPerFile = VIEW_MIN_BYTES_PER_FILE): Promise<string | null> {
  const columns = await readRows(
    conn,
    `SELECT column_name, data_type FROM duckdb_columns() WHERE lower(table_name) = ${sqlString(view.parent)} AND NOT internal ORDER BY column_index`,
  );
  const copies = view.copies.map((sql) => parseCopyStatement(sql, options));
  const files = copies.flatMap((c) => c.files);
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  if (bytes < minBytesPerFile * files.length) return null;
  const read = copyReadSql({ files, read: copies[0].read });
  const [shape] = await readRows(conn, `SELECT count(*) AS n FROM (DESCRIBE ${read})`);
  if (Number(shape?.n) !== columns.length) {
    throw new RedshiftTranslationError(view.copies[0], `the files have ${String(shape?.n)} columns, ${view.parent} has ${columns.length}`);
  }
  const positional = columns.map((_, i) => `c${i + 1}`);
  const cast = columns.map((c, i) => `CAST(${positional[i]} AS ${String(c.data_type)}) AS "${String(c.column_name).replace(/"/g, '""')}"`);
  return `CREATE TEMP VIEW ${view.table} AS SELECT ${cast.join(', ')} FROM (${read}) AS files(${positional.join(', ')})`;
}
