import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../../../local/warehouse/duckdb-warehouse';
import { dateRangeProblem } from '../../../../functions/lib/recovery/date-range';
import { chunkStatements, curatedDates, reloadChunks, reloadWarehouse } from '../../../../functions/lib/recovery/reload-warehouse';
import { DATA_API_BATCH_LIMIT } from '../../../../functions/lib/warehouse/load-statements';
import type { PipelineSettings } from '../../../../functions/lib/ports';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { USD_ONLY, basketFactGaps, categoryAggregateGaps, curatedTotals, openLineGaps, skuAggregateGaps, storeAggregateGaps, FILL_BASKETS_SQL, FILL_CATEGORY_AGGREGATES_SQL, FILL_SKU_AGGREGATES_SQL, FILL_STORE_AGGREGATES_SQL, inventoryEvent, line, tempLake, warehouseTotals, writeCurated, writeReference, type SalesLineRow } from '../../../helpers/warehouse-fixture';

const SOURCE = { bucket: 'local-curated', role: 'arn:aws:iam::000000000000:role/local-copy' };

// dates in two months, so the reload takes two batches
const SALES: SalesLineRow[] = [
  line({ event_id: 'e1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-30 09:00:00', business_date: '2024-01-30', quantity: 3, unit_price: 1.2 }),
  line({ event_id: 'e2', store_id: 'S002', sku: 'SKU-2', occurred_at: '2024-01-31 22:00:00', business_date: '2024-01-31', quantity: 2, unit_price: 2.5 }),
  line({ event_id: 'e3', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-02-02 10:00:00', business_date: '2024-02-02', quantity: 5, unit_price: 1.2 }),
  line({ event_id: 'e4', store_id: 'S001', sku: 'SKU-3', occurred_at: '2024-02-03 11:00:00', business_date: '2024-02-03', quantity: 1, unit_price: 6.99, event_type: 'return' }),
];
const INVENTORY = [
  inventoryEvent({ event_id: 'i1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-30 07:00:00', business_date: '2024-01-30', event_type: 'inventory_snapshot', on_hand_qty: 40, reorder_point: 10 }),
];

const FACT_COLUMNS = 'date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method';
/** A fact row like e1's on another date, under another event id. */
const copyOfE1 = (date: string, eventId: string): string =>
  `INSERT INTO fact_sales (${FACT_COLUMNS}) SELECT ${FACT_COLUMNS.replace('date_key', `CAST('${date}' AS DATE)`).replace('event_id', `'${eventId}'`)} FROM fact_sales WHERE event_id = 'e1'`;

async function lakeWithWarehouse(): Promise<{ store: FsObjectStore; files: FsObjectStore; warehouse: DuckDbWarehouse; settings: PipelineSettings; root: string; cleanup: () => void }> {
  const lake = tempLake('reload');
  await writeReference(lake.root);
  await writeCurated(lake.root, 'sales_lines', SALES);
  await writeCurated(lake.root, 'inventory_events', INVENTORY);
  return { ...lake, files: lake.store, warehouse: DuckDbWarehouse.inMemory(lake.root), settings: settingsFromEnv({}) };
}

describe('reload --warehouse', () => {
  it('refuses bad dates and a range that ends before it starts', () => {
    expect(dateRangeProblem({ from: '2024-02-30' })).toMatch(/--from must be a date YYYY-MM-DD/);
    expect(dateRangeProblem({ to: '20240201' })).toMatch(/--to must be a date/);
    expect(dateRangeProblem({ from: '2024-03-01', to: '2024-02-01' })).toBe('--from 2024-03-01 is after --to 2024-02-01');
    expect(dateRangeProblem({ from: '2024-02-01', to: '2024-02-01' })).toBeNull();
  });

  it('splits the dates into month batches that together cover the whole range', () => {
    const chunks = reloadChunks({ sales_lines: ['2024-01-30', '2024-03-02'], inventory_events: ['2024-01-31'], purchase_orders: [] }, { from: '2024-01-15' });
    expect(chunks).toEqual([
      { from: '2024-01-15', to: '2024-02-29', dates: { sales_lines: ['2024-01-30'], inventory_events: ['2024-01-31'], purchase_orders: [] } },
      { from: '2024-03-01', to: '9999-12-31', dates: { sales_lines: ['2024-03-02'], inventory_events: [], purchase_orders: [] } },
    ]);
    expect(reloadChunks({ sales_lines: [], inventory_events: [], purchase_orders: [] }, {})).toEqual([{ from: '0001-01-01', to: '9999-12-31', dates: { sales_lines: [], inventory_events: [], purchase_orders: [] } }]);
    // a full month of dates still fits one Data API batch (the COPY prefixes coarsen to the month)
    const month = Array.from({ length: 31 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
    const [full] = reloadChunks({ sales_lines: month, inventory_events: month, purchase_orders: month }, {});
    expect(chunkStatements(full, SOURCE, USD_ONLY).length).toBeLessThanOrEqual(DATA_API_BATCH_LIMIT);
  });

  it('lists the curated dates within the range', async () => {
    const lake = await lakeWithWarehouse();
    try {
      expect(await curatedDates(lake.store, { from: '2024-01-31', to: '2024-02-02' })).toEqual({ sales_lines: ['2024-01-31', '2024-02-02'], inventory_events: [], purchase_orders: [] });
    } finally {
      await lake.warehouse.close();
      lake.cleanup();
    }
  });

  it('rebuilds an emptied warehouse to the lake totals, and a second reload changes nothing', async () => {
    const lake = await lakeWithWarehouse();
    try {
      const progress: number[] = [];
      expect(await reloadWarehouse(lake, SOURCE, {}, (done) => progress.push(done))).toEqual({ dates: 4, batches: 2, salesDates: ['2024-01-30', '2024-01-31', '2024-02-02', '2024-02-03'] });
      expect(progress).toEqual([0, 1, 2]);
      const lakeTotals = await curatedTotals(lake.root);
      expect(await warehouseTotals(lake.warehouse)).toEqual(lakeTotals);
      const baskets = await basketFactGaps(lake.warehouse);
      expect(baskets).toEqual({ baskets: expect.any(Number), missing: 0, extra: 0 });
      expect(baskets.baskets).toBeGreaterThan(0);

      await lake.warehouse.execute(['DELETE FROM fact_sales', 'DELETE FROM fact_inventory_event']);
      await reloadWarehouse(lake, SOURCE);
      expect(await warehouseTotals(lake.warehouse)).toEqual(lakeTotals);
      await reloadWarehouse(lake, SOURCE);
      expect(await warehouseTotals(lake.warehouse)).toEqual(lakeTotals);
      expect(await basketFactGaps(lake.warehouse)).toEqual(baskets);
      expect(await lake.warehouse.query('SELECT count(*) AS n FROM fact_inventory_event')).toEqual([{ n: 1 }]);
      expect((await lake.warehouse.query('SELECT count(*) AS n FROM dim_product'))[0].n).toBeGreaterThan(0);
    } finally {
      await lake.warehouse.close();
      lake.cleanup();
    }
  });

  it('refreshes the derived tables after each month: a month that fails leaves the months before it whole', async () => {
    const lake = await lakeWithWarehouse();
    try {
      let batches = 0;
      const warehouse = {
        query: (sql: string) => lake.warehouse.query(sql),
        // the load of the second month (the third batch: month one's load, its refresh, month two's load) fails
        execute: async (sqls: string[]) => (++batches === 3 ? Promise.reject(new Error('disk full')) : lake.warehouse.execute(sqls)),
      };
      await expect(reloadWarehouse({ ...lake, warehouse }, SOURCE)).rejects.toThrow('disk full');
      // January is loaded and its derived rows with it; February is not loaded yet
      expect(await storeAggregateGaps(lake.warehouse)).toEqual({ rows: 2, missing: 0, extra: 0 });
      expect(await categoryAggregateGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      expect(await skuAggregateGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      expect(await openLineGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      expect(await lake.warehouse.query('SELECT count(*) AS n FROM stg_sales_agg_dates')).toEqual([{ n: 0 }]);
    } finally {
      await lake.warehouse.close();
      lake.cleanup();
    }
  });

  it('reloads only the range: a dropped date comes back, a date the lake does not hold leaves, others stay as they are', async () => {
    const lake = await lakeWithWarehouse();
    try {
      await reloadWarehouse(lake, SOURCE);
      const lakeTotals = await curatedTotals(lake.root);
      await lake.warehouse.execute([
        `DELETE FROM fact_sales WHERE date_key = CAST('2024-01-31' AS DATE)`,
        // a row outside the range that the reload must not touch, and one inside it the lake has no partition for
        copyOfE1('2023-12-01', 'x1'),
        copyOfE1('2024-02-01', 'x2'),
        // fact_basket kept the GROUP BY of the edited fact_sales: x2's basket (T-e1 on 02-01) must leave with it
        'DELETE FROM fact_basket',
        FILL_BASKETS_SQL,
        'DELETE FROM agg_category_day',
        FILL_CATEGORY_AGGREGATES_SQL,
        'DELETE FROM agg_store_day',
        FILL_STORE_AGGREGATES_SQL,
        'DELETE FROM agg_sku_day',
        FILL_SKU_AGGREGATES_SQL,
        // x2's date has no category rows (as code from before agg_category_day loaded it): its store-day and SKU-day
        // rows must still leave with the date
        `DELETE FROM agg_category_day WHERE date_key = CAST('2024-02-01' AS DATE)`,
      ]);
      await reloadWarehouse(lake, SOURCE, { from: '2024-01-31', to: '2024-02-03' });
      const dates = (await lake.warehouse.query(`SELECT CAST(date_key AS VARCHAR) AS d, count(*) AS n FROM fact_sales GROUP BY 1 ORDER BY 1`)).map((r) => `${String(r.d)}:${Number(r.n)}`);
      expect(dates).toEqual(['2023-12-01:1', '2024-01-30:1', '2024-01-31:1', '2024-02-02:1', '2024-02-03:1']);
      expect(await basketFactGaps(lake.warehouse)).toEqual({ baskets: 5, missing: 0, extra: 0 });
      // the derived tables follow: x2's date leaves them, 01-31 comes back
      expect(await storeAggregateGaps(lake.warehouse)).toEqual({ rows: 5, missing: 0, extra: 0 });
      expect(await categoryAggregateGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      expect(await skuAggregateGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      // again, with x2's date in agg_sku_day only: its rows leave with the date too
      await lake.warehouse.execute([copyOfE1('2024-02-01', 'x2'), 'DELETE FROM agg_sku_day', FILL_SKU_AGGREGATES_SQL]);
      await reloadWarehouse(lake, SOURCE, { from: '2024-02-01', to: '2024-02-01' });
      expect(await skuAggregateGaps(lake.warehouse)).toMatchObject({ missing: 0, extra: 0 });
      await lake.warehouse.execute([`DELETE FROM fact_sales WHERE event_id = 'x1'`]);
      expect(await warehouseTotals(lake.warehouse)).toEqual(lakeTotals);
    } finally {
      await lake.warehouse.close();
      lake.cleanup();
    }
  });
});
