/**
 * `reprocess --from --to`: re-curates the events of some business dates from the raw zone after a rule change
 * (the contract, the curate transforms, the reference data). Every processed raw object is validated again, as one
 * batch in the order the batches took them (an event's business date is not tied to when it arrived); the events
 * that had curated rows in the range get their rows under the current rules; the partitions they were on, or land
 * on now, are replaced whole; the lake's store_day_baskets and the warehouse are refreshed for those dates.
 *
 * Accounting: the reprocess writes a run record of its own (committed.json under its id), a correction batch:
 * received 0, curated -N and quarantined +N for the N events the current rules refuse (their records go to
 * quarantine under the reprocess's id), and per replaced date the change (new minus old) of lines, revenue and
 * inventory events in `dateTotals`. Summed with the batches' records it is what the lake holds, so reconcile
 * (totals or per date) balances with no special case.
 *
 * Crash safety: every change to the lake (the partition files, the rewritten accepted-id files, the quarantine
 * files and their dedup keys, the run record and the reprocess record) is one commit of the curated-commit
 * protocol, so a kill leaves it invisible or rolled forward whole by the next run or reprocess. The warehouse
 * reload comes after; the reprocess record says whether it is done (`warehouseReloadedAt`, set by any reload
 * that covers its dates), and the next reprocess does any that is not before its own work (until then the per-date
 * reconcile names those dates). The run record has no manifest beside it, so PlanBatch never resumes it.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createDuckDb } from '../duckdb/duckdb-factory';
import { readRows } from '../duckdb/duckdb-rows';
import { ConfigurationError, PipelineStateError } from '../errors';
import {
  CURATED_TABLES,
  curatedPartitionPrefix,
  curatedBatchFileKey,
  reprocessCommitId,
  reprocessRecordKey,
  runPrefix,
  runRecordKeys,
} from '../lake-layout';
import { replacePartitionFiles, rollForward, type CommitBody, type CommitFile } from '../pipeline/curated-commit';
import { jsonBody, readJson } from '../pipeline/json-objects';
import type { CommitResult, DateTotals } from '../pipeline/state';
import { scratchDir } from '../pipeline/work-dir';
import type { Runtime } from '../ports';
import type { CopySource } from '../warehouse/load-statements';
import { findUnfinishedBatch, newBatchId } from '../../pipeline/plan-batch/plan-batch';
import { quarantineKeysFiles } from '../../pipeline/validate-batch/quarantine-keys';
import { quarantineFiles } from '../../pipeline/validate-batch/validate-batch';
import { dateRangeProblem } from './date-range';
import { dateDeltas, planReplacement, recurate, writeDateFile, writeRefused, type Refused } from './recurate-sql';
import { reloadWarehouse, type Progress } from './reload-warehouse';
import { revalidateRaw, type Revalidated } from './revalidate-raw';
import { acceptedIdsWithoutRefused, refusedIdDates } from './forget-accepted-ids';
import { unreloadedReprocesses, type ReprocessRecord } from './reprocess-record';

interface Recurated {
  replacedDates: string[];
  deltas: DateTotals;
  refused: Refused;
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
 * The lake's changes as one commit (see the module comment): the replaced partitions, the accepted ids without the
 * refused events, the refused records in quarantine with their dedup keys, the correction run record (when any
 * count changed) and the reprocess record.
 */
async function commitReprocess(conn: DuckDBConnection, rt: Runtime, r: Recurated, record: ReprocessRecord, workDir: string, now: Date): Promise<void> {
  const id = record.reprocessId;
  const alsoPut: (CommitFile | CommitBody)[] = [...(await acceptedIdsWithoutRefused(conn, rt.files, workDir, r.refusedIdDates))];
  if (Object.keys(r.refused.byReason).length > 0) {
    alsoPut.push(...(await quarantineFiles(r.refusedPath, id, workDir, rt.settings)), ...quarantineKeysFiles(id, r.refused.keysByDate));
  }
  const correction = correctionRecord(id, r, now);
  let runRecordKey: string | null = null;
  if (correction) {
    runRecordKey = runRecordKeys(runPrefix(id)).committed;
    alsoPut.push({ key: runRecordKey, body: jsonBody(correction) });
  }
  alsoPut.push({ key: reprocessRecordKey(id), body: jsonBody({ ...record, runRecordKey }) });
  const prefixes = CURATED_TABLES.flatMap((t) => r.replacedDates.map((d) => curatedPartitionPrefix(t, d)));
  await replacePartitionFiles(rt.store, reprocessCommitId(id), prefixes, r.files, alsoPut);
}

/** Reloads the warehouse for the dates of every committed reprocess whose reload is not done (this one's, or one
 * killed after its commit); the reload summarizes their store_day_baskets and records them done. Both replace those
 * dates whole, so doing them again changes nothing. */
async function finishWarehouseReloads(rt: Runtime, source: CopySource, now: Date): Promise<void> {
  for (const record of await unreloadedReprocesses(rt.store)) {
    await reloadWarehouse(rt, source, { from: record.replacedDates[0], to: record.replacedDates.at(-1) }, undefined, now);
  }
}

/** The correction run record (see the module comment); null when the reprocess changed no count. */
function correctionRecord(id: string, r: Recurated, now: Date): CommitResult | null {
  const refused = Object.values(r.refused.byReason).reduce((a, b) => a + b, 0);
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
    byReason: r.refused.byReason,
    // the changes as Reconcile counts them: purchase orders with inventory events (its dateTotals say the same)
    rows: { sales_lines: salesLines, inventory_events: inventoryEvents, purchase_orders: 0 },
    netRevenue: cents / 100,
    affectedDates: { sales_lines: r.replacedDates, inventory_events: r.replacedDates, purchase_orders: r.replacedDates },
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
  // a reprocess killed after its commit left its warehouse reload undone
  await finishWarehouseReloads(rt, source, now);
  const id = newBatchId(now);
  const workDir = await scratchDir(rt.settings.workDir, 'reprocess');
  const db = await createDuckDb(rt.settings);
  const conn = await db.connect();
  try {
    const raw = await revalidateRaw(rt.store, workDir, id, now, progress);
    const r = await recurateInWorkDir(conn, rt, range, workDir, raw, id);
    const record: ReprocessRecord = {
      reprocessId: id, from: range.from, to: range.to, createdAt: now.toISOString(), objects: raw.objects, unreadable: raw.unreadable,
      events: r.events, refused: r.refused.byReason, replacedDates: r.replacedDates, runRecordKey: null,
      // nothing to reload when no partition was replaced
      warehouseReloadedAt: r.replacedDates.length === 0 ? now.toISOString() : null,
    };
    await commitReprocess(conn, rt, r, record, workDir, now);
    await finishWarehouseReloads(rt, source, now);
    return await readJson<ReprocessRecord>(rt.store, reprocessRecordKey(id));
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
}
