import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PRODUCTS_KEY, rawObjectKey, runPrefix, runRecordKeys, STORES_KEY } from '../../functions/lib/lake-layout';
import { writeJson } from '../../functions/lib/pipeline/json-objects';
import type { CurateResult } from '../../functions/lib/pipeline/state';
import { commitCheckpoint } from '../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../functions/pipeline/validate-batch/validate-batch';
import { FsObjectStore } from '../../local/adapters/fs-object-store';
import { CuratedQueryEngine } from '../../local/engine/curated-engine';
import { localSettings } from '../../local/local-runtime';
import { DuckDbWarehouse } from '../../local/warehouse/duckdb-warehouse';

export const STORES_CSV = `store_id,store_name,region,manager_email,timezone,target_daily_revenue
S001,Downtown NYC,east,nyc@example.com,America/New_York,5000
S002,Sydney CBD,apac,syd@example.com,Australia/Sydney,4000
S003,London West,emea,lon@example.com,Europe/London,4500
`;

export const PRODUCTS_CSV = `sku,product_name,category,brand,unit_cost,list_price,supplier,lead_time_days
SKU-1,Coffee beans 1kg,grocery,Acme,8.50,19.99,BeanCo,5
SKU-2,Mug,home,Acme,2.00,6.50,MugWorks,10
SKU-3,Kettle,home,Boil,15.00,39.00,Boil Ltd,14
`;

/** An empty lake in a temporary folder: its root, its object store, and a way to remove it. */
export function tempLake(name = 'test'): { root: string; store: FsObjectStore; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `retail-lake-${name}-`));
  return { root, store: new FsObjectStore(root), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A new temporary lake holding a copy of the lake at `fromRoot`, with its files' times (raw objects are read as
 * when they arrived), so every copy is the same lake. */
export function copyOfLake(fromRoot: string, name: string): { root: string; store: FsObjectStore; cleanup: () => void } {
  const lake = tempLake(name);
  cpSync(fromRoot, lake.root, { recursive: true, preserveTimestamps: true });
  return lake;
}

export async function withReference(store: FsObjectStore): Promise<void> {
  await store.put(STORES_KEY, STORES_CSV);
  await store.put(PRODUCTS_KEY, PRODUCTS_CSV);
}

let seq = 0;
export function sale(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    event_id: `e-${seq}`,
    event_type: 'sale',
    schema_version: 1,
    store_id: 'S001',
    occurred_at: '2024-03-09T15:00:00Z',
    transaction_id: `t-${seq}`,
    customer_id: null,
    payment_method: 'card',
    lines: [
      { sku: 'SKU-1', quantity: 2, unit_price: 19.99, discount: 1 },
      { sku: 'SKU-2', quantity: 1, unit_price: 6.5 },
    ],
    ...overrides,
  };
}

/** A purchase-order line in canonical form (fields in the schema's order): 12 x SKU-1 due 2024-03-14. */
export function purchaseOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    event_id: `po-${seq}`,
    event_type: 'purchase_order',
    schema_version: 1,
    store_id: 'S001',
    occurred_at: '2024-03-09T09:00:00Z',
    po_id: 'PO-S001-1',
    sku: 'SKU-1',
    quantity: 12,
    expected_date: '2024-03-14',
    supplier: 'BeanCo',
    ...overrides,
  };
}

/** A receipt (inventory_adjustment with reason receipt) of 5 x SKU-1 that fills order PO-S001-1. */
export function receipt(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    event_id: `rc-${seq}`,
    event_type: 'inventory_adjustment',
    schema_version: 1,
    store_id: 'S001',
    occurred_at: '2024-03-09T16:00:00Z',
    sku: 'SKU-1',
    quantity_change: 5,
    reason: 'receipt',
    po_id: 'PO-S001-1',
    ...overrides,
  };
}

/** Drops lines into the raw zone the way Firehose would (gzip NDJSON under an arrival-time prefix). */
/** A stock count (inventory_snapshot) in canonical form: 12 x SKU-3 at S002. */
export function stockCount(id: string, at: string): Record<string, unknown> {
  return { event_id: id, event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S002', occurred_at: at, sku: 'SKU-3', on_hand_qty: 12 };
}

/** Plan, validate, curate and commit the next batch of the lake at `root` (PlanBatch resumes an interrupted one and
 * rolls commits forward); null when there is none. Its post-commit steps are recorded done, so the next plan takes
 * new objects. */
export async function curateNextBatch(store: FsObjectStore, root: string): Promise<CurateResult | null> {
  const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
  if (plan.objectCount === 0) return null;
  await validateBatch(store, store, plan.batchId, 1);
  const curate = await curateBatch(store, store, plan.batchId, localSettings(root));
  await commitCheckpoint(store, plan.batchId);
  await writeJson(store, runRecordKeys(runPrefix(plan.batchId)).reconcile, {});
  return curate;
}

export async function putRaw(store: FsObjectStore, lines: string[], arrival = new Date('2024-03-10T01:00:00Z'), unique = 'a'): Promise<string> {
  const key = rawObjectKey(arrival, 'pos-events', unique);
  await store.put(key, gzipSync(lines.join('\n') + '\n'));
  return key;
}

/** What Reconcile reads, which every execution reaches (also one with nothing new): the local warehouse, in
 * memory, and the query engine over the lake at `root`. */
export async function reconcilePorts(root: string): Promise<{ warehouse: DuckDbWarehouse; curatedQuery: CuratedQueryEngine; close: () => Promise<void> }> {
  const warehouse = DuckDbWarehouse.inMemory(root);
  const curatedQuery = await CuratedQueryEngine.open(root);
  return {
    warehouse,
    curatedQuery,
    close: async () => {
      curatedQuery.close();
      await warehouse.close();
    },
  };
}
