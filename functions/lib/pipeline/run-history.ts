import { RUN_RECORD_FILES, RUNS_PREFIX } from '../lake-layout';
import type { ObjectStore } from '../ports';
import { readJson } from './json-objects';
import type { CommitResult, LakeTotals } from './state';

/** Every committed batch, oldest first. */
export async function committedRuns(store: ObjectStore): Promise<CommitResult[]> {
  const objects = (await store.list(RUNS_PREFIX)).filter((o) => o.key.endsWith(`/${RUN_RECORD_FILES.committed}`));
  return Promise.all(objects.map((o) => readJson<CommitResult>(store, o.key)));
}

/** A run's inventory events as Reconcile counts them: its dateTotals', which count purchase orders with inventory
 * events (a receipt's link row in purchase_orders not again); a record written before dateTotals existed, and
 * before purchase orders, has its inventory_events rows. */
function inventoryEventsOf(r: CommitResult): number {
  return r.dateTotals ? Object.values(r.dateTotals).reduce((n, d) => n + d.inventoryEvents, 0) : r.rows.inventory_events;
}

export function totalsOf(runs: CommitResult[]): LakeTotals {
  const t: LakeTotals = { batches: runs.length, received: 0, curatedEvents: 0, quarantined: 0, duplicates: 0, salesLines: 0, inventoryEvents: 0, netRevenue: 0, byReason: {} };
  for (const r of runs) {
    t.received += r.received;
    t.curatedEvents += r.curatedEvents;
    t.quarantined += r.quarantined;
    t.duplicates += r.duplicates;
    t.salesLines += r.rows.sales_lines;
    t.inventoryEvents += inventoryEventsOf(r);
    t.netRevenue = Math.round((t.netRevenue + r.netRevenue) * 100) / 100;
    for (const [reason, n] of Object.entries(r.byReason)) t.byReason[reason] = (t.byReason[reason] ?? 0) + (n ?? 0);
  }
  return t;
}
