import type { Row, Warehouse } from '../../../functions/lib/ports';
import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { crossSellExtraStatements, metricFixtureStatements } from '../../helpers/metric-fixture';
import { deployWarehouse, startRedshiftOnPostgres, type RedshiftOnPostgres } from '../../helpers/redshift-on-postgres';
import { tempLake } from '../../helpers/warehouse-fixture';

/**
 * Known answers of every metric view (the warehouse migration `*_metric_views.sql`) on the hand-built fixture of
 * test/helpers/metric-fixture.ts, computed by hand (the arithmetic is in the comments), on both stand-ins of
 * Redshift: DuckDB (the local warehouse) and PostgreSQL (PGlite, the views read by the pipeline's role, which
 * has SELECT only through the CDK grants).
 */
type Table = (string | number | null)[][];

/** A view's rows as arrays of the listed columns; numbers as numbers, dates as YYYY-MM-DD. */
async function select(w: Warehouse, view: string, columns: string, orderBy: string): Promise<Table> {
  const rows = await w.query(`SELECT ${columns} FROM ${view} ORDER BY ${orderBy}`);
  return rows.map((r: Row) =>
    Object.values(r).map((v) => {
      if (v === null || v === undefined) return null;
      if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      const s = String(v);
      return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s.slice(0, /^\d{4}-\d\d-\d\d[ T]00:00:00/.test(s) ? 10 : undefined);
    }),
  );
}

