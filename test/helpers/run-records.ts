import type { CommitResult, DateTotals } from '../../functions/lib/pipeline/state';
import type { QueryEngine } from '../../functions/lib/ports';

/** The curated zone's own per-date totals, counted independently of the warehouse. */
export async function curatedDateTotals(curated: QueryEngine): Promise<DateTotals> {
  const totals: DateTotals = {};
  const at = (d: unknown) => (totals[String(d).slice(0, 10)] ??= { salesLines: 0, netRevenueCents: 0, inventoryEvents: 0 });
  for (const r of await curated.query('SELECT business_date::VARCHAR AS d, count(*) AS n, sum(net_revenue) AS revenue FROM sales_lines GROUP BY 1')) {
    Object.assign(at(r.d), { salesLines: Number(r.n), netRevenueCents: Math.round(Number(r.revenue) * 100) });
  }
  for (const r of await curated.query('SELECT business_date::VARCHAR AS d, count(*) AS n FROM inventory_events GROUP BY 1')) at(r.d).inventoryEvents = Number(r.n);
  // purchase orders count as inventory events, a receipt's link row does not (sql/transform/date_totals.sql)
  for (const r of await curated.query("SELECT business_date::VARCHAR AS d, count(*) AS n FROM purchase_orders WHERE event_type = 'purchase_order' GROUP BY 1")) at(r.d).inventoryEvents += Number(r.n);
  return totals;
}

/** A committed run record as CommitCheckpoint writes it: `dateTotals` undefined for one written before they existed. */
export function committedRecord(batchId: string, dateTotals: DateTotals | undefined, affectedDates: CommitResult['affectedDates']): CommitResult {
  const all = Object.values(dateTotals ?? {});
  const salesLines = all.reduce((n, t) => n + t.salesLines, 0);
  const inventory = all.reduce((n, t) => n + t.inventoryEvents, 0);
  return {
    batchId,
    curatedEvents: salesLines + inventory,
    duplicates: 0,
    rows: { sales_lines: salesLines, inventory_events: inventory, purchase_orders: 0 },
    netRevenue: all.reduce((n, t) => n + t.netRevenueCents, 0) / 100,
    affectedDates,
    ...(dateTotals ? { dateTotals } : {}),
    received: salesLines + inventory,
    quarantined: 0,
    byReason: {},
    committedAt: '2024-01-12T00:00:00.000Z',
  };
}
