/**
 * `reload --warehouse`: rebuilds the warehouse's facts (and dimensions) from the curated zone, for every business
 * date or a range of them. The lake is the truth; the warehouse is derived from it and can be rebuilt at any time.
 */
import { CURATED_TABLES, curatedPartitionDate, curatedTablePrefix, type CuratedTable } from '../lake-layout';
import type { ObjectStore, Runtime } from '../ports';
import { readSql, renderSql } from '../sql-files';
import { buildDerivedStatements, buildLoadStatements, DATA_API_BATCH_LIMIT, type CopySource, type ReferenceLoad } from '../warehouse/load-statements';
import { referenceLoad } from '../pipeline/load-reference';
import { splitSqlStatements } from '../warehouse/sql-text';
import { ConfigurationError } from '../errors';
import { dateRangeProblem, dayBefore, inRange, type DateRange } from './date-range';
import { summarizeStoreDayBaskets } from '../pipeline/store-day-baskets';
import { recordReprocessReloads, unreloadedReprocesses } from './reprocess-record';

/** The open ends of a range, as dates every engine takes. */
const FIRST_DATE = '0001-01-01';
const LAST_DATE = '9999-12-31';

export type Progress = (done: number, total: number, detail: string) => void;

/** One Data API batch of the reload: the facts of [from, to] emptied, then the curated dates in it loaded. */
export interface ReloadChunk {
  from: string;
  to: string;
  dates: Record<CuratedTable, string[]>;
}

export interface ReloadResult {
  /** business dates loaded (the union over both facts) */
  dates: number;
  batches: number;
  /** the dates with sales lines in the range, sorted (what Reconcile then checks store_day_baskets on) */
  salesDates: string[];
}

/** The business dates of the curated partitions in `range`, per table, sorted. */
export async function curatedDates(store: ObjectStore, range: DateRange): Promise<Record<CuratedTable, string[]>> {
  const out = {} as Record<CuratedTable, string[]>;
  for (const table of CURATED_TABLES) {
    const dates = new Set<string>();
    for (const o of await store.list(curatedTablePrefix(table))) {
      const date = curatedPartitionDate(table, o.key);
      if (date !== null && inRange(date, range)) dates.add(date);
    }
    out[table] = [...dates].sort();
  }
  return out;
}

/**
 * The reload in batches of one calendar month each: each batch's [from, to] runs from its month's first day to the
 * day before the next batch's month (the first from the range's start, the last to its end), so together they
 * cover the whole range, including dates the lake no longer holds.
 */
export function reloadChunks(dates: Record<CuratedTable, string[]>, range: DateRange): ReloadChunk[] {
  const months = [...new Set(CURATED_TABLES.flatMap((t) => dates[t].map((d) => d.slice(0, 7))))].sort();
  const start = range.from ?? FIRST_DATE;
  const end = range.to ?? LAST_DATE;
  if (months.length === 0) return [{ from: start, to: end, dates: { sales_lines: [], inventory_events: [], purchase_orders: [] } }];
  return months.map((month, i) => {
    const chunk = {} as Record<CuratedTable, string[]>;
    for (const t of CURATED_TABLES) chunk[t] = dates[t].filter((d) => d.startsWith(month));
    return { from: i === 0 ? start : `${month}-01`, to: i === months.length - 1 ? end : dayBefore(`${months[i + 1]}-01`), dates: chunk };
  });
}

/** The statements of one chunk, at most the Data API's 40: the facts of the range emptied, then the load. */
export function chunkStatements(chunk: ReloadChunk, source: CopySource, reference: ReferenceLoad): string[] {
  const clear = splitSqlStatements(renderSql(readSql('redshift/clear_fact_dates.sql'), { from_date: chunk.from, to_date: chunk.to }));
  const load = buildLoadStatements(chunk.dates, source, reference, DATA_API_BATCH_LIMIT - clear.length);
  return [...clear, ...load.statements];
}

/**
 * Reloads the facts of `range` (every date when it is empty) from the curated partitions, month by month, each
 * month one transaction followed by the derived tables' refresh (a batch of its own, as after every load). Every
 * date loaded is replaced whole and every date of the range without a partition is emptied, so running it again
 * changes nothing. It first summarizes the lake's store_day_baskets for the dates of the reprocesses it covers that
 * are not done (a reprocess killed after its commit: its record says so until a reload covers it), and at the end
 * records them done.
 */
export async function reloadWarehouse(
  rt: Pick<Runtime, 'store' | 'files' | 'warehouse' | 'settings'>,
  source: CopySource,
  range: DateRange = {},
  progress?: Progress,
  now = new Date(),
): Promise<ReloadResult> {
  const problem = dateRangeProblem(range);
  if (problem) throw new ConfigurationError(problem);
  const dates = await curatedDates(rt.store, range);
  const chunks = reloadChunks(dates, range);
  const reference = await referenceLoad(rt.store, rt.settings.reportingCurrency);
  // first, so that the record's write stays the last: the lake's side of the reprocesses this reload finishes
  const covered = (await unreloadedReprocesses(rt.store)).filter((r) => r.replacedDates.every((d) => inRange(d, range)));
  if (covered.length > 0) await summarizeStoreDayBaskets(rt.store, rt.files, covered.flatMap((r) => r.replacedDates), rt.settings);
  for (const [i, chunk] of chunks.entries()) {
    progress?.(i, chunks.length, `${chunk.from} .. ${chunk.to}`);
    await rt.warehouse.execute(chunkStatements(chunk, source, reference));
    // after each month, as after every load: the derived tables of the dates and order lines it listed. Once at the
    // end would rebuild the whole history in one transaction (96 s of DuckDB CPU for one month of the seed shape),
    // and a month that fails would leave the months before it loaded without their derived rows
    await rt.warehouse.execute(buildDerivedStatements());
  }
  progress?.(chunks.length, chunks.length, '');
  await recordReprocessReloads(rt.store, range, now);
  return { dates: new Set(CURATED_TABLES.flatMap((t) => dates[t])).size, batches: chunks.length, salesDates: dates.sales_lines };
}

/**
 * `reload --baskets`: rebuilds the lake's store_day_baskets for every business date of `range` (every date when it is
 * empty) that has sales lines, each from all of its date's lines, a month at a time (on an older lake, some months
 * without a file besides). Returns those dates. A date
 * whose lines are all gone keeps its rows: `reprocess` of that date removes them.
 */
export async function reloadBaskets(rt: Pick<Runtime, 'store' | 'files' | 'settings'>, range: DateRange = {}, progress?: Progress): Promise<string[]> {
  const problem = dateRangeProblem(range);
  if (problem) throw new ConfigurationError(problem);
  const dates = (await curatedDates(rt.store, range)).sales_lines;
  await summarizeStoreDayBaskets(rt.store, rt.files, dates, rt.settings, undefined, progress);
  return dates;
}
