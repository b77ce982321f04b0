/**
 * `reprocess --from --to`: re-curates the events of some business dates from the raw zone after a rule change
 * (the contract, the curate transforms, the reference data). Every processed raw object is validated again, as one
 * batch in the order the batches took them (an event's business date is not tied to when it arrived); the events
 * that had curated rows in the range get their rows under the current rules; the partitions they were on, or land
 * on now, are replaced whole; the warehouse is reloaded for those dates.
 *
 * Accounting: the reprocess writes a run record of its own (committed.json under its id), a correction batch:
 * received 0, curated -N and quarantined +N for the N events the current rules refuse (their records go to
 * quarantine under the reprocess's id), and per replaced date the change (new minus old) of lines, revenue and
 * inventory events in `dateTotals`. Summed with the batches' records it is what the lake holds, so reconcile
 * (totals or per date) balances with no special case.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDb } from '../duckdb/duckdb-factory';
import { readRows } from '../duckdb/duckdb-rows';
import { ConfigurationError, PipelineStateError } from '../errors';
import { CURATED_TABLES, curatedPartitionPrefix, curatedBatchFileKey, reprocessRecordKey, runPrefix, runRecordKeys } from '../lake-layout';
import { replacePartitionFiles, rollForward, type CommitFile } from '../pipeline/curated-commit';
import { writeJson } from '../pipeline/json-objects';
import type { CommitResult, DateTotals } from '../pipeline/state';
import { scratchDir } from '../pipeline/work-dir';
import type { Runtime } from '../ports';
import type { CopySource } from '../warehouse/load-statements';
import { findUnfinishedBatch, newBatchId } from '../../pipeline/plan-batch/plan-batch';
import { writeQuarantine } from '../../pipeline/validate-batch/validate-batch';
import { dateRangeProblem } from './date-range';
import { dateDeltas, planReplacement, recurate, writeDateFile, writeRefused } from './recurate-sql';
import { reloadWarehouse, type Progress } from './reload-warehouse';
import { revalidateRaw, type Revalidated } from './revalidate-raw';
import { forgetRefusedIds, refusedIdDates } from './forget-accepted-ids';

/** control/reprocesses/<id>.json: what a reprocess did. */
export interface ReprocessRecord {
  reprocessId: string;
  from: string;
  to: string;
  createdAt: string;
  /** raw objects validated again, and how many of them no longer decompress */
  objects: number;
  unreadable: number;
  /** events re-curated: those with curated rows in the range */
  events: number;
  /** of those, the ones the current rules refuse, by reason (moved to quarantine) */
  refused: Record<string, number>;
  /** the partitions replaced (business dates) */
  replacedDates: string[];
  /** the correction run record, when anything changed */
  runRecordKey: string | null;
}

interface Recurated {
  replacedDates: string[];
  deltas: DateTotals;
  refused: Record<string, number>;
  events: number;
  files: CommitFile[];
  refusedPath: string;
  /** the UTC dates of the refused events (their accepted ids' partitions) */
  refusedIdDates: string[];
}

/** The re-curation in the work folder: nothing in the lake changes yet. */
async function recurateInWorkDir(conn: DuckDBConnection, rt: Runtime, range: { from: string; to: string }, workDir: string, raw: Revalidated, id: string): Promise<Recurated> {
  await recurate(conn, rt.files, raw.stagedGlob);
  const replacedDates = await planReplacement(conn, rt.files, range);
  const refusedPath = join(workDir, 'refused.ndjson');
  const refused = await writeRefused(conn, raw.rejectsPath, refusedPath);
  const files: CommitFile[] = [];
  for (const table of CURATED_TABLES) {
    for (const date of replacedDates) {
      const path = join(workDir, `${table}-${date}.parquet`);
      if (await writeDateFile(conn, table, date, path)) files.push({ key: curatedBatchFileKey(table, date, id), path });
    }
  }
  const [{ n }] = await readRows(conn, 'SELECT count(*) AS n FROM selected_events');
  return { replacedDates, deltas: await dateDeltas(conn), refused, events: Number(n), files, refusedPath, refusedIdDates: await refusedIdDates(conn) };
}

