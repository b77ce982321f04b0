import { settingsFromEnv } from '../../functions/lib/pipeline/pipeline-settings';
import type { Notifier, PipelineSettings, QueryEngine, Runtime, Warehouse } from '../../functions/lib/ports';
import { prepareLoads } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { FsObjectStore } from '../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../local/warehouse/duckdb-warehouse';
import { inventoryEvent, line, PRODUCTS, runLoad, STORES, writeCurated, writeReference, type PurchaseOrderRow } from './warehouse-fixture';

/**
 * The hand-made stock case (UTC times; business dates given directly):
 *  S001 SKU-1: count 99 on 01-08 (superseded), sale 4 on 01-09 (before the count that matters),
 *              count 20 on 01-10 08:00, receipt +10 at 09:00, sales 10 (01-10) + 15 (01-11), return 2 (01-11)
 *              -> on hand 20 + 10 - 25 + 2 = 7
 *  S001 SKU-2: count 30 on 01-09, sale 12 on 01-10 -> 18
 *  S001 SKU-3: count 5, never sold -> no demand
 *  S001 SKU-4: count 100, sale 3 on 01-11 -> 97
 *  S002 SKU-1: shrink -1 before its count (ignored), count 8 on 01-11 10:00, sale 6 at 11:00 -> 2
 *  S002 SKU-2: sold but never counted -> no estimate
 * S001 has sales on 3 dates (01-09, 01-10, 01-11), S002 on 1 (01-11); the as-of date is 2024-01-11.
 */
/** `extreme`: S002/SKU-3 counted at 2,000,000,000 and then received 200,000,000 (each valid; the sum is past INTEGER). */
export async function writeStockCase(root: string, extreme = false): Promise<void> {
  await writeReference(root);
  const sale = (id: string, store: string, sku: string, at: string, qty: number, type: 'sale' | 'return' = 'sale') =>
    line({ event_id: id, store_id: store, sku, occurred_at: at, business_date: at.slice(0, 10), quantity: qty, unit_price: 1, event_type: type });
  await writeCurated(root, 'sales_lines', [
    sale('s1', 'S001', 'SKU-1', '2024-01-09 12:00:00', 4),
    sale('s2', 'S001', 'SKU-1', '2024-01-10 10:00:00', 10),
    sale('s3', 'S001', 'SKU-1', '2024-01-11 12:00:00', 15),
    sale('s4', 'S001', 'SKU-1', '2024-01-11 13:00:00', 2, 'return'),
    sale('s5', 'S001', 'SKU-2', '2024-01-10 15:00:00', 12),
    sale('s6', 'S001', 'SKU-4', '2024-01-11 16:00:00', 3),
    sale('s7', 'S002', 'SKU-1', '2024-01-11 11:00:00', 6),
    sale('s8', 'S002', 'SKU-2', '2024-01-11 11:30:00', 1),
  ]);
  const count = (id: string, store: string, sku: string, at: string, qty: number) =>
    inventoryEvent({ event_id: id, store_id: store, sku, occurred_at: at, business_date: at.slice(0, 10), event_type: 'inventory_snapshot', on_hand_qty: qty, reorder_point: 5 });
  const adjust = (id: string, store: string, sku: string, at: string, change: number, reason: string) =>
    inventoryEvent({ event_id: id, store_id: store, sku, occurred_at: at, business_date: at.slice(0, 10), event_type: 'inventory_adjustment', quantity_change: change, reason });
  await writeCurated(root, 'inventory_events', [
    count('c0', 'S001', 'SKU-1', '2024-01-08 08:00:00', 99),
    count('c1', 'S001', 'SKU-1', '2024-01-10 08:00:00', 20),
    adjust('a1', 'S001', 'SKU-1', '2024-01-10 09:00:00', 10, 'receipt'),
    count('c2', 'S001', 'SKU-2', '2024-01-09 08:00:00', 30),
    count('c3', 'S001', 'SKU-3', '2024-01-09 08:00:00', 5),
    count('c4', 'S001', 'SKU-4', '2024-01-09 08:00:00', 100),
    adjust('a2', 'S002', 'SKU-1', '2024-01-11 09:00:00', -1, 'shrink'),
    count('c5', 'S002', 'SKU-1', '2024-01-11 10:00:00', 8),
    ...(extreme
      ? [count('c6', 'S002', 'SKU-3', '2024-01-10 08:00:00', 2_000_000_000), adjust('a3', 'S002', 'SKU-3', '2024-01-11 08:00:00', 200_000_000, 'receipt')]
      : []),
  ]);
}

