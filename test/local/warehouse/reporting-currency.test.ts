import { datasetByName } from '../../../dashboards/datasets';
import { EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY } from '../../../functions/lib/lake-layout';
import { referenceLoad } from '../../../functions/lib/pipeline/load-reference';
import type { Row, Warehouse } from '../../../functions/lib/ports';
import { PRODUCT_COLUMNS, STORE_COLUMNS, STORE_FILE_COLUMNS, toCsv, type Store } from '../../../functions/lib/reference/reference-data';
import { prepareLoads } from '../../../functions/pipeline/prepare-loads/prepare-loads';
import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { deployWarehouse, startRedshiftOnPostgres, type RedshiftOnPostgres } from '../../helpers/redshift-on-postgres';
import { line, PRODUCTS, runLoad, tempLake, writeCurated } from '../../helpers/warehouse-fixture';

/**
 * Totals across stores in two currencies, by hand: New York in USD (the reporting currency, no currency in
 * stores.csv), London in GBP at 1.25 on 2024-01-01 (2024-01-02 has no rate of its own: the previous day's 1.25)
 * and 1.30 on 2024-01-03, Berlin in EUR with no rate at all (its converted amounts are NULL, never a silent 1).
 * The same load runs on DuckDB (the local warehouse) and on PostgreSQL as the pipeline's role (Redshift's stand-in).
 */
const STORES: Store[] = [
  { store_id: 'NYC', store_name: 'New York', region: 'East', manager_email: 'n@example.com', timezone: 'America/New_York', target_daily_revenue: 200 },
  { store_id: 'LON', store_name: 'London', region: 'Europe', manager_email: 'l@example.com', timezone: 'Europe/London', target_daily_revenue: 100, currency: 'GBP' },
  { store_id: 'BER', store_name: 'Berlin', region: 'Europe', manager_email: 'b@example.com', timezone: 'Europe/Berlin', target_daily_revenue: 80, currency: 'EUR' },
];
const RATES = 'rate_date,currency,rate\n2024-01-01,GBP,1.25\n2024-01-03,GBP,1.30\n';
const at = (date: string) => ({ occurred_at: `${date} 12:00:00`, business_date: date });
const SALES = [
  line({ event_id: 'n1', store_id: 'NYC', sku: 'SKU-1', ...at('2024-01-01'), quantity: 2, unit_price: 50 }), // 100 USD
  line({ event_id: 'l1', store_id: 'LON', sku: 'SKU-1', ...at('2024-01-01'), quantity: 1, unit_price: 10 }), // 10 GBP = 12.50 USD
  line({ event_id: 'l2', store_id: 'LON', sku: 'SKU-2', ...at('2024-01-02'), quantity: 2, unit_price: 10 }), // 20 GBP = 25.00 USD (1.25 of the day before)
  line({ event_id: 'b1', store_id: 'BER', sku: 'SKU-1', ...at('2024-01-02'), quantity: 1, unit_price: 7 }), // 7 EUR: no rate
  line({ event_id: 'l3', store_id: 'LON', sku: 'SKU-2', ...at('2024-01-03'), quantity: 4, unit_price: 10 }), // 40 GBP = 52.00 USD
  line({ event_id: 'n2', store_id: 'NYC', sku: 'SKU-3', ...at('2024-01-03'), quantity: 1, unit_price: 5 }), // 5 USD
];
const AFFECTED = { sales_lines: ['2024-01-01', '2024-01-02', '2024-01-03'], inventory_events: [] };

/** Amounts as numbers: DuckDB and PostgreSQL return DECIMAL and BIGINT as different JavaScript types. */
const numbers = (rows: Row[]): Record<string, unknown>[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v)) ? Number(v) : v])));

