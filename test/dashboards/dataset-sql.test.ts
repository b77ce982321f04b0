import { DATASETS } from '../../dashboards/index';
import type { DatasetDefinition } from '../../dashboards/definition';
import type { Warehouse } from '../../functions/lib/ports';
import { storeRowRulesSql } from '../../infra/lib/consumers/quicksight-row-security';
import { DASHBOARD_DB_USER } from '../../infra/lib/warehouse/warehouse-access';
import { dashboardRelations, warehouseDdlProperties } from '../../infra/lib/warehouse/warehouse-ddl';
import { DuckDbWarehouse } from '../../local/warehouse/duckdb-warehouse';
import { dashboardFixtureStatements, plainRows } from '../helpers/dashboard-fixture';
import { deployWarehouse, resetWarehouse, startRedshiftOnPostgres, type RedshiftOnPostgres } from '../helpers/redshift-on-postgres';
import { tempLake } from '../helpers/warehouse-fixture';

/**
 * Every dashboard data set's SQL on both stand-ins of Redshift, on the hand-built fixture of
 * test/helpers/dashboard-fixture.ts (two currencies, GBP at 1.25 USD): DuckDB (the local warehouse) and PostgreSQL
 * (PGlite) as QuickSight's user, made by the deploy as in the cloud (the DDL custom resource's user from its secret,
 * with the dashboard role: SELECT on what the data sets read, nothing else). Each returns its declared columns in
 * order with values of the declared types, and one known answer per dashboard, worked by hand.
 */
const DASHBOARD_USER = DASHBOARD_DB_USER;
const DASHBOARD_SECRET = JSON.stringify({ username: DASHBOARD_DB_USER, password: 'Fixture-Passw0rd-for-pglite' });
type Rows = ReturnType<typeof plainRows>;

const TYPE_CHECK: Record<DatasetDefinition['columns'][number]['type'], (v: unknown) => boolean> = {
  date: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v),
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  decimal: (v) => typeof v === 'number' && Number.isFinite(v),
};

const pick = (rows: Rows, keys: Record<string, string>): Rows[number] | undefined =>
  rows.find((r) => Object.entries(keys).every(([k, v]) => r[k] === v));
const total = (rows: Rows, column: string): number => rows.reduce((n, r) => n + Number(r[column] ?? 0), 0);