export const CASE_DATES = {
  sales_lines: ['2024-01-09', '2024-01-10', '2024-01-11'],
  inventory_events: ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11'],
  purchase_orders: [] as string[],
};

export async function loadCase(root: string, warehouse: Warehouse, extreme = false): Promise<void> {
  await writeStockCase(root, extreme);
  await runLoad(warehouse, prepareLoads({ affectedDates: CASE_DATES }, {}).redshiftSqls);
}

const unused = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not used by this test`);
};

/** A local runtime for handler tests: the lake folder, the given warehouse and notifier. */
export function testRuntime(root: string, warehouse: Warehouse, notifier: Notifier, settings: Partial<PipelineSettings> = {}): Runtime {
  const store = new FsObjectStore(root);
  const curatedQuery: QueryEngine = { query: unused('curatedQuery') };
  return {
    mode: 'local',
    store,
    files: store,
    notifier,
    warehouse,
    curatedQuery,
    dashboards: { refresh: unused('dashboards') },
    metrics: { publish: unused('metrics') },
    settings: { ...settingsFromEnv({}), ...settings },
  };
}

export { DuckDbWarehouse };

/**
 * A small simulated lake, demo-like: every store sells every SKU on each of `days` days from 2024-01-01 (a few
 * lines per store, SKU and day, some discounted, one in nine a return), with a stock count on the first day,
 * receipts every fourth day and a count on the last day for half the SKUs. Deterministic.
 * Returns the business dates written, per curated table.
 */
/** ...with a purchase order two days before each receipt, which the receipt fills (its link row). */
export async function writeSimulatedLake(root: string, days = 14, linesPerSkuDay = 12): Promise<{ sales_lines: string[]; inventory_events: string[]; purchase_orders: string[] }> {
  await writeReference(root);
  const dates = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
  let n = 0;
  const next = (): number => (n = (n * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sales = [];
  const inventory = [];
  const orders: PurchaseOrderRow[] = [];
  for (const store of STORES) {
    for (const product of PRODUCTS) {
      const count = (d: string, id: string) =>
        inventoryEvent({ event_id: id, store_id: store.store_id, sku: product.sku, occurred_at: `${d} 06:00:00`, business_date: d, event_type: 'inventory_snapshot', on_hand_qty: 40 + Math.floor(next() * 200), reorder_point: 20 });
      inventory.push(count(dates[0], `c-${store.store_id}-${product.sku}-first`));
      if (product.sku <= 'SKU-2') inventory.push(count(dates[days - 1], `c-${store.store_id}-${product.sku}-last`));
      for (const [d, date] of dates.entries()) {
        if (d % 4 === 3) {
          const at = { store_id: store.store_id, sku: product.sku };
          const poId = `PO-${store.store_id}-${product.sku}-${d}`;
          orders.push({ ...at, event_id: `po-${poId}`, occurred_at: `${dates[d - 2]} 18:00:00`, business_date: dates[d - 2], event_type: 'purchase_order', po_id: poId, quantity: 30, expected_date: date, supplier: 'Acme' });
          const receiptId = `r-${store.store_id}-${product.sku}-${d}`;
          inventory.push(inventoryEvent({ ...at, event_id: receiptId, occurred_at: `${date} 07:00:00`, business_date: date, event_type: 'inventory_adjustment', quantity_change: 30, reason: 'receipt' }));
          orders.push({ ...at, event_id: receiptId, occurred_at: `${date} 07:00:00`, business_date: date, event_type: 'receipt', po_id: poId, quantity: 30, expected_date: null, supplier: null });
        }
        for (let k = 0; k < linesPerSkuDay; k++) {
          const minute = String(k * 4).padStart(2, '0');
          sales.push(
            line({
              event_id: `s-${store.store_id}-${product.sku}-${d}-${k}`,
              store_id: store.store_id,
              sku: product.sku,
              occurred_at: `${date} ${String(9 + (k % 9)).padStart(2, '0')}:${minute}:00`,
              business_date: date,
              quantity: 1 + Math.floor(next() * 4),
              unit_price: product.list_price,
              discount: next() < 0.2 ? 0.25 : 0,
              event_type: next() < 1 / 9 ? 'return' : 'sale',
            }),
          );
        }
      }
    }
  }
  await writeCurated(root, 'sales_lines', sales);
  await writeCurated(root, 'inventory_events', inventory);
  await writeCurated(root, 'purchase_orders', orders);
  const datesOf = (rows: { business_date: string }[]): string[] => [...new Set(rows.map((e) => e.business_date))].sort();
  return { sales_lines: dates, inventory_events: datesOf(inventory), purchase_orders: datesOf(orders) };
}