/**
 * The lake's changes, in an order where a crash leaves nothing lost or counted twice: the refused records into
 * quarantine, the partitions replaced under the curated-commit protocol (an interrupted replacement is rolled
 * forward by the next run), the refused events' accepted ids forgotten, then the correction run record. A crash
 * between the first and the last leaves a reconcile gap that a repeat of the reprocess does not close.
 */
async function applyReprocess(conn: DuckDBConnection, rt: Runtime, r: Recurated, id: string, workDir: string, now: Date): Promise<string | null> {
  if (Object.keys(r.refused).length > 0) await writeQuarantine(rt.store, r.refusedPath, id, workDir, rt.settings);
  const prefixes = CURATED_TABLES.flatMap((t) => r.replacedDates.map((d) => curatedPartitionPrefix(t, d)));
  await replacePartitionFiles(rt.store, `reprocess-${id}`, prefixes, r.files);
  await forgetRefusedIds(conn, rt.store, rt.files, workDir, r.refusedIdDates);
  const correction = correctionRecord(id, r, now);
  if (!correction) return null;
  const key = runRecordKeys(runPrefix(id)).committed;
  await writeJson(rt.store, key, correction);
  return key;
}

/** The correction run record (see the module comment); null when the reprocess changed no count. */
function correctionRecord(id: string, r: Recurated, now: Date): CommitResult | null {
  const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
  const deltas = Object.values(r.deltas);
  const sum = (f: (d: (typeof deltas)[number]) => number): number => deltas.reduce((a, d) => a + f(d), 0);
  const salesLines = sum((d) => d.salesLines);
  const inventoryEvents = sum((d) => d.inventoryEvents);
  const cents = sum((d) => d.netRevenueCents);
  if (refused === 0 && salesLines === 0 && inventoryEvents === 0 && cents === 0) return null;
  return {
    batchId: id,
    received: 0,
    curatedEvents: -refused,
    quarantined: refused,
    duplicates: 0,
    byReason: r.refused,
    rows: { sales_lines: salesLines, inventory_events: inventoryEvents },
    netRevenue: cents / 100,
    affectedDates: { sales_lines: r.replacedDates, inventory_events: r.replacedDates },
    dateTotals: r.deltas,
    committedAt: now.toISOString(),
  };
}

/**
 * Re-curates the events of business dates [from, to] under the current rules, replaces their partitions, moves
 * the records now refused to quarantine, records the correction, and reloads the warehouse for the dates replaced.
 * A second run finds the rows as the first left them and rewrites the same rows.
 */
export async function reprocess(rt: Runtime, range: { from: string; to: string }, source: CopySource, now = new Date(), progress?: Progress): Promise<ReprocessRecord> {
  const problem = dateRangeProblem(range);
  if (problem) throw new ConfigurationError(problem);
  // the partitions are rewritten from what is committed: an interrupted commit (a batch's, or an earlier
  // reprocess's) is finished first, and a batch still half done would add its rows after the rewrite
  await rollForward(rt.store);
  const unfinished = await findUnfinishedBatch(rt.store);
  if (unfinished) throw new PipelineStateError(`batch ${unfinished.batchId} is not finished: run the pipeline first, then reprocess`);
  const id = newBatchId(now);
  const workDir = await scratchDir(rt.settings.workDir, 'reprocess');
  const db = await createDuckDb(rt.settings);
  const conn = await db.connect();
  try {
    const raw = await revalidateRaw(rt.store, workDir, id, now, progress);
    const r = await recurateInWorkDir(conn, rt, range, workDir, raw, id);
    const runRecordKey = await applyReprocess(conn, rt, r, id, workDir, now);
    const record: ReprocessRecord = {
      reprocessId: id, from: range.from, to: range.to, createdAt: now.toISOString(), objects: raw.objects, unreadable: raw.unreadable,
      events: r.events, refused: r.refused, replacedDates: r.replacedDates, runRecordKey,
    };
    await writeJson(rt.store, reprocessRecordKey(id), record);
    if (r.replacedDates.length > 0) await reloadWarehouse(rt, source, { from: r.replacedDates[0], to: r.replacedDates.at(-1) });
    return record;
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
}