const EXPECTED: [view: string, columns: string, orderBy: string, rows: Table][] = [
  [
    // target = target_daily_revenue x weekday weight (Mon 0.85, Sat 1.30, Sun 0.85); S1 Mon 32 = 6+5+3+5+3+5+8-3
    'v_metric_revenue_vs_target', 'date_key, store_id, currency, day_of_week, net_revenue, target_revenue, pct_of_target', 'date_key, store_id',
    [
      ['2026-02-01', 'S1', 'USD', 7, 0, 85, 0],
      ['2026-02-01', 'S2', 'EUR', 7, 0, 170, 0],
      ['2026-02-01', 'S3', 'USD', 7, 15, 42.5, 35.29], // 15 / 42.50
      ['2026-03-02', 'S1', 'USD', 1, 32, 85, 37.65], // 32 / 85
      ['2026-03-02', 'S2', 'EUR', 1, 40, 170, 23.53], // 40 / 170
      ['2026-03-02', 'S3', 'USD', 1, 0, 42.5, 0],
      ['2026-03-07', 'S1', 'USD', 6, 11, 130, 8.46], // 11 / 130
      ['2026-03-07', 'S2', 'EUR', 6, 0, 260, 0],
      ['2026-03-07', 'S3', 'USD', 6, 0, 65, 0],
    ],
  ],
  [
    // sale baskets only: S1 Mon T1..T4 = 4 baskets, 3+2+2+1 units, 11+8+8+8 revenue (the return R1 is not a basket)
    'v_metric_basket', 'date_key, store_id, currency, baskets, units, net_revenue, avg_basket_value, units_per_transaction', 'date_key, store_id',
    [
      ['2026-02-01', 'S3', 'USD', 1, 1, 15, 15, 1],
      ['2026-03-02', 'S1', 'USD', 4, 8, 35, 8.75, 2],
      ['2026-03-02', 'S2', 'EUR', 1, 2, 40, 40, 2],
      ['2026-03-07', 'S1', 'USD', 1, 2, 11, 11, 2],
    ],
  ],
  [
    // S1 Mon margin 4+3+2+3+2+3+3-2 = 18 of 32
    'v_metric_gross_margin', 'date_key, store_id, currency, net_revenue, gross_margin, gross_margin_pct', 'date_key, store_id',
    [
      ['2026-02-01', 'S3', 'USD', 15, 5, 33.33],
      ['2026-03-02', 'S1', 'USD', 32, 18, 56.25],
      ['2026-03-02', 'S2', 'EUR', 40, 20, 50],
      ['2026-03-07', 'S1', 'USD', 11, 5, 45.45],
    ],
  ],
  [
    // S1 March: cogs (32+11) - (18+5) = 20; inventory at cost 03-02 10x1+5x2+4x5 = 40, 03-07 8+40+45+60 = 153, mean 96.50
    'v_metric_inventory_turnover', 'store_id, month_start, cogs, avg_inventory_cost, turnover', 'store_id, month_start',
    [
      ['S1', '2026-03-01', 20, 96.5, 0.21],
      ['S2', '2026-03-01', 20, null, null],
      ['S3', '2026-02-01', 10, null, null],
    ],
  ],
  [
    // S1 March: 23 / 96.50
    'v_metric_gmroi', 'store_id, month_start, gross_margin, avg_inventory_cost, gmroi', 'store_id, month_start',
    [
      ['S1', '2026-03-01', 23, 96.5, 0.24],
      ['S2', '2026-03-01', 20, null, null],
      ['S3', '2026-02-01', 5, null, null],
    ],
  ],
  [
    // sold / (sold + on hand at the month's last snapshot, 03-07): A 4/(4+8), B 3/(3+20), C 2/(2+9)
    'v_metric_sell_through', 'store_id, sku, month_start, units_sold, ending_on_hand, sell_through_pct', 'store_id, sku',
    [
      ['S1', 'A', '2026-03-01', 4, 8, 33.33],
      ['S1', 'B', '2026-03-01', 3, 20, 13.04],
      ['S1', 'C', '2026-03-01', 2, 9, 18.18],
    ],
  ],
  [
    // reporting currency: S2's D 40 EUR x 1.10 = 44 USD
    'v_metric_top_skus', 'month_start, sku, category, reporting_currency, net_units, net_revenue_rpt, stores_selling, revenue_rank', 'month_start, revenue_rank',
    [
      ['2026-02-01', 'D', 'Grocery', 'USD', 1, 15, 1, 1],
      ['2026-03-01', 'D', 'Grocery', 'USD', 2, 44, 1, 1],
      ['2026-03-01', 'C', 'Grocery', 'USD', 2, 16, 1, 2],
      ['2026-03-01', 'B', 'Bakery', 'USD', 3, 15, 1, 3],
      ['2026-03-01', 'A', 'Dairy', 'USD', 4, 12, 1, 4],
    ],
  ],
  [
    // North Mon: S1 32 + S2 44 = 76, margin 18 + 24 = 42; sale baskets 4 + 1, sale revenue 35 + 44 = 79
    'v_metric_region_rollup', 'date_key, region, reporting_currency, stores, net_revenue_rpt, gross_margin_rpt, gross_margin_pct, baskets, avg_basket_value_rpt', 'date_key, region',
    [
      ['2026-02-01', 'South', 'USD', 1, 15, 5, 33.33, 1, 15],
      // S2's EUR line: revenue 40 EUR = 44 USD less cost 2 x 10 USD (products' unit cost is in the reporting currency) = 24
      ['2026-03-02', 'North', 'USD', 2, 76, 42, 55.26, 5, 15.8],
      ['2026-03-07', 'North', 'USD', 1, 11, 5, 45.45, 1, 11],
    ],
  ],
  [
    // Mon Grocery: C 8 (margin 3) + D 44 (margin 22); Dairy 6+3+3-3 (margin 4+2+2-2)
    'v_metric_category_rollup', 'date_key, category, reporting_currency, net_units, net_revenue_rpt, gross_margin_rpt, gross_margin_pct', 'date_key, category',
    [
      ['2026-02-01', 'Grocery', 'USD', 1, 15, 5, 33.33],
      ['2026-03-02', 'Bakery', 'USD', 3, 15, 9, 60],
      ['2026-03-02', 'Dairy', 'USD', 3, 9, 6, 66.67],
      ['2026-03-02', 'Grocery', 'USD', 3, 52, 27, 51.92],
      ['2026-03-07', 'Dairy', 'USD', 1, 3, 2, 66.67],
      ['2026-03-07', 'Grocery', 'USD', 1, 8, 3, 37.5],
    ],
  ],
  [
    // S1 March: Grocery in T4 (alone) and T5 (with Dairy)
    'v_metric_attach_rate', 'store_id, month_start, category, baskets, attached_baskets, attach_rate_pct', 'store_id, month_start, category',
    [
      ['S1', '2026-03-01', 'Bakery', 3, 3, 100],
      ['S1', '2026-03-01', 'Dairy', 4, 4, 100],
      ['S1', '2026-03-01', 'Grocery', 2, 1, 50],
      ['S2', '2026-03-01', 'Grocery', 1, 0, 0],
      ['S3', '2026-02-01', 'Grocery', 1, 0, 0],
    ],
  ],
  [
    // 7 sale baskets; A in 4, B in 3, A+B in 3: support 3/7, confidence 3/4 and 3/3, lift 3x7/(4x3). A+C (1 basket)
    // is under the minimum support of 3 baskets.
    'v_metric_cross_sell_pairs', 'sku_a, sku_b, pair_baskets, support, confidence_a_to_b, confidence_b_to_a, lift', 'sku_a, sku_b',
    [['A', 'B', 3, 0.4286, 0.75, 1, 1.75]],
  ],
  [
    // S1 March visits T1 (C1, 11), T2 (C1, 8), T3 (C2, 8), T5 (C3, 11): only C1 came twice
    'v_metric_loyalty', 'store_id, month_start, currency, visits, customers, loyalty_revenue, spend_per_visit, repeat_rate_pct', 'store_id, month_start',
    [
      ['S1', '2026-03-01', 'USD', 4, 3, 38, 9.5, 33.33],
      ['S3', '2026-02-01', 'USD', 1, 1, 15, 15, 0],
    ],
  ],
  [
    // as of 03-07, 28 days 02-08..03-07: S3's D last sold 02-01
    'v_metric_dead_stock', 'as_of_date, store_id, sku, on_hand_qty, stock_value_cost', 'store_id, sku',
    [
      ['2026-03-07', 'S1', 'D', 6, 60],
      ['2026-03-07', 'S3', 'D', 5, 50],
    ],
  ],
  [
    // on hand > 4 x the 28 days' units: B 20 > 12, C 9 > 8 (A 8 <= 16); cover = on hand x 28 / units
    'v_metric_slow_movers', 'as_of_date, store_id, sku, on_hand_qty, units_28d, cover_days, stock_value_cost', 'store_id, sku',
    [
      ['2026-03-07', 'S1', 'B', 20, 3, 186.7, 40],
      ['2026-03-07', 'S1', 'C', 9, 2, 126, 45],
    ],
  ],
  [
    // cover > 3 x lead time: A 56 > 6, B 186.7 > 3 (C 126 <= 135)
    'v_metric_overstock', 'as_of_date, store_id, sku, on_hand_qty, units_28d, cover_days, lead_time_days', 'store_id, sku',
    [
      ['2026-03-07', 'S1', 'A', 8, 4, 56, 2],
      ['2026-03-07', 'S1', 'B', 20, 3, 186.7, 1],
    ],
  ],
];

