import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXCHANGE_RATES_KEY, STORES_KEY } from '../../functions/lib/lake-layout';
import { STORE_FILE_COLUMNS, toCsv } from '../../functions/lib/reference/reference-data';
import type { Warehouse } from '../../functions/lib/ports';
import { chunkStatements } from '../../functions/lib/recovery/reload-warehouse';
import { prepareLoads, copySourceFromEnv } from '../../functions/pipeline/prepare-loads/prepare-loads';
import { categoryAggregateGaps, line, PRODUCTS, runLoad, skuAggregateGaps, STORES, storeAggregateGaps, USD_ONLY, writeCurated, writeReference, type SalesLineRow } from './warehouse-fixture';

/**
 * A run of loads on an empty lake folder and a migrated warehouse that checks agg_category_day (migration 0010)
 * stays the GROUP BY of fact_sales and dim_product, agg_store_day (migration 0012) that of fact_sales, and
 * agg_sku_day (migration 0013) sku_day_sales's rows summed over the stores, through everything that changes them:
 * a load, its rerun, a late event for an older date, a category change in products.csv, a reload that clears a
 * date the lake no longer holds, then a store's currency, the rates and the reporting currency changing. Run on DuckDB (test/local/warehouse/category-aggregates.test.ts) and on PostgreSQL as the pipeline's
 * role (test/local/warehouse/redshift-semantics.test.ts).
 */
const at = (date: string, h: number): string => `${date} ${String(h).padStart(2, '0')}:00:00`;
const sale = (event_id: string, store_id: string, sku: string, date: string, quantity: number, more: Partial<Parameters<typeof line>[0]> = {}): SalesLineRow =>
  line({ event_id, store_id, sku, occurred_at: at(date, 10), business_date: date, quantity, unit_price: 2, ...more });
/** a line of a loyalty customer's transaction */
const loyal = (row: SalesLineRow): SalesLineRow => ({ ...row, customer_id: 'C-7' });

// baskets of one, two and three categories (two SKUs of one category in b2), a SKU missing from products.csv
// ('(unknown)'), and a return; a loyalty customer's basket (T-b) and return
const SALES: SalesLineRow[] = [
  sale('a1', 'S001', 'SKU-1', '2024-01-01', 2),
  loyal(sale('b1', 'S001', 'SKU-1', '2024-01-01', 1, { transaction_id: 'T-b' })),
  loyal(sale('b2', 'S001', 'SKU-3', '2024-01-01', 1, { transaction_id: 'T-b' })),
  loyal(sale('b3', 'S001', 'SKU-4', '2024-01-01', 3, { transaction_id: 'T-b' })),
  loyal(sale('b4', 'S001', 'SKU-2', '2024-01-01', 1, { transaction_id: 'T-b' })),
  sale('c1', 'S002', 'SKU-2', '2024-01-02', 4, { transaction_id: 'T-c' }),
  sale('c2', 'S002', 'SKU-9', '2024-01-02', 1, { transaction_id: 'T-c' }),
  loyal(sale('r1', 'S002', 'SKU-3', '2024-01-02', 1, { event_type: 'return' })),
  sale('d1', 'S001', 'SKU-3', '2024-01-04', 5, { transaction_id: 'T-d' }),
  sale('d2', 'S001', 'SKU-1', '2024-01-04', 1, { transaction_id: 'T-d' }),
];
const DATES = ['2024-01-01', '2024-01-02', '2024-01-04'];
const load = (sales: string[], reference = USD_ONLY): string[] =>
  prepareLoads({ affectedDates: { sales_lines: sales, inventory_events: [], purchase_orders: [] } }, {}, reference).redshiftSqls;
const categories = async (w: Warehouse): Promise<unknown[]> =>
  (await w.query('SELECT DISTINCT category FROM agg_category_day ORDER BY category')).map((r) => r.category);

