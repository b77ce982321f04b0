/**
 * A table's rows as one local Parquet file per partition (a business date, a UTC date), written with a cost that
 * follows the rows, not the number of partitions: a batch of a few years' sparse history has a thousand small
 * dates, and a statement per date (each scanning the whole table) made Curate grow with dates x rows.
 *
 * - A partition of at least LARGE_PARTITION_ROWS rows gets its own COPY, as before: DuckDB writes one file with all
 *   its threads, in `order`, so its row groups' statistics prune well.
 * - All the other partitions go in one COPY ... PARTITION_BY (one per GROUP_ROWS rows), on one thread: DuckDB's partitioned writer appends
 *   rows in the order its threads deliver them, so one thread is what keeps a file's rows the same for the same
 *   input (ordered by `order` except, past DuckDB's flush threshold, across flushes). Each such file is smaller
 *   than a row group, so the order inside it does not change what a query reads.
 * - Given more than one connection, the groups are written on all of them at once, each COPY still on one thread:
 *   a small file costs the writer's per-file set-up, not its rows, so a history's thousand dates keep one core
 *   busy, and a second connection writes the same files in about two thirds of the time. The groups are then
 *   smaller (GROUP_ROWS shared between the connections), so the rows buffered at once stay the same.
 */
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../ports';
import { readRows, sqlString } from './duckdb-rows';
import { withSettings } from './duckdb-settings';
import { PipelineStateError } from '../errors';

/** Below this many rows a partition is written with the others (DuckDB's row group holds 122,880). */
export const LARGE_PARTITION_ROWS = 100_000;
/** At most this many rows of small partitions in one partitioned COPY (DuckDB buffers them all until it ends). */
export const GROUP_ROWS = 1_000_000;
/** At most this many partitions in one partitioned COPY: each open file holds buffers that count against DuckDB's
 * memory_limit, and near the limit the writer slows down (1,200 dates at once took twice as long at 640 MB as with
 * no limit; in groups of 200 they cost what they cost with no limit). */
export const GROUP_PARTITIONS = 200;

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
  /**
   * The table's rows are stored in (partitionColumn, order) order already (a CREATE TABLE ... ORDER BY, with
   * insertion order preserved): a large partition's COPY reads them in that order instead of sorting them again.
   */
  presorted?: boolean;
}

/** The partitions' values in consecutive groups of at most `maxRows` rows and `maxPartitions` values (a group holds at least one). */
function smallGroups(sizes: Row[], maxRows: number, maxPartitions: number): string[][] {
  const groups: string[][] = [];
  let rows = Infinity;
  for (const s of sizes) {
    if (rows + Number(s.n) > maxRows || groups[groups.length - 1].length >= maxPartitions) {
      groups.push([]);
      rows = 0;
    }
    groups[groups.length - 1].push(String(s.v));
    rows += Number(s.n);
  }
  return groups;
}

/** Runs `work` with `settings` on each connection, set one connection after the other and put back in reverse
 * order (DuckDB keeps some settings per database, some per session: either way each ends as it began). */
function withSettingsOnAll<T>(conns: DuckDBConnection[], settings: Record<string, string | number | boolean>, work: () => Promise<T>): Promise<T> {
  const from = (i: number): Promise<T> => (i === conns.length ? work() : withSettings(conns[i], settings, () => from(i + 1)));
  return from(0);
}

/**
 * Writes `t`'s rows under `outDir` (created if needed; it must hold nothing else), one file per partition value.
 * Returns each value (as text, ascending) and its file. `connections`: one, or several of one database (then `t`
 * must be a table of the database, not a TEMP table, which is its connection's own; see the module comment).
 * `largeRows`, `groupRows`, `groupPartitions`: LARGE_PARTITION_ROWS, GROUP_ROWS, GROUP_PARTITIONS.
 */