/** The hand-computed figures, asked of a loaded warehouse. */
async function expectHandComputedTotals(w: Warehouse): Promise<void> {
  expect(await w.query(`SELECT currency FROM dim_reporting_currency`)).toEqual([{ currency: 'USD' }]);
  expect(await w.query(`SELECT store_id, currency FROM dim_store ORDER BY store_id`)).toEqual([
    { store_id: 'BER', currency: 'EUR' },
    { store_id: 'LON', currency: 'GBP' },
    { store_id: 'NYC', currency: 'USD' },
  ]);
  const byDate = await w.query(
    `SELECT CAST(date_key AS VARCHAR(10)) AS d, SUM(net_revenue_rpt) AS revenue_usd, COUNT(*) - COUNT(net_revenue_rpt) AS unconverted FROM v_sales_reporting GROUP BY date_key ORDER BY date_key`,
  );
  expect(numbers(byDate)).toEqual([
    { d: '2024-01-01', revenue_usd: 112.5, unconverted: 0 },
    { d: '2024-01-02', revenue_usd: 25, unconverted: 1 },
    { d: '2024-01-03', revenue_usd: 57, unconverted: 0 },
  ]);
  expect(numbers(await w.query(`SELECT SUM(net_revenue_rpt) AS total FROM v_sales_reporting`))).toEqual([{ total: 194.5 }]);
  expect(numbers(await w.query(`SELECT store_id, fx_rate, net_revenue_rpt FROM v_sales_reporting WHERE date_key = '2024-01-02' ORDER BY store_id`))).toEqual([
    { store_id: 'BER', fx_rate: null, net_revenue_rpt: null },
    { store_id: 'LON', fx_rate: 1.25, net_revenue_rpt: 25 },
  ]);
  // the dashboard's dataset: the same total, and London's target converted at the date's rate
  const daily = numbers(await w.query(datasetByName('daily_store_sales').sql));
  expect(daily.reduce((n, r) => n + Number(r.net_revenue_rpt ?? 0), 0)).toBeCloseTo(194.5, 9);
  expect(daily.filter((r) => r.store_id === 'LON').map((r) => [r.currency, r.net_revenue, r.target_revenue_rpt])).toEqual([
    ['GBP', 10, 125],
    ['GBP', 20, 125],
    ['GBP', 40, 130],
  ]);
}

describe('money in one reporting currency (two currencies, a rate other than 1)', () => {
  let lake: ReturnType<typeof tempLake>;
  let pg: RedshiftOnPostgres | undefined;

  beforeAll(async () => {
    lake = tempLake('fx');
    await lake.store.put(STORES_KEY, toCsv<Store>([...STORE_FILE_COLUMNS], STORES));
    await lake.store.put(PRODUCTS_KEY, toCsv([...PRODUCT_COLUMNS], PRODUCTS));
    await lake.store.put(EXCHANGE_RATES_KEY, RATES);
    await writeCurated(lake.root, 'sales_lines', SALES);
  });
  afterAll(async () => {
    await pg?.close();
    lake?.cleanup();
  });

  const load = async (reportingCurrency = 'USD'): Promise<string[]> =>
    prepareLoads({ affectedDates: AFFECTED }, {}, await referenceLoad(lake.store, reportingCurrency)).redshiftSqls;

  it('on DuckDB, the local warehouse', async () => {
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await runLoad(w, await load());
      await expectHandComputedTotals(w);
    } finally {
      await w.close();
    }
  });

  it('on PostgreSQL, as the pipeline role with only its grants (DML only)', async () => {
    pg = await startRedshiftOnPostgres(lake.root);
    await deployWarehouse(pg);
    await runLoad(pg.pipeline, await load());
    await runLoad(pg.pipeline, await load()); // a rerun changes nothing
    await expectHandComputedTotals(pg.pipeline);
  }, 180_000); // PGlite takes seconds to start and the deploy runs every migration

  it('reports in the stage setting, and without the rates file only stores in the reporting currency are converted', async () => {
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await w.execute(await load('GBP'));
      expect(numbers(await w.query(`SELECT store_id, SUM(net_revenue_rpt) AS rpt FROM v_sales_reporting GROUP BY store_id ORDER BY store_id`))).toEqual([
        { store_id: 'BER', rpt: null },
        { store_id: 'LON', rpt: 70 },
        { store_id: 'NYC', rpt: 105 }, // no currency in stores.csv: in the reporting currency, whichever it is
      ]);

      await lake.store.delete([EXCHANGE_RATES_KEY]);
      await w.execute(await load());
      expect(await w.query(`SELECT count(*) AS n FROM dim_exchange_rate`)).toEqual([{ n: 0 }]);
      expect(numbers(await w.query(`SELECT store_id, SUM(net_revenue_rpt) AS rpt FROM v_sales_reporting GROUP BY store_id ORDER BY store_id`))).toEqual([
        { store_id: 'BER', rpt: null },
        { store_id: 'LON', rpt: null },
        { store_id: 'NYC', rpt: 105 },
      ]);

      // an existing lake's stores.csv, without the column: every store is in the reporting currency
      await lake.store.put(STORES_KEY, toCsv([...STORE_COLUMNS], STORES));
      await w.execute(await load());
      expect(await w.query(`SELECT DISTINCT currency FROM dim_store`)).toEqual([{ currency: 'USD' }]);
    } finally {
      await lake.store.put(EXCHANGE_RATES_KEY, RATES);
      await lake.store.put(STORES_KEY, toCsv<Store>([...STORE_FILE_COLUMNS], STORES));
      await w.close();
    }
  });
});