describe('dashboard data sets: SQL on DuckDB and on PostgreSQL as the read-only role', () => {
  const results: Record<string, Map<string, Rows>> = { DuckDB: new Map(), PostgreSQL: new Map() };
  let lake: ReturnType<typeof tempLake>;
  let pg: RedshiftOnPostgres | undefined;

  beforeAll(async () => {
    lake = tempLake('dashboards');
    const duck = DuckDbWarehouse.inMemory(lake.root);
    pg = await startRedshiftOnPostgres(lake.root);
    await resetWarehouse(pg); // Redshift's defaults: every user may create tables in public until the deploy says otherwise
    const dashboardUser = { Username: DASHBOARD_DB_USER, SecretArn: 'arn:reader-secret', PasswordRevision: '1' };
    await deployWarehouse(pg, warehouseDdlProperties({ dashboardUser }), async () => DASHBOARD_SECRET);
    await pg.admin.execute(dashboardFixtureStatements());
    try {
      await duck.execute(dashboardFixtureStatements());
      const engines: [string, Warehouse][] = [['DuckDB', duck], ['PostgreSQL', pg.admin.as(DASHBOARD_USER)]];
      for (const [engine, w] of engines) for (const d of DATASETS) results[engine].set(d.name, plainRows(await w.query(d.sql)));
    } finally {
      await duck.close();
    }
  }, 120_000); // PGlite takes seconds to start and the deploy runs every migration
  afterAll(async () => {
    await pg?.close();
    lake?.cleanup();
  });

  const rowsOf = (engine: string, dataset: string): Rows => results[engine].get(dataset) ?? [];
  const engines = ['DuckDB', 'PostgreSQL'];

  it("QuickSight's user may read the data sets and the row-level-security rules, and nothing else; it cannot change the warehouse", async () => {
    const qs = pg!.admin.as(DASHBOARD_USER);
    await expect(qs.query(storeRowRulesSql([{ userArn: 'arn:user', storeId: 'LON' }], 'store_id'))).resolves.toHaveLength(1);
    for (const sql of ['DELETE FROM fact_sales', `INSERT INTO dim_store (store_id) VALUES ('X')`, 'UPDATE agg_store_day SET store_id = store_id', 'CREATE TABLE qs_own (x INT)', 'DROP TABLE fact_sales']) {
      await expect(qs.execute([sql])).rejects.toThrow(/permission denied|must be owner/);
    }
    // a relation no data set reads: the migrations ledger, staging, the alert outbox's state, forecasting
    for (const table of ['schema_migrations', 'stg_sales_lines', 'stock_risk_scope', 'forecast_model']) {
      expect(dashboardRelations()).not.toContain(table);
      await expect(qs.query(`SELECT COUNT(*) FROM ${table}`)).rejects.toThrow(/permission denied/);
    }
    // a second deploy (Update) sets the password again instead of failing on the existing user
    await expect(deployWarehouse(pg!, warehouseDdlProperties({ dashboardUser: { Username: DASHBOARD_DB_USER, SecretArn: 'arn:reader-secret', PasswordRevision: '2' } }), async () => DASHBOARD_SECRET)).resolves.toMatch(
      /set the password of user quicksight_reader with role retail_lake_dashboards$/,
    );
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))('%s returns its declared columns, in order, with their types, on both', (_name, d) => {
    for (const engine of engines) {
      const rows = rowsOf(engine, d.name);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(d.columns.map((c) => c.name));
        for (const c of d.columns) if (row[c.name] !== null) expect([engine, c.name, TYPE_CHECK[c.type](row[c.name])]).toEqual([engine, c.name, true]);
      }
    }
    expect(rowsOf('PostgreSQL', d.name)).toHaveLength(rowsOf('DuckDB', d.name).length);
  });

  it.each(engines)('store performance on %s: London 2026-03-02 in pounds and in dollars at 1.25, and the period against target', (engine) => {
    const rows = rowsOf(engine, 'store_day_metrics');
    expect(rows).toHaveLength(4); // every calendar day for every store
    expect(pick(rows, { store_id: 'LON', business_date: '2026-03-02' })).toEqual({
      business_date: '2026-03-02',
      week_start: '2026-03-02',
      store_id: 'LON',
      store_label: 'London (LON)',
      region: 'Europe',
      currency: 'GBP',
      reporting_currency: 'USD',
      net_revenue: 14, // A 2 x 4 + B 1 x 6
      net_revenue_rpt: 17.5, // 14 x 1.25
      target_revenue: 68, // 80 x Monday's 0.85
      target_revenue_rpt: 85, // 68 x 1.25
      gross_margin: 10.8, // 14 - the cost 2 x 1 + 1 x 2 = 4 USD in pounds (4 / 1.25 = 3.20)
      gross_margin_rpt: 13.5, // 17.50 - 4
      net_units: 3,
      baskets: 1,
      basket_revenue: 14,
      basket_revenue_rpt: 17.5,
      basket_lines: 2,
      basket_units: 3,
      loyalty_visits: 1,
      loyalty_revenue: 14,
      loyalty_revenue_rpt: 17.5,
    });
    // New York has no sale on 03-03: a row at 0 with Tuesday's target 100 x 0.90
    expect(pick(rows, { store_id: 'NYC', business_date: '2026-03-03' })).toMatchObject({ net_revenue_rpt: 0, target_revenue_rpt: 90, baskets: 0, basket_revenue_rpt: 0 });
    // the KPI over both days: NYC 6 + 5 + 3 - 3 = 11, LON 17.50 + 12 x 1.25 = 15 -> 43.50 USD of 85 + 85 + 90 + 72 x 1.25 = 350 USD
    expect(total(rows, 'net_revenue_rpt')).toBeCloseTo(43.5, 9);
    expect(total(rows, 'target_revenue_rpt')).toBeCloseTo(350, 9);
    // basket value: sale baskets only (NYC's return R1 is none): (14 + 17.50 + 15) USD / 4 baskets
    expect(total(rows, 'basket_revenue_rpt') / total(rows, 'baskets')).toBeCloseTo(11.625, 9);
  });

  it.each(engines)('inventory risk on %s: the latest at-risk SKUs, dead and overstock valued in both currencies, and what is on order', (engine) => {
    expect(rowsOf(engine, 'inventory_risk').map((r) => [r.store_id, r.sku, r.severity, r.critical_skus, r.region, r.category, r.alert_since])).toEqual([
      ['NYC', 'A', 'critical', 1, 'East', 'Dairy', '2026-03-03'],
      ['LON', 'B', 'high', 0, 'Europe', 'Bakery', '2026-03-03'],
    ]);
    const flags = rowsOf(engine, 'stock_flags');
    // London's dead milk: 8 x 1.00 USD at cost = 8.00 USD = 6.40 GBP at 1.25; New York's bread: 40 x 2.00 USD, cover 40 / 2 a day
    expect(pick(flags, { store_id: 'LON', sku: 'A' })).toMatchObject({ stock_flag: 'dead', currency: 'GBP', stock_value: 6.4, stock_value_rpt: 8, cover_days: null });
    expect(pick(flags, { store_id: 'NYC', sku: 'B' })).toMatchObject({ stock_flag: 'overstock', currency: 'USD', stock_value: 80, stock_value_rpt: 80, cover_days: 20 });
    // PO1: 10 ordered - 4 received = 6 x 1.00 USD; PO2: 5 x 2.00 USD = 8.00 GBP, expected 03-02, overdue on 03-03
    const orders = rowsOf(engine, 'open_purchase_orders');
    expect(orders.map((r) => [r.po_id, r.open_qty, r.open_value, r.currency, r.open_value_rpt, r.arrival_status]).sort()).toEqual([
      ['PO1', 6, 6, 'USD', 6, 'expected'],
      ['PO2', 5, 8, 'GBP', 10, 'overdue'],
    ]);
    expect(rowsOf(engine, 'alert_trend').map((r) => [r.as_of_date, r.store_id, r.severity, r.at_risk_skus]).sort()).toEqual([
      ['2026-03-02', 'LON', 'critical', 1],
      ['2026-03-02', 'NYC', 'high', 1],
      ['2026-03-03', 'LON', 'high', 1],
      ['2026-03-03', 'NYC', 'critical', 1],
    ]);
  });

  it.each(engines)('customer behaviour on %s: loyalty share, spend per visit in dollars, attach rate and the categories bought together', (engine) => {
    const days = rowsOf(engine, 'store_day_metrics');
    // loyalty visits NYC T1 + LON L1 = 2 of 4 sale baskets (T1, T2, L1, L2)
    expect(total(days, 'loyalty_visits') / total(days, 'baskets')).toBe(0.5);
    // (T1 11 USD + L1 14 GBP x 1.25 = 17.50 USD) / 2 visits
    expect(total(days, 'loyalty_revenue_rpt') / total(days, 'loyalty_visits')).toBeCloseTo(14.25, 9);
    // Dairy is in T1, T2 and L1; T1 and L1 hold Bakery too
    const dairy = rowsOf(engine, 'category_day_sales').filter((r) => r.category === 'Dairy');
    expect([total(dairy, 'baskets'), total(dairy, 'attached_baskets'), total(dairy, 'net_revenue_rpt')]).toEqual([3, 2, 16]); // 6 + 3 - 3 USD + 8 GBP x 1.25
    expect(rowsOf(engine, 'category_pairs').map((r) => [r.store_id, r.category_a, r.category_b, r.pair_baskets]).sort()).toEqual([
      ['LON', 'Bakery', 'Dairy', 1],
      ['NYC', 'Bakery', 'Dairy', 1],
    ]);
  });
});
