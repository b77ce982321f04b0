import { type ParkedBatch, waitingRawObjects } from '../../functions/lib/pipeline/parked-batches';
import { committedRuns, totalsOf } from '../../functions/lib/pipeline/run-history';
import type { LakeTotals } from '../../functions/lib/pipeline/state';
import type { ObjectStore } from '../../functions/lib/ports';

const int = (n: number): string => n.toLocaleString('en-US');
const money = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatTotals(t: LakeTotals): string[] {
  const reasons = Object.entries(t.byReason).sort((a, b) => b[1] - a[1]);
  return [
    `events received     ${int(t.received)}`,
    `  curated           ${int(t.curatedEvents)}  (${int(t.salesLines)} sale/return lines, ${int(t.inventoryEvents)} inventory events)`,
    `  quarantined       ${int(t.quarantined)}${reasons.length ? '  ' + reasons.map(([r, n]) => `${r} ${int(n)}`).join(', ') : ''}`,
    `  duplicates        ${int(t.duplicates)}`,
    `  reconciles        ${t.received === t.curatedEvents + t.quarantined + t.duplicates ? 'yes' : 'NO'} (received = curated + quarantined + duplicates)`,
    // the run records add amounts as the tills sent them, each in its store's currency: a check, not a total
    `net revenue         ${money(t.netRevenue)} (run records: store currencies added unconverted, for reconciliation)`,
  ];
}

export async function lakeTotals(store: ObjectStore): Promise<LakeTotals> {
  return totalsOf(await committedRuns(store));
}

/** Raw objects not yet taken by a committed batch, and the age of the oldest (the file-age alarm). Those of a
 * parked batch are not waiting for the pipeline (BatchesParked alarms on them instead). */
export async function backlog(store: ObjectStore, parked: ParkedBatch[], now = Date.now()): Promise<{ objects: number; oldestAgeSeconds: number }> {
  const pending = await waitingRawObjects(store, parked);
  const oldest = pending.reduce((min, o) => Math.min(min, o.lastModified.getTime()), now);
  return { objects: pending.length, oldestAgeSeconds: Math.round((now - oldest) / 1000) };
}
