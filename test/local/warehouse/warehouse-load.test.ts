import { existsSync } from 'node:fs';
import { CURATED_COLUMNS } from '../../../functions/lib/curated-schema';
import { createDuckDb } from '../../../functions/lib/duckdb/duckdb-factory';
import { readRows } from '../../../functions/lib/duckdb/duckdb-rows';
import { readSql } from '../../../functions/lib/sql-files';
import { buildLoadStatements, dateFilter, MAX_FILTERED_DATES } from '../../../functions/lib/warehouse/load-statements';
import { applyMigrations, readMigrations } from '../../../functions/lib/warehouse/migrations';
import { splitSqlStatements } from '../../../functions/lib/warehouse/sql-text';
import { prepareLoads } from '../../../functions/pipeline/prepare-loads/prepare-loads';
import { DuckDbWarehouse, stagingFirst, warehousePath } from '../../../local/warehouse/duckdb-warehouse';
import { basketFactGaps, curatedTotals, inventoryEvent, line, PRODUCTS, STORES, tempLake, warehouseTotals, writeCurated, writeReference, type SalesLineRow, USD_ONLY } from '../../helpers/warehouse-fixture';

const SOURCE = { bucket: 'local-curated', role: 'arn:aws:iam::000000000000:role/local-copy' };

