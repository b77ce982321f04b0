/**
 * A scenario of purchase-order loads for po_open_line (migration 0011): a day's orders, partial and full receipts, a
 * date loaded again with rows added or gone, and `reload --warehouse` emptying a date the lake no longer holds. Run
 * on DuckDB (test/local/warehouse/open-order-lines.test.ts) and on PostgreSQL as the pipeline role
 * (test/local/warehouse/redshift-semantics.test.ts). After every statement batch po_open_line must equal the open
 * lines of fact_purchase_order's GROUP BY, and the open lines the expected ones.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../../functions/lib/ports';
import { chunkStatements } from '../../functions/lib/recovery/reload-warehouse';
import { buildLoadStatements } from '../../functions/lib/warehouse/load-statements';
import { openLineGaps, runLoad, USD_ONLY, writeCurated, type PurchaseOrderRow } from './warehouse-fixture';

const SOURCE = { bucket: 'local-curated', role: 'arn:aws:iam::000000000000:role/local-copy' };

export const order = (event_id: string, date: string, store_id: string, sku: string, po_id: string, quantity: number, supplier = 'Farm'): PurchaseOrderRow => ({
  event_id, store_id, sku, occurred_at: `${date} 08:00:00`, business_date: date, event_type: 'purchase_order', po_id, quantity, expected_date: '2024-01-09', supplier,
});
const receipt = (event_id: string, date: string, store_id: string, sku: string, po_id: string, quantity: number): PurchaseOrderRow => ({
  event_id, store_id, sku, occurred_at: `${date} 12:00:00`, business_date: date, event_type: 'receipt', po_id, quantity, expected_date: null, supplier: null,
});

export const DAY1 = [order('o1', '2024-01-01', 'S001', 'SKU-1', 'PO1', 10), order('o2', '2024-01-01', 'S001', 'SKU-2', 'PO1', 4), order('o3', '2024-01-01', 'S002', 'SKU-3', 'PO2', 6, 'Roaster')];
// a partial receipt of PO1/SKU-1, a full one of PO2
export const DAY2 = [receipt('r1', '2024-01-02', 'S001', 'SKU-1', 'PO1', 4), receipt('r2', '2024-01-02', 'S002', 'SKU-3', 'PO2', 6)];

export type Open = [po: string, sku: string, ordered: number, received: number];

export async function openLines(w: Warehouse): Promise<Open[]> {
  const rows = await w.query('SELECT po_id, sku, ordered, received FROM po_open_line ORDER BY po_id, sku');
  return rows.map((r) => [String(r.po_id), String(r.sku), Number(r.ordered), Number(r.received)]);
}

export const load = (dates: string[]): string[] => buildLoadStatements({ purchase_orders: dates }, SOURCE, USD_ONLY).statements;

/** Each step's open lines, checked against the GROUP BY of the facts after every statement batch (the lake's reference written). */
export async function openLinesScenario(w: Warehouse, root: string): Promise<Open[][]> {
  const seen: Open[][] = [];
  const step = async (statements: string[]): Promise<void> => {
    await runLoad(w, statements);
    expect(await openLineGaps(w)).toMatchObject({ missing: 0, extra: 0 });
    seen.push(await openLines(w));
  };
  await writeCurated(root, 'purchase_orders', DAY1);
  await step(load(['2024-01-01']));
  await writeCurated(root, 'purchase_orders', DAY2);
  await step(load(['2024-01-02']));
  // day 1 again with a late order line for PO1/SKU-1: its receipt of day 2 still counts
  await writeCurated(root, 'purchase_orders', [...DAY1, order('o4', '2024-01-01', 'S001', 'SKU-1', 'PO1', 5)]);
  await step(load(['2024-01-01']));
  // day 2 again without PO2's receipt (a reprocess dropped it): PO2, whose rows are all on day 1, is open again
  await writeCurated(root, 'purchase_orders', [DAY2[0], receipt('r3', '2024-01-02', 'S001', 'SKU-2', 'PO1', 4)]);
  await step(load(['2024-01-02']));
  // reload --warehouse of January after day 2's partition left the lake: only day 1 is loaded, day 2 emptied
  rmSync(join(root, 'curated', 'purchase_orders', 'business_date=2024-01-02'), { recursive: true });
  await step(chunkStatements({ from: '2024-01-01', to: '2024-01-31', dates: { sales_lines: [], inventory_events: [], purchase_orders: ['2024-01-01'] } }, SOURCE, USD_ONLY));
  // a reload of a range with no orders left in the lake: clear_fact_dates.sql alone keeps the lines
  rmSync(join(root, 'curated', 'purchase_orders'), { recursive: true });
  await step(chunkStatements({ from: '2024-01-01', to: '2024-01-01', dates: { sales_lines: [], inventory_events: [], purchase_orders: [] } }, SOURCE, USD_ONLY));
  return seen;
}

export const OPEN_LINES_EXPECTED: Open[][] = [
  [['PO1', 'SKU-1', 10, 0], ['PO1', 'SKU-2', 4, 0], ['PO2', 'SKU-3', 6, 0]],
  [['PO1', 'SKU-1', 10, 4], ['PO1', 'SKU-2', 4, 0]],
  [['PO1', 'SKU-1', 15, 4], ['PO1', 'SKU-2', 4, 0]],
  [['PO1', 'SKU-1', 15, 4], ['PO2', 'SKU-3', 6, 0]],
  [['PO1', 'SKU-1', 15, 0], ['PO1', 'SKU-2', 4, 0], ['PO2', 'SKU-3', 6, 0]],
  [],
];

