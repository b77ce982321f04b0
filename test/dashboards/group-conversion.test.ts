import { datasetByName } from '../../dashboards/datasets';
import { DuckDbWarehouse } from '../../local/warehouse/duckdb-warehouse';
import { plainRows } from '../helpers/dashboard-fixture';
import { FILL_BASKETS_SQL, FILL_CATEGORY_AGGREGATES_SQL, FILL_STORE_AGGREGATES_SQL, tempLake } from '../helpers/warehouse-fixture';

/**
 * The sales data sets convert each row's sums once (dashboards/group-conversion.ts), not every line: worked by
 * hand on four lines of 0.01 GBP in one basket at 1.5 USD, each line's margin 0 (cost 0.01 USD). Converted one by
 * one the lines give 0.015 each, which rounds (0.08 in all, or 0.04 truncated): the row's 0.04 x 1.5 = 0.06 is
 * the exact total. A store whose currency has no rate keeps NULL reporting amounts.
 */
describe('sales data sets: one conversion per row, at the date\'s rate', () => {
  let rows: Record<string, ReturnType<typeof plainRows>>;

  beforeAll(async () => {
    const lake = tempLake('group-conversion');
    const w = DuckDbWarehouse.inMemory(lake.root);
    const line = (store: string, i: number): string =>
      `(CAST('2026-03-02' AS DATE), CAST('2026-03-02 10:00:00' AS TIMESTAMP), '${store}', 'A', '${store}-T1', 1, 0.01, 0.01, 0.00, NULL, '${store}-e${i}', 1, 'sale', 0, 'card')`;
    try {
      await w.execute([
        `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency) VALUES ('LON', 'London', 'Europe', 'l@example.com', 'Europe/London', 80, 'GBP'), ('BER', 'Berlin', 'Europe', 'b@example.com', 'Europe/Berlin', 80, 'EUR')`,
        `INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days) VALUES ('A', 'Milk', 'Dairy', 'Moo', 0.01, 0.01, 'Farm', 2)`,
        `INSERT INTO dim_calendar (date_key, day_of_week, week_num, month, quarter, year, fiscal_period, is_weekend) VALUES (CAST('2026-03-02' AS DATE), 1, 9, 3, 1, 2026, 'FY2026-P03', FALSE)`,
        `INSERT INTO dim_exchange_rate (rate_date, currency, rate) VALUES (CAST('2026-03-01' AS DATE), 'GBP', 1.5)`,
        `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method) VALUES ${[1, 2, 3, 4].flatMap((i) => [line('LON', i), line('BER', i)]).join(', ')}`,
        FILL_BASKETS_SQL,
        FILL_CATEGORY_AGGREGATES_SQL,
        FILL_STORE_AGGREGATES_SQL,
      ]);
      rows = {};
      for (const name of ['daily_store_sales', 'store_day_metrics', 'category_day_sales', 'sku_day_sales']) rows[name] = plainRows(await w.query(datasetByName(name).sql));
    } finally {
      await w.close();
      lake.cleanup();
    }
  });

  it.each(['daily_store_sales', 'store_day_metrics', 'category_day_sales', 'sku_day_sales'])('%s: London 0.04 GBP is 0.06 USD, Berlin without a rate is NULL', (name) => {
    const byStore = Object.fromEntries(rows[name].map((r) => [r.store_id, r]));
    expect(byStore.LON).toMatchObject({ currency: 'GBP', net_revenue: 0.04, net_revenue_rpt: 0.06 });
    expect(byStore.BER).toMatchObject({ currency: 'EUR', net_revenue: 0.04, net_revenue_rpt: null });
    if (name !== 'sku_day_sales') {
      // margin in USD: 0.06 - the cost 0.04 USD; in pounds: 0.04 - 0.04 / 1.5 = 0.0133
      expect(byStore.LON).toMatchObject({ gross_margin_rpt: 0.02, gross_margin: 0.01 });
      expect(byStore.BER).toMatchObject({ gross_margin_rpt: null, gross_margin: null });
    }
  });
});