// Three business dates with a gap (01-03 has no data), two stores, a return and a discounted line.
const SALES: SalesLineRow[] = [
  line({ event_id: 'e1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 3, unit_price: 1.2 }),
  line({ event_id: 'e1', line_no: 2, store_id: 'S001', sku: 'SKU-3', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 6.99, discount: 0.5 }),
  line({ event_id: 'e2', store_id: 'S002', sku: 'SKU-2', occurred_at: '2024-01-01 22:00:00', business_date: '2024-01-01', quantity: 2, unit_price: 2.5 }),
  line({ event_id: 'e3', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-02 10:00:00', business_date: '2024-01-02', quantity: 5, unit_price: 1.2 }),
  line({ event_id: 'e4', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-02 11:00:00', business_date: '2024-01-02', quantity: 1, unit_price: 1.2, event_type: 'return' }),
  line({ event_id: 'e5', store_id: 'S002', sku: 'SKU-3', occurred_at: '2024-01-04 15:00:00', business_date: '2024-01-04', quantity: 4, unit_price: 6.99 }),
];
const INVENTORY = [
  inventoryEvent({ event_id: 'i1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 07:00:00', business_date: '2024-01-01', event_type: 'inventory_snapshot', on_hand_qty: 40, reorder_point: 10 }),
  inventoryEvent({ event_id: 'i2', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-02 07:00:00', business_date: '2024-01-02', event_type: 'inventory_adjustment', quantity_change: 12, reason: 'receipt' }),
];
/** The transactions of some sales lines: fact_basket's rows for them. */
const transactions = (lines: SalesLineRow[]): number => new Set(lines.map((l) => [l.business_date, l.store_id, l.transaction_id, l.event_type].join('|'))).size;
const AFFECTED = { sales_lines: ['2024-01-01', '2024-01-02', '2024-01-04'], inventory_events: ['2024-01-01', '2024-01-02'], purchase_orders: [] as string[] };

describe('warehouse schema', () => {
  it('is migrated in DuckDB through the translator on first use, with every star-schema table', async () => {
    const lake = tempLake();
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      expect(await w.query('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(readMigrations().map((m) => ({ version: m.version, name: m.name })));
      expect(await applyMigrations(w, readMigrations())).toEqual([]); // again: nothing to apply
      const tables = (await w.query(`SELECT table_name FROM information_schema.tables ORDER BY table_name`)).map((r) => r.table_name);
      expect(tables).toEqual(
        expect.arrayContaining(['dim_store', 'dim_product', 'dim_calendar', 'fact_sales', 'fact_inventory_snapshot', 'fact_inventory_event', 'stg_sales_lines', 'stg_inventory_events', 'stg_store', 'stg_product', 'schema_migrations']),
      );
      const cols = async (t: string): Promise<unknown[]> =>
        (await w.query(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`)).map((r) => r.column_name);
      expect(await cols('fact_sales')).toEqual(
        expect.arrayContaining(['date_key', 'timestamp_utc', 'store_id', 'sku', 'basket_id', 'qty_sold', 'unit_price', 'net_revenue', 'gross_margin', 'customer_id', 'event_id', 'line_no']),
      );
      expect(await cols('fact_inventory_snapshot')).toEqual(
        expect.arrayContaining(['date_key', 'timestamp_utc', 'store_id', 'sku', 'on_hand_qty', 'reorder_point', 'days_of_supply', 'risk_flag']),
      );
      expect(await cols('dim_calendar')).toEqual(['date_key', 'day_of_week', 'week_num', 'month', 'quarter', 'year', 'fiscal_period', 'is_weekend']);
      // COPY ... PARQUET maps by position: staging must follow the curated file order
      expect(await cols('stg_sales_lines')).toEqual(Object.keys(CURATED_COLUMNS.sales_lines));
      expect(await cols('stg_inventory_events')).toEqual(Object.keys(CURATED_COLUMNS.inventory_events));
    } finally {
      await w.close();
      lake.cleanup();
    }
  });

  it('a file warehouse is created under <lake>/warehouse/ and released after each call', async () => {
    const lake = tempLake();
    try {
      const w = DuckDbWarehouse.forLake(lake.root);
      expect(await w.query('SELECT count(*) AS n FROM dim_store')).toEqual([{ n: 0 }]);
      expect(existsSync(warehousePath(lake.root))).toBe(true);
      // another instance (standing in for another process) can open it straight away
      const conn = await (await createDuckDb(undefined, warehousePath(lake.root))).connect();
      expect(await readRows(conn, 'SELECT count(*) AS n FROM fact_sales')).toEqual([{ n: 0 }]);
      conn.closeSync();
    } finally {
      lake.cleanup();
    }
  });

  it('serializes concurrent calls on one file (DuckDB allows one open per file)', async () => {
    const lake = tempLake();
    try {
      const a = DuckDbWarehouse.forLake(lake.root);
      const b = DuckDbWarehouse.forLake(lake.root); // a second object on the same file shares the queue
      const inserts = Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).execute([`INSERT INTO dim_store (store_id, store_name) VALUES ('S${i}', 'n')`]));
      const counts = Array.from({ length: 6 }, () => a.query('SELECT count(*) AS n FROM dim_store'));
      await Promise.all([...inserts, ...counts]);
      expect(await b.query('SELECT count(*) AS n FROM dim_store')).toEqual([{ n: 6 }]);
    } finally {
      lake.cleanup();
    }
  });

  it('rolls the whole batch back when one statement fails', async () => {
    const lake = tempLake();
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await expect(
        w.execute([`INSERT INTO dim_store (store_id, store_name) VALUES ('S9', 'x')`, `INSERT INTO no_such_table VALUES (1)`]),
      ).rejects.toThrow(/statement 2 of 2 failed/);
      expect(await w.query('SELECT count(*) AS n FROM dim_store')).toEqual([{ n: 0 }]);
      await expect(w.execute([`SELECT 1; SELECT 2`])).rejects.toThrow(/more than one statement/);
    } finally {
      await w.close();
      lake.cleanup();
    }
  });
});

describe('the batch split of the local warehouse (its temporary staging tables committed first)', () => {
  it('takes out CREATE TEMP TABLE and the COPYs into those tables, in order, and nothing else', () => {
    const batch = [
      'DELETE FROM stg_store',
      "COPY stg_store FROM 's3://b/reference/stores/stores.csv' IAM_ROLE 'r' CSV",
      'CREATE TEMP TABLE tmp_sales_lines (LIKE stg_sales_lines)',
      "COPY tmp_sales_lines FROM 's3://b/curated/sales_lines/business_date=2024-01-01/' IAM_ROLE 'r' FORMAT AS PARQUET",
      'DELETE FROM fact_sales WHERE date_key IN (SELECT DISTINCT business_date FROM tmp_sales_lines)',
      "-- a comment\ncopy TMP_SALES_LINES from 's3://b/curated/sales_lines/business_date=2024-01-02/' IAM_ROLE 'r' FORMAT AS PARQUET",
      "INSERT INTO tmp_sales_lines SELECT * FROM stg_sales_lines",
      "COPY fact_sales FROM 's3://b/x/' IAM_ROLE 'r' FORMAT AS PARQUET",
    ];
    const { staging, rest } = stagingFirst(batch);
    expect(staging.map(([n]) => n)).toEqual([3, 4, 6]);
    expect(rest.map(([n]) => n)).toEqual([1, 2, 5, 7, 8]);
    expect([...staging, ...rest].map(([n, s]) => batch[n - 1] === s)).toEqual(batch.map(() => true));
  });

  it('a batch whose later part fails leaves the warehouse as it was (the temporary tables committed first go with the call)', async () => {
    const lake = tempLake();
    await writeReference(lake.root);
    await writeCurated(lake.root, 'sales_lines', SALES);
    await writeCurated(lake.root, 'inventory_events', INVENTORY);
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await w.execute(buildLoadStatements(AFFECTED, SOURCE, USD_ONLY).statements);
      const before = await warehouseTotals(w);
      // 2024-01-01 gets a line more: a load of it that went through would change the totals
      await writeCurated(lake.root, 'sales_lines', [...SALES.filter((l) => l.business_date === '2024-01-01'), line({ event_id: 'e9', store_id: 'S002', sku: 'SKU-2', occurred_at: '2024-01-01 23:00:00', business_date: '2024-01-01', quantity: 7, unit_price: 2.5 })]);
      const load = buildLoadStatements({ sales_lines: ['2024-01-01'] }, SOURCE, USD_ONLY).statements;
      await expect(w.execute([...load, 'INSERT INTO no_such_table VALUES (1)'])).rejects.toThrow(new RegExp(`statement ${load.length + 1} of ${load.length + 1} failed`));
      expect(await warehouseTotals(w)).toEqual(before);
      // the next call is a session of its own: it creates the temporary tables again, and loads the line
      await w.execute(load);
      expect(await warehouseTotals(w)).not.toEqual(before);
      expect(await warehouseTotals(w)).toEqual(await curatedTotals(lake.root));
    } finally {
      await w.close();
      lake.cleanup();
    }
  });
});

describe('warehouse load from curated Parquet', () => {
  let lake: ReturnType<typeof tempLake>;
  let w: DuckDbWarehouse;

  beforeEach(async () => {
    lake = tempLake();
    await writeReference(lake.root);
    await writeCurated(lake.root, 'sales_lines', SALES);
    await writeCurated(lake.root, 'inventory_events', INVENTORY);
    w = DuckDbWarehouse.inMemory(lake.root);
  });
  afterEach(async () => {
    await w.close();
    lake.cleanup();
  });

  it('loads facts whose totals equal the curated totals, and loading twice changes nothing', async () => {
    const { redshiftSqls } = prepareLoads({ affectedDates: AFFECTED }, {});
    await w.execute(redshiftSqls);
    const curated = await curatedTotals(lake.root);
    expect(curated.lines).toBe(SALES.length);
    const first = await warehouseTotals(w);
    expect(first).toEqual(curated);
    expect(first.qty).toBe(3 + 1 + 2 + 5 - 1 + 4); // the return counts negative

    expect(await basketFactGaps(w)).toEqual({ baskets: transactions(SALES), missing: 0, extra: 0 });

    await w.execute(redshiftSqls);
    expect(await warehouseTotals(w)).toEqual(curated);
    expect(await basketFactGaps(w)).toEqual({ baskets: transactions(SALES), missing: 0, extra: 0 });
    expect(await w.query('SELECT count(*) AS n FROM fact_inventory_event')).toEqual([{ n: 2 }]);
    expect(await w.query('SELECT count(*) AS n FROM dim_store')).toEqual([{ n: STORES.length }]);
    expect(await w.query('SELECT count(*) AS n FROM dim_product')).toEqual([{ n: PRODUCTS.length }]);
    expect(await w.query('SELECT count(*) AS n FROM dim_calendar')).toEqual([{ n: 4 }]);

    const [row] = await w.query(`SELECT date_key, basket_id, qty_sold, net_revenue, event_type FROM fact_sales WHERE event_id = 'e4'`);
    expect(row).toEqual({ date_key: '2024-01-02', basket_id: 'T-e4', qty_sold: -1, net_revenue: -1.2, event_type: 'return' });
  });

  it('loads a transaction whose sums pass a line\'s DECIMAL(18,2) bound (two events share its id): fact_basket holds no amounts', async () => {
    // each line within the contract (10,000 x 6e11 = 6e15 < 1e16); their basket's sum, 1.2e16, is not
    const big = (event_id: string, sku: string): SalesLineRow =>
      line({ event_id, store_id: 'S001', sku, occurred_at: '2024-01-04 10:00:00', business_date: '2024-01-04', quantity: 10_000, unit_price: 600_000_000_000, transaction_id: 'T-big' });
    await writeCurated(lake.root, 'sales_lines', [...SALES, big('e-big-1', 'SKU-1'), big('e-big-2', 'SKU-2')]);
    await w.execute(prepareLoads({ affectedDates: AFFECTED }, {}).redshiftSqls);
    expect(await w.query(`SELECT lines, units FROM fact_basket WHERE basket_id = 'T-big'`)).toEqual([{ lines: 2, units: 20_000 }]);
    // the data sets sum the lines' DECIMAL(18,2) amounts, which widen as they add
    const [sum] = await w.query(`SELECT CAST(SUM(net_revenue) AS VARCHAR) AS net_revenue FROM fact_sales WHERE basket_id = 'T-big'`);
    expect(sum.net_revenue).toBe('12000000000000000.00');
  });

  it('loads reference data exactly, quotes and commas included', async () => {
    await w.execute(prepareLoads({ affectedDates: AFFECTED }, {}).redshiftSqls);
    const stores = await w.query('SELECT * FROM dim_store ORDER BY store_id');
    expect(stores).toEqual(STORES.map((store) => ({ ...store, currency: 'USD' }))); // the default of migration 0002
    const products = await w.query('SELECT * FROM dim_product ORDER BY sku');
    expect(products).toEqual(PRODUCTS);
  });

  it('a late event reloads only its date, without double counting', async () => {
    await w.execute(prepareLoads({ affectedDates: AFFECTED }, {}).redshiftSqls);
    // curation rewrites the 2024-01-02 partition with the existing lines plus a late one
    const late = line({ event_id: 'e9', store_id: 'S002', sku: 'SKU-4', occurred_at: '2024-01-02 18:00:00', business_date: '2024-01-02', quantity: 2, unit_price: 2.2 });
    await writeCurated(lake.root, 'sales_lines', [...SALES.filter((s) => s.business_date === '2024-01-02'), late]);
    await w.execute(prepareLoads({ affectedDates: { sales_lines: ['2024-01-02'], inventory_events: [] } }, {}).redshiftSqls);
    const totals = await warehouseTotals(w);
    expect(totals).toEqual(await curatedTotals(lake.root));
    expect(totals.lines).toBe(SALES.length + 1);
    // the date's baskets replaced from the same staging rows: the late transaction added, none doubled
    expect(await basketFactGaps(w)).toEqual({ baskets: transactions([...SALES, late]), missing: 0, extra: 0 });
  });

  it('coarser COPY prefixes give the same warehouse', async () => {
    const dayLevel = buildLoadStatements(AFFECTED, SOURCE, USD_ONLY).statements.length;
    for (const limit of [40, dayLevel - 1]) {
      const plan = buildLoadStatements(AFFECTED, SOURCE, USD_ONLY, limit);
      expect(plan.statements.length).toBeLessThanOrEqual(limit);
      await w.execute(plan.statements);
      expect(await warehouseTotals(w)).toEqual(await curatedTotals(lake.root));
    }
    expect(buildLoadStatements(AFFECTED, SOURCE, USD_ONLY, 40).prefixLevel).toBe('day');
    expect(buildLoadStatements(AFFECTED, SOURCE, USD_ONLY, dayLevel - 1).prefixLevel).toBe('month');
  });

  it('a coarser COPY prefix stages the neighbouring dates, and replaces only the affected ones', async () => {
    await w.execute(buildLoadStatements(AFFECTED, SOURCE, USD_ONLY).statements);
    // 2024-01-01 and 2024-01-04 get a line more in the lake; 2024-01-01 and 2024-01-02 are loaded again, at month level
    const more = (date: string, id: string): SalesLineRow => line({ event_id: id, store_id: 'S002', sku: 'SKU-2', occurred_at: `${date} 12:00:00`, business_date: date, quantity: 7, unit_price: 2.5 });
    await writeCurated(lake.root, 'sales_lines', [...SALES.filter((l) => l.business_date === '2024-01-01'), more('2024-01-01', 'm1')]);
    await writeCurated(lake.root, 'sales_lines', [...SALES.filter((l) => l.business_date === '2024-01-04'), more('2024-01-04', 'm4')]);
    const two = { sales_lines: ['2024-01-01', '2024-01-02'] };
    const plan = buildLoadStatements(two, SOURCE, USD_ONLY, buildLoadStatements(two, SOURCE, USD_ONLY).statements.length - 1);
    expect(plan.prefixLevel).toBe('month');
    await w.execute(['DELETE FROM stg_sales_agg_dates']); // the first load's work list, as the derived tables' refresh leaves it
    await w.execute(plan.statements);
    const lines = async (date: string): Promise<unknown> => (await w.query(`SELECT count(*) AS n FROM fact_sales WHERE date_key = '${date}'`))[0].n;
    expect(await lines('2024-01-01')).toBe(SALES.filter((l) => l.business_date === '2024-01-01').length + 1);
    expect(await lines('2024-01-04')).toBe(SALES.filter((l) => l.business_date === '2024-01-04').length); // staged, not replaced
    expect((await w.query('SELECT date_key FROM stg_sales_agg_dates ORDER BY 1')).map((r) => r.date_key)).toContain('2024-01-01');
    expect((await w.query('SELECT date_key FROM stg_sales_agg_dates ORDER BY 1')).map((r) => r.date_key)).not.toContain('2024-01-04');
    // past MAX_FILTERED_DATES the load keeps every date it stages
    expect(dateFilter(['2024-01-02', '2024-01-01'])).toBe("business_date IN (CAST('2024-01-01' AS DATE), CAST('2024-01-02' AS DATE))");
    expect(dateFilter(Array.from({ length: MAX_FILTERED_DATES + 1 }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)))).toBe('TRUE');
  });

  it('dim_calendar covers the date range with weekday, weekend, week, quarter and 4-4-5 fiscal period', async () => {
    // add a far date so the range crosses quarters and a year end: 2023-12-30 .. 2024-04-01
    const extra = [
      line({ event_id: 'x1', store_id: 'S001', sku: 'SKU-2', occurred_at: '2023-12-30 12:00:00', business_date: '2023-12-30', quantity: 1, unit_price: 2.5 }),
      line({ event_id: 'x2', store_id: 'S001', sku: 'SKU-2', occurred_at: '2024-04-01 12:00:00', business_date: '2024-04-01', quantity: 1, unit_price: 2.5 }),
    ];
    await writeCurated(lake.root, 'sales_lines', extra);
    await w.execute(prepareLoads({ affectedDates: { sales_lines: [...AFFECTED.sales_lines, '2023-12-30', '2024-04-01'], inventory_events: AFFECTED.inventory_events } }, {}).redshiftSqls);
    const [span] = await w.query('SELECT count(*) AS n, min(date_key) AS first, max(date_key) AS last FROM dim_calendar');
    expect(span).toEqual({ n: 2 + 31 + 29 + 31 + 1, first: '2023-12-30', last: '2024-04-01' });
    const day = async (d: string): Promise<Record<string, unknown>> => (await w.query(`SELECT * FROM dim_calendar WHERE date_key = '${d}'`))[0];
    expect(await day('2023-12-30')).toEqual({ date_key: '2023-12-30', day_of_week: 6, week_num: 52, month: 12, quarter: 4, year: 2023, fiscal_period: 'FY2023-P12', is_weekend: true });
    expect(await day('2023-12-31')).toMatchObject({ day_of_week: 7, week_num: 53, fiscal_period: 'FY2023-P12', is_weekend: true });
    expect(await day('2024-01-01')).toMatchObject({ day_of_week: 1, week_num: 1, quarter: 1, fiscal_period: 'FY2024-P01', is_weekend: false });
    expect(await day('2024-01-29')).toMatchObject({ week_num: 5, fiscal_period: 'FY2024-P02' }); // day 29: week 5
    expect(await day('2024-02-29')).toMatchObject({ day_of_week: 4, week_num: 9, month: 2, fiscal_period: 'FY2024-P03', is_weekend: false });
    expect(await day('2024-04-01')).toMatchObject({ day_of_week: 1, week_num: 14, quarter: 2, fiscal_period: 'FY2024-P04' });
    // rerunning adds nothing
    await w.execute(splitSqlStatements(readSql('redshift/load_calendar.sql')));
    expect((await w.query('SELECT count(*) AS n FROM dim_calendar'))[0].n).toBe(span.n);
  });
});
