import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from '../duckdb/duckdb-rows';
import { acceptedIdsPrefix, dailyAcceptedIdsPrefix, UNDATED_ACCEPTED_IDS, utcMonthOf } from '../lake-layout';
import type { CommitFile } from '../pipeline/curated-commit';
import type { LakeFiles } from '../ports';
import { parquetFiles } from '../../pipeline/curate-batch/parquet-files';

/** The UTC dates of the refused events' occurred_at (selected_events not in kept_events, as refused_events): the
 * accepted-id partitions that hold their ids. Read from the curated rows, so before they are replaced. */
export async function refusedIdDates(conn: DuckDBConnection): Promise<string[]> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE refused_events AS SELECT event_id FROM selected_events EXCEPT SELECT event_id FROM kept_events`);
  return (await readRows(conn, `SELECT DISTINCT CAST(CAST(occurred_at AS DATE) AS VARCHAR) AS d FROM (
      SELECT occurred_at FROM old_sales_lines WHERE event_id IN (SELECT event_id FROM refused_events)
      UNION ALL SELECT occurred_at FROM old_inventory_events WHERE event_id IN (SELECT event_id FROM refused_events)
      UNION ALL SELECT occurred_at FROM old_purchase_orders WHERE event_id IN (SELECT event_id FROM refused_events)) t ORDER BY d`)).map((r) => String(r.d));
}

/**
 * The accepted-id files without the events a reprocess refused (refused_events, see refusedIdDates), so that a
 * corrected copy sent later, or a redrive of the quarantined record, is curated instead of dropped as a duplicate.
 * Only the id files of those events' UTC `dates` are read: their months' files (and the daily layout's files of
 * those dates, where Curate has not moved them yet), and the undated ones; each file holding one of them is
 * written again without it to `workDir`, bound for its own key (the caller commits them).
 */
export async function acceptedIdsWithoutRefused(conn: DuckDBConnection, files: LakeFiles, workDir: string, dates: string[]): Promise<CommitFile[]> {
  if (dates.length === 0) return [];
  const out: CommitFile[] = [];
  const prefixes = [
    ...[...new Set([...dates, UNDATED_ACCEPTED_IDS].map(utcMonthOf))].map((m) => ({ prefix: acceptedIdsPrefix(m), order: 'utc_date, event_id' })),
    ...[...dates, UNDATED_ACCEPTED_IDS].map((d) => ({ prefix: dailyAcceptedIdsPrefix(d), order: 'event_id' })),
  ];
  for (const { prefix, order } of prefixes) {
    const dir = await files.materialize(prefix);
    for (const path of await parquetFiles(dir)) {
      const [{ n }] = await readRows(conn, `SELECT count(*) AS n FROM read_parquet(${sqlString(path)}) WHERE event_id IN (SELECT event_id FROM refused_events)`);
      if (Number(n) === 0) continue;
      const rewritten = join(workDir, `accepted-ids-${out.length}.parquet`);
      // every column of the file's layout (event_id; and utc_date in the monthly one), in its order
      await conn.run(`COPY (SELECT * FROM read_parquet(${sqlString(path)}, hive_partitioning = false) WHERE event_id NOT IN (SELECT event_id FROM refused_events) ORDER BY ${order})
        TO ${sqlString(rewritten)} (FORMAT PARQUET, COMPRESSION ZSTD)`);
      out.push({ key: `${prefix}${basename(path)}`, path: rewritten });
    }
  }
  return out;
}
