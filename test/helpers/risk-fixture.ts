import { settingsFromEnv } from '../../functions/lib/pipeline/pipeline-settings';
import type { Notifier, PipelineSettings, QueryEngine, Runtime, Warehouse } from '../../functions/lib/ports';
import { prepareLoads } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { FsObjectStore } from '../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../local/warehouse/duckdb-warehouse';
import { inventoryEvent, line, writeCurated, writeReference } from './warehouse-fixture';

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
export async function writeStockCase(root: string): Promise<void> {
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
  ]);
}

export const CASE_DATES = {
  sales_lines: ['2024-01-09', '2024-01-10', '2024-01-11'],
  inventory_events: ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11'],
};

export async function loadCase(root: string, warehouse: Warehouse): Promise<void> {
  await writeStockCase(root);
  await warehouse.execute(prepareLoads({ affectedDates: CASE_DATES }, {}).redshiftSqls);
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