export async function categoryAggregatesThroughLoads(root: string, w: Warehouse): Promise<void> {
  const inSync = async (): Promise<number> => {
    const gaps = await categoryAggregateGaps(w);
    expect(gaps).toMatchObject({ missing: 0, extra: 0 });
    expect(await storeAggregateGaps(w)).toMatchObject({ missing: 0, extra: 0 });
    expect(await skuAggregateGaps(w)).toMatchObject({ missing: 0, extra: 0 });
    return gaps.rows;
  };
  const storeDays = async (): Promise<number> => (await storeAggregateGaps(w)).rows;
  await writeReference(root);
  await writeCurated(root, 'sales_lines', SALES);
  await runLoad(w, load(DATES));
  // category rows + pairs: 3 + 3 on 01-01 (T-b: Bakery, Dairy, Grocery), 3 + 1 on 01-02 (the return's Grocery
  // without a basket), 2 + 1 on 01-04
  expect(await inSync()).toBe(13);
  expect(await w.query(`SELECT baskets, attached_baskets FROM agg_category_day WHERE date_key = '2024-01-01' AND category = 'Dairy' AND paired_category = 'Dairy'`)).toEqual([
    { baskets: 2, attached_baskets: 1 },
  ]);
  // one row a store-day; the loyalty customer's return is not a visit
  expect(await storeDays()).toBe(3);
  expect(await w.query(`SELECT baskets, loyalty_visits, basket_lines FROM agg_store_day WHERE store_id = 'S002'`)).toEqual([
    { baskets: 1, loyalty_visits: 0, basket_lines: 2 },
  ]);
  expect(await w.query(`SELECT baskets, loyalty_visits FROM agg_store_day WHERE store_id = 'S001' AND date_key = '2024-01-01'`)).toEqual([{ baskets: 2, loyalty_visits: 1 }]);

  await runLoad(w, load(DATES)); // a rerun replaces whole dates
  expect(await inSync()).toBe(13);

  // a late event for an older date: curation rewrites 01-02 with it, the load replaces that date only
  const late = sale('c3', 'S002', 'SKU-1', '2024-01-02', 2, { transaction_id: 'T-c' });
  await writeCurated(root, 'sales_lines', [...SALES.filter((s) => s.business_date === '2024-01-02'), late]);
  await runLoad(w, load(['2024-01-02']));
  expect(await inSync()).toBe(13 + 1 + 2); // Dairy joins T-c's Bakery and (unknown)
  expect(await w.query(`SELECT basket_lines FROM agg_store_day WHERE store_id = 'S002'`)).toEqual([{ basket_lines: 3 }]);

  // products.csv moves SKU-1 to another category and adds SKU-9: a batch without sales must not leave the old ones
  const products = [...PRODUCTS.map((p) => (p.sku === 'SKU-1' ? { ...p, category: 'Chilled' } : p)), { ...PRODUCTS[0], sku: 'SKU-9', category: 'Misc' }];
  await writeReference(root, STORES, products);
  await runLoad(w, load([]));
  await inSync();
  expect(await categories(w)).toEqual(['Bakery', 'Chilled', 'Grocery', 'Misc']);

  // a reload of January after 01-04 left the lake: the date is cleared, with its aggregates
  rmSync(join(root, 'curated', 'sales_lines', 'business_date=2024-01-04'), { recursive: true });
  const chunk = { from: '2024-01-01', to: '2024-01-31', dates: { sales_lines: ['2024-01-01', '2024-01-02'], inventory_events: [], purchase_orders: [] } };
  await runLoad(w, chunkStatements(chunk, copySourceFromEnv({}), USD_ONLY));
  await inSync();
  expect(await w.query(`SELECT count(*) AS n FROM agg_category_day WHERE date_key = '2024-01-04'`)).toEqual([{ n: 0 }]);
  expect(await storeDays()).toBe(2);
  expect(await w.query('SELECT count(*) AS n FROM stg_sales_agg_dates')).toEqual([{ n: 0 }]); // the work list emptied

  // the conversion of agg_sku_day's revenue changes without any sale changing, one thing at a time: S002 (01-02:
  // SKU-2 4 x 2) moves from USD to GBP, at 1.25 from 01-01; a rate for 01-02 is added; the reporting currency
  // becomes GBP (S001, in USD, has no rate: NULL)
  const revenue = async (sku: string): Promise<unknown[]> =>
    (await w.query(`SELECT CAST(date_key AS VARCHAR(10)) AS d, net_revenue_rpt FROM agg_sku_day WHERE sku = '${sku}' ORDER BY date_key`)).map((r) => [r.d, r.net_revenue_rpt === null ? null : Number(r.net_revenue_rpt)]);
  const stores = (s002: string): string => toCsv([...STORE_FILE_COLUMNS], STORES.map((st) => ({ ...st, currency: st.store_id === 'S002' ? s002 : 'USD' })));
  const rates = (text: string): void => {
    mkdirSync(dirname(join(root, EXCHANGE_RATES_KEY)), { recursive: true });
    writeFileSync(join(root, EXCHANGE_RATES_KEY), `rate_date,currency,rate\n${text}`);
  };
  const withRates = { reportingCurrency: 'USD', exchangeRates: true };
  rates('2024-01-01,GBP,1.25\n');
  writeFileSync(join(root, STORES_KEY), stores('USD'));
  await runLoad(w, load([], withRates));
  await inSync();
  expect(await revenue('SKU-2')).toEqual([['2024-01-01', 2], ['2024-01-02', 8]]);
  writeFileSync(join(root, STORES_KEY), stores('GBP'));
  await runLoad(w, load([], withRates));
  await inSync();
  expect(await revenue('SKU-2')).toEqual([['2024-01-01', 2], ['2024-01-02', 10]]);
  rates('2024-01-01,GBP,1.25\n2024-01-02,GBP,1.5\n');
  await runLoad(w, load([], withRates));
  await inSync();
  expect(await revenue('SKU-2')).toEqual([['2024-01-01', 2], ['2024-01-02', 12]]);
  await runLoad(w, load([], { reportingCurrency: 'GBP', exchangeRates: true }));
  await inSync();
  expect(await revenue('SKU-2')).toEqual([['2024-01-01', null], ['2024-01-02', 8]]);
  expect(await w.query('SELECT count(*) AS n FROM stg_sales_agg_dates')).toEqual([{ n: 0 }]);
}

