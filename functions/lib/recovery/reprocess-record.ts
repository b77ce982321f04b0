/**
 * control/reprocesses/<id>.json: what a reprocess did, committed with its changes to the lake. Its warehouse reload
 * comes after that commit, so the record says whether it is done: a reload of the warehouse that covers its dates
 * (the reprocess's own, the next reprocess's, or `reload --warehouse`) records it done.
 */
import { REPROCESSES_PREFIX, reprocessRecordKey } from '../lake-layout';
import { readJson, writeJson } from '../pipeline/json-objects';
import type { ObjectStore } from '../ports';
import { inRange, type DateRange } from './date-range';

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
  /** when the warehouse was reloaded for `replacedDates`: null as committed, set once the reload is done (a
   * record without the field was written after its reload) */
  warehouseReloadedAt?: string | null;
}

/** The reprocesses whose warehouse reload is not done (killed after their commit), oldest first. */
export async function unreloadedReprocesses(store: ObjectStore): Promise<ReprocessRecord[]> {
  const records = await Promise.all((await store.list(REPROCESSES_PREFIX)).map((o) => readJson<ReprocessRecord>(store, o.key)));
  return records.filter((r) => r.warehouseReloadedAt === null).sort((a, b) => a.reprocessId.localeCompare(b.reprocessId));
}

/** Records as done the reloads of the reprocesses whose replaced dates all lie in `range`, just reloaded. */
export async function recordReprocessReloads(store: ObjectStore, range: DateRange, now: Date): Promise<void> {
  for (const r of await unreloadedReprocesses(store)) {
    if (r.replacedDates.every((d) => inRange(d, range))) await writeJson(store, reprocessRecordKey(r.reprocessId), { ...r, warehouseReloadedAt: now.toISOString() });
  }
}
