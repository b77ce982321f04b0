import { reloadWarehouse } from '../../functions/lib/recovery/reload-warehouse';
import { copySourceFromEnv } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { committedRuns } from '../../functions/lib/pipeline/run-history';
import { createLocalRuntime, type LocalRuntime } from '../../local/local-runtime';
import { runPipeline, type PipelineRunResult } from '../../local/pipeline/local-runner';
import { purchaseOrder, putRaw, receipt, sale, tempLake, withReference } from '../helpers/lake-fixture';

/** Orders and the receipts that fill them, with a duplicate and a refused receipt, through the local pipeline. */
describe('purchase orders and receipts through the local pipeline', () => {
  let rt: LocalRuntime;
  let run: PipelineRunResult;

  beforeAll(async () => {
    const { root, store } = tempLake('orders');
    rt = await createLocalRuntime(root);
    await withReference(store);
    const order = purchaseOrder({ event_id: 'po-1', po_id: 'PO-S001-1', quantity: 12 });
    const events = [
      sale({ event_id: 'sale-1' }),
      order,
      order, // a redelivery: counted once
      purchaseOrder({ event_id: 'po-2', po_id: 'PO-S001-1', sku: 'SKU-2', quantity: 4, supplier: 'MugWorks' }),
      // Sydney: 23:00 UTC on 9 March is 10 March there
      purchaseOrder({ event_id: 'po-3', store_id: 'S002', occurred_at: '2024-03-09T23:00:00Z', po_id: 'PO-S002-1', expected_date: '2024-03-12' }),
      receipt({ event_id: 'rc-1', po_id: 'PO-S001-1', quantity_change: 5 }),
      receipt({ event_id: 'rc-2', po_id: undefined }), // a receipt naming no order: no link row
      receipt({ event_id: 'shrink-1', reason: 'shrink', quantity_change: -1 }), // a po_id on a shrink: refused
    ];
    await putRaw(store, events.map((e) => JSON.stringify(e)));
    run = await runPipeline(rt);
  }, 120_000);

  afterAll(async () => {
    await rt.close();
  });

  it('curates the orders and one link row per receipt naming an order, and the counts balance', async () => {
    expect(run.status).toBe('succeeded');
    const out = run.output as { commit: Record<string, unknown>; reconcile: { balanced: boolean; summary: string } };
    // 8 received = 6 curated (sale, 3 orders, 2 receipts) + 1 quarantined + 1 duplicate
    expect(out.commit).toMatchObject({
      received: 8,
      curatedEvents: 6,
      quarantined: 1,
      duplicates: 1,
      rows: { sales_lines: 2, inventory_events: 2, purchase_orders: 4 },
      affectedDates: { purchase_orders: ['2024-03-09', '2024-03-10'] },
    });
    // the per-date totals stay in the run record, out of the state; purchase orders count with inventory events, the
    // link row does not
    expect(out.commit).not.toHaveProperty('dateTotals');
    const [committed] = await committedRuns(rt.store);
    expect(committed.dateTotals).toMatchObject({ '2024-03-09': { salesLines: 2, inventoryEvents: 4 }, '2024-03-10': { salesLines: 0, netRevenueCents: 0, inventoryEvents: 1 } });
    expect(out.reconcile.balanced).toBe(true);
    const rows = await rt.curatedQuery.query(
      `SELECT event_id, store_id, sku, CAST(business_date AS VARCHAR) AS business_date, event_type, po_id, quantity, CAST(expected_date AS VARCHAR) AS expected_date, supplier
       FROM purchase_orders ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'po-1', store_id: 'S001', sku: 'SKU-1', business_date: '2024-03-09', event_type: 'purchase_order', po_id: 'PO-S001-1', quantity: 12, expected_date: '2024-03-14', supplier: 'BeanCo' },
      { event_id: 'po-2', store_id: 'S001', sku: 'SKU-2', business_date: '2024-03-09', event_type: 'purchase_order', po_id: 'PO-S001-1', quantity: 4, expected_date: '2024-03-14', supplier: 'MugWorks' },
      { event_id: 'po-3', store_id: 'S002', sku: 'SKU-1', business_date: '2024-03-10', event_type: 'purchase_order', po_id: 'PO-S002-1', quantity: 12, expected_date: '2024-03-12', supplier: 'BeanCo' },
      { event_id: 'rc-1', store_id: 'S001', sku: 'SKU-1', business_date: '2024-03-09', event_type: 'receipt', po_id: 'PO-S001-1', quantity: 5, expected_date: null, supplier: null },
    ]);
    // the receipts' stock effect stays in inventory_events, with or without an order
    const stock = await rt.curatedQuery.query(`SELECT event_id, quantity_change FROM inventory_events ORDER BY event_id`);
    expect(stock).toEqual([
      { event_id: 'rc-1', quantity_change: 5 },
      { event_id: 'rc-2', quantity_change: 5 },
    ]);
    const [refused] = await rt.curatedQuery.query('SELECT detail FROM quarantine');
    expect(refused.detail).toBe("po_id: only a receipt (reason receipt) may name a purchase order, this adjustment's reason is shrink");
  });

  const facts = (): Promise<unknown[]> =>
    rt.warehouse.query(
      `SELECT event_id, CAST(date_key AS VARCHAR) AS date_key, event_type, po_id, quantity, CAST(expected_date AS VARCHAR) AS expected_date, supplier
       FROM fact_purchase_order ORDER BY event_id`,
    );

  it('reload --warehouse empties and reloads them with the other facts: the same rows, a stray one on a date the lake does not hold gone', async () => {
    const before = await facts();
    await rt.warehouse.execute([
      `INSERT INTO fact_purchase_order (date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity)
       VALUES (DATE '2024-03-20', TIMESTAMP '2024-03-20 10:00:00', 'S001', 'SKU-3', 'stray', 'purchase_order', 'PO-X', 1)`,
    ]);
    await reloadWarehouse(rt, copySourceFromEnv({}), { from: '2024-03-01', to: '2024-03-31' });
    expect(await facts()).toEqual(before);
  });

  it('loads them into fact_purchase_order', async () => {
    expect(await facts()).toEqual([
      { event_id: 'po-1', date_key: '2024-03-09', event_type: 'purchase_order', po_id: 'PO-S001-1', quantity: 12, expected_date: '2024-03-14', supplier: 'BeanCo' },
      { event_id: 'po-2', date_key: '2024-03-09', event_type: 'purchase_order', po_id: 'PO-S001-1', quantity: 4, expected_date: '2024-03-14', supplier: 'MugWorks' },
      { event_id: 'po-3', date_key: '2024-03-10', event_type: 'purchase_order', po_id: 'PO-S002-1', quantity: 12, expected_date: '2024-03-12', supplier: 'BeanCo' },
      { event_id: 'rc-1', date_key: '2024-03-09', event_type: 'receipt', po_id: 'PO-S001-1', quantity: 5, expected_date: null, supplier: null },
    ]);
  });
});