export async function writePartitionFiles(
  connections: DuckDBConnection | DuckDBConnection[],
  t: PartitionedTable,
  outDir: string,
  largeRows = LARGE_PARTITION_ROWS,
  groupRows = GROUP_ROWS,
  groupPartitions = GROUP_PARTITIONS,
): Promise<{ value: string; path: string }[]> {
  const lanes = Array.isArray(connections) ? connections : [connections];
  const conn = lanes[0];
  const sizes = await readRows(conn, `SELECT CAST(${t.partitionColumn} AS VARCHAR) AS v, count(*) AS n FROM ${t.table} GROUP BY 1 ORDER BY 1`);
  const columns = t.columns.join(', ');
  const options = t.copyOptions ? `, ${t.copyOptions}` : '';
  const large = sizes.filter((s) => Number(s.n) >= largeRows).map((s) => String(s.v));
  const files = new Map<string, string>();
  await mkdir(outDir, { recursive: true });

  // the values as bare literals, which take the column's type: on a DATE column in date order (Curate's new rows)
  // a partition's COPY then reads only the row groups that hold it
  // (presorted: DuckDB keeps a table's insertion order in a result without ORDER BY while preserve_insertion_order is on)
  for (const value of large) {
    const path = join(outDir, `large-${value}.parquet`);
    const copy = `COPY (SELECT ${columns} FROM ${t.table} WHERE ${t.partitionColumn} = ${sqlString(value)}${t.presorted ? '' : ` ORDER BY ${t.order}`})
      TO ${sqlString(path)} (FORMAT PARQUET${options})`;
    await withSettings(conn, { preserve_insertion_order: true }, () => conn.run(copy));
    files.set(value, path);
  }

  // the small partitions in groups of at most GROUP_ROWS rows (shared between the lanes), one COPY each: DuckDB holds
  // every open file's rows until it closes them at the end of the COPY, so a group's rows bound the memory the write takes
  const keep = t.columns.includes(t.partitionColumn);
  const withColumn = keep ? columns : `${columns}, ${t.partitionColumn}`;
  const groups = smallGroups(sizes.filter((s) => Number(s.n) < largeRows), Math.max(1, Math.floor(groupRows / lanes.length)), groupPartitions);
  if (groups.length === 0) return sorted(files);
  const writeGroup = async (lane: DuckDBConnection, group: string[], i: number): Promise<void> => {
    const dir = join(outDir, `partitioned-${i}`);
    await lane.run(`COPY (SELECT ${withColumn} FROM ${t.table} WHERE ${t.partitionColumn} IN (${group.map(sqlString).join(', ')})
        ORDER BY ${t.partitionColumn}, ${t.order})
      TO ${sqlString(dir)} (FORMAT PARQUET, PARTITION_BY (${t.partitionColumn}), WRITE_PARTITION_COLUMNS ${keep}${options})`);
    for (const value of group) {
      const folder = join(dir, `${t.partitionColumn}=${value}`);
      // synchronous: a folder per date of a history, and each awaited readdir is a round trip to libuv's pool
      const names = readdirSync(folder).filter((n) => n.endsWith('.parquet'));
      if (names.length !== 1) throw new PipelineStateError(`partitioned write of ${t.table}: ${names.length} files for ${t.partitionColumn}=${value}, expected 1`);
      files.set(value, join(folder, names[0]));
    }
  };
  // one thread per COPY (threads is the database's), and every partition's file of a group open at once: past the
  // limit DuckDB closes files and starts more per partition
  const maxOpen = Math.max(...groups.map((g) => g.length)) + 1;
  const used = lanes.slice(0, groups.length);
  await withSettings(conn, { threads: 1 }, () =>
    withSettingsOnAll(used, { partitioned_write_max_open_files: maxOpen }, async () => {
      // lane k writes groups k, k + lanes, ...; all settle before a failure is thrown (nothing still writes after)
      const settled = await Promise.allSettled(
        used.map(async (lane, k) => {
          for (let i = k; i < groups.length; i += used.length) await writeGroup(lane, groups[i], i);
        }),
      );
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }),
  );
  return sorted(files);
}

/** The files by value, ascending. */
function sorted(files: Map<string, string>): { value: string; path: string }[] {
  return [...files].map(([value, path]) => ({ value, path })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