describe('metric views: known answers on a hand-built fixture, on DuckDB and on PostgreSQL', () => {
  const lake = tempLake('metrics');
  const duck = DuckDbWarehouse.inMemory(lake.root);
  let pg: RedshiftOnPostgres;

  beforeAll(async () => {
    await duck.execute(metricFixtureStatements());
    pg = await startRedshiftOnPostgres(lake.root);
    await deployWarehouse(pg);
    await pg.admin.execute(metricFixtureStatements());
  });
  afterAll(async () => {
    await duck.close();
    await pg?.close();
    lake.cleanup();
  });

  it('covers every metric view of the migrations', async () => {
    const views = await duck.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'v_metric_%' AND table_type = 'VIEW' ORDER BY table_name`);
    // v_metric_stock_position is the shared input of the three stock lists, tested through them
    expect(views.map((v) => v.table_name).filter((v) => v !== 'v_metric_stock_position')).toEqual(EXPECTED.map(([view]) => view).sort());
  });

  it.each(EXPECTED)('%s on DuckDB', async (view, columns, orderBy, rows) => {
    expect(await select(duck, view, columns, orderBy)).toEqual(rows);
  });

  it.each(EXPECTED)('%s on PostgreSQL, read by the pipeline role', async (view, columns, orderBy, rows) => {
    expect(await select(pg.pipeline, view, columns, orderBy)).toEqual(rows);
  });

  // last: it adds baskets to the fixture
  it('cross-sell pairs keep lift > 1 only: a pair at the minimum support with lift exactly 1 is left out', async () => {
    await duck.execute(crossSellExtraStatements());
    await pg.admin.execute(crossSellExtraStatements());
    // 10 baskets; A in 6, B in 3, C in 5; A+B in 3 (lift 3 x 10 / (6 x 3)), A+C in 3 (lift 3 x 10 / (6 x 5) = 1)
    const expected = [['A', 'B', 3, 0.3, 0.5, 1, 1.6667]];
    for (const w of [duck, pg.pipeline]) {
      expect(await select(w, 'v_metric_cross_sell_pairs', 'sku_a, sku_b, pair_baskets, support, confidence_a_to_b, confidence_b_to_a, lift', 'sku_a, sku_b')).toEqual(expected);
    }
  });
});
