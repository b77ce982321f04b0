import { join } from 'node:path';
import { settingsFromEnv } from '../../../functions/lib/pipeline/pipeline-settings';
import { summarizeStoreDayBaskets } from '../../../functions/lib/pipeline/store-day-baskets';
import type { Row, Warehouse } from '../../../functions/lib/ports';
import { readMigrations } from '../../../functions/lib/warehouse/migrations';
import { reconcile } from '../../../functions/pipeline/reconcile/reconcile';
import { prepareLoads } from '../../../functions/pipeline/prepare-loads/prepare-loads';
import { runStockRisk } from '../../../functions/pipeline/stock-risk/stock-risk';
import { warehouseDdlProperties } from '../../../infra/lib/warehouse/warehouse-ddl';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { CuratedQueryEngine } from '../../../local/engine/curated-engine';
import { runPrefix, runRecordKeys } from '../../../functions/lib/lake-layout';
import { writeJson } from '../../../functions/lib/pipeline/json-objects';
import { committedRecord, curatedDateTotals } from '../../helpers/run-records';
import { deployWarehouse, PIPELINE_USER, resetWarehouse, startRedshiftOnPostgres, type RedshiftOnPostgres } from '../../helpers/redshift-on-postgres';
import { testRuntime, writeSimulatedLake } from '../../helpers/risk-fixture';
import { MemoryNotifier } from '../../helpers/memory-adapters';
import { addDays, AS_OF, loadStockRiskCase, saleSql } from '../../helpers/stock-risk-fixture';
import { run as publishAlerts } from '../../../functions/pipeline/publish-alerts/index';
import { PostgresWarehouse } from '../../helpers/postgres-warehouse';
import { categoryAggregatesThroughLoads } from '../../helpers/category-aggregates-scenario';
import { OPEN_LINES_EXPECTED, openLinesScenario } from '../../helpers/open-lines-scenario';
import { basketFactGaps, categoryAggregateGaps, curatedTotals, loadForInitialSchema, openLineGaps, runLoad, storeAggregateGaps, tempLake, warehouseTotals, writeReference } from '../../helpers/warehouse-fixture';

/**
 * Redshift's rules on real PostgreSQL (PGlite): the deploy's DDL as the admin, every load and stock-risk batch as
 * the pipeline's user with exactly the grants CDK gives (test/helpers/redshift-on-postgres.ts). One PGlite for
 * the file (it takes seconds to start), emptied before each test.
 */
const SETTINGS = settingsFromEnv({});

/** Everything the pipeline writes that the two warehouses must agree on. */
async function contents(w: Warehouse): Promise<Record<string, Row[]>> {
  const q = (sql: string): Promise<Row[]> => w.query(sql);
  return {
    totals: await q(`SELECT count(*) AS lines, sum(net_revenue) AS revenue, sum(gross_margin) AS margin, sum(qty_sold) AS qty FROM fact_sales`),
    byDay: await q(`SELECT date_key, store_id, count(*) AS lines, sum(net_revenue) AS revenue FROM fact_sales GROUP BY date_key, store_id ORDER BY date_key, store_id`),
    inventory: await q(`SELECT count(*) AS n, sum(COALESCE(on_hand_qty, 0) + COALESCE(quantity_change, 0)) AS units FROM fact_inventory_event`),
    dims: await q(`SELECT (SELECT count(*) FROM dim_store) AS stores, (SELECT count(*) FROM dim_product) AS products, (SELECT count(*) FROM dim_calendar) AS days`),
    calendar: await q(`SELECT date_key, day_of_week, week_num, fiscal_period, is_weekend FROM dim_calendar ORDER BY date_key`),
    snapshot: await q(SNAPSHOT),
  };
}

const SNAPSHOT = `SELECT date_key, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand, on_order_qty, next_arrival_date,
  stockout_date, order_by_date, suggested_qty, safety_stock, forecast_daily, stock_flag FROM fact_inventory_snapshot ORDER BY date_key, store_id, sku`;

/** The alert lifecycle's state (notified_at is the wall clock of the publish: only whether it is set). */
const ALERT_STATE = `SELECT store_id, sku, level, since, notified_level, notified_at IS NOT NULL AS notified, notified_on_hand, notified_stockout_date,
  last_digest_date, pending_batch, pending_kind FROM alert_state ORDER BY store_id, sku`;

describe('Redshift semantics on PostgreSQL: ownership, grants, migrations', () => {
  let lake: ReturnType<typeof tempLake>;
  let pg: RedshiftOnPostgres;
  let load: string[];
  let affectedDates: { sales_lines: string[]; inventory_events: string[]; purchase_orders: string[] };
  let duck: DuckDbWarehouse;

  beforeAll(async () => {
    lake = tempLake('pg');
    affectedDates = await writeSimulatedLake(lake.root);
    load = prepareLoads({ affectedDates }, {}).redshiftSqls;
    pg = await startRedshiftOnPostgres(lake.root);
    duck = DuckDbWarehouse.inMemory(lake.root);
  });
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
    lake?.cleanup();
  });
  beforeEach(async () => {
    await resetWarehouse(pg);
  });

  it('only an owner may replace a relation: the old load batch (schema DDL first) fails under the pipeline role with "must be owner"', async () => {
    await deployWarehouse(pg);
    const [initial] = readMigrations();
    const oldBatch = [...initial.statements, ...load];
    // the deploy took CREATE on schema public from PUBLIC (Redshift's default grants it): the batch stops at its first
    // CREATE TABLE, before the view it could not replace either
    await expect(pg.pipeline.execute(oldBatch)).rejects.toThrow(/permission denied for schema public/);
    await expect(pg.pipeline.execute(['ALTER TABLE dim_store ADD COLUMN note VARCHAR(10)'])).rejects.toThrow(/must be owner of table dim_store/);
    await pg.admin.execute(oldBatch); // the same batch is valid SQL: only ownership stops it
  });

  it('a load is DML only: it runs under the pipeline role with exactly the CDK grants, twice, and reconciles with the lake', async () => {
    await deployWarehouse(pg);
    await runLoad(pg.pipeline, load);
    await runLoad(pg.pipeline, load); // a rerun replaces whole dates: nothing doubles
    const lakeTotals = await curatedTotals(lake.root);
    expect(lakeTotals.lines).toBeGreaterThan(1000);
    expect(await warehouseTotals(pg.pipeline)).toEqual(lakeTotals);
    expect(await basketFactGaps(pg.pipeline)).toMatchObject({ missing: 0, extra: 0 });
    // purchase orders and their receipts' link rows, one receipt per order in the lake
    const [orders] = await pg.pipeline.query("SELECT count(*) AS n, sum(CASE WHEN event_type = 'receipt' THEN 1 ELSE 0 END) AS receipts FROM fact_purchase_order");
    expect(Number(orders.n)).toBeGreaterThan(0);
    expect(Number(orders.n)).toBe(2 * Number(orders.receipts));
    expect(await openLineGaps(pg.pipeline)).toMatchObject({ missing: 0, extra: 0 });
    // reconcile's own warehouse query, under the pipeline role: no warehouse gap on any date
    // and the lake's store_day_baskets (as SummarizeBaskets keeps it) against the warehouse's sale baskets
    const store = new FsObjectStore(lake.root);
    await summarizeStoreDayBaskets(store, store, affectedDates.sales_lines, settingsFromEnv({ WORK_DIR: join(lake.root, '.work') }));
    const engine = await CuratedQueryEngine.open(lake.root);
    try {
      await writeJson(store, runRecordKeys(runPrefix('b-pg')).committed, committedRecord('b-pg', await curatedDateTotals(engine), affectedDates));
      // this lake has no quarantine zone: its query answers no rows, the others are the lake's
      const curated = { query: async (sql: string): Promise<Row[]> => (/FROM quarantine\b/.test(sql) ? [] : engine.query(sql)) };
      const result = await reconcile(store, curated, pg.pipeline, 'b-pg');
      expect(result.dates).toEqual({ checked: 14, gapDates: [], unchecked: [] });
      expect(result.warehouse).toEqual({ salesLines: lakeTotals.lines, netRevenue: lakeTotals.revenue });
      expect(result.gaps.filter((g) => g.includes('warehouse'))).toEqual([]);
      expect(affectedDates.sales_lines).toHaveLength(14);
    } finally {
      engine.close();
    }
  });

  it('the category aggregates follow loads, reruns, a late event, a category change and a reload, under the pipeline role', async () => {
    await deployWarehouse(pg);
    const own = tempLake('agg-pg'); // its own lake folder: the run rewrites curated partitions and products.csv
    try {
      await categoryAggregatesThroughLoads(own.root, new PostgresWarehouse(pg.session, own.root, PIPELINE_USER));
    } finally {
      own.cleanup();
    }
  });

  it('loads and stock risk under the pipeline role give the same warehouse as DuckDB on the same data', async () => {
    await deployWarehouse(pg);
    await pg.pipeline.execute(load);
    await duck.execute(load);
    const store = new FsObjectStore(lake.root);
    const pgRisk = await runStockRisk(pg.pipeline, store, SETTINGS, 'b-pg');
    const duckRisk = await runStockRisk(duck, store, SETTINGS, 'b-duck');
    expect(pgRisk).toEqual({ ...duckRisk, alertsKey: pgRisk.alertsKey, transitionsKey: pgRisk.transitionsKey });
    expect(pgRisk.critical + pgRisk.high).toBeGreaterThan(0);
    const [fromPg, fromDuck] = [await contents(pg.pipeline), await contents(duck)];
    expect(fromPg.snapshot.length).toBeGreaterThan(0);
    expect(fromPg).toEqual(fromDuck);
  });

  it('stock risk from forecasts and open orders, and the alert lifecycle, run under the pipeline role as on DuckDB', async () => {
    await deployWarehouse(pg);
    const duckLake = tempLake('case'); // each engine's run records in a lake of its own: the batch ids are the same
    const caseDuck = DuckDbWarehouse.inMemory(duckLake.root);
    try {
      const results: Record<string, unknown>[] = [];
      for (const [w, root] of [[pg.pipeline, lake.root], [caseDuck, duckLake.root]] as const) {
        await loadStockRiskCase(w);
        const rt = testRuntime(root, w, new MemoryNotifier());
        const plan = { batchId: 'b-case', objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false };
        const risk = await runStockRisk(w, rt.store, rt.settings, 'b-case');
        const sent = await publishAlerts({ plan, risk }, rt);
        // a later sale that escalates HIGH to critical, then the next day, incrementally (the batch loaded AS_OF:
        // its store-SKUs and the due ones are evaluated, the rest carried over)
        await w.execute([saleSql('HIGH', AS_OF, 12, '22:00:00')]);
        const risk2 = await runStockRisk(w, rt.store, rt.settings, 'b-case-2', addDays(AS_OF, 1), [AS_OF]);
        results.push({ risk, sent, risk2, snapshot: await w.query(SNAPSHOT), state: await w.query(ALERT_STATE) });
      }
      const [fromPg, fromDuck] = results;
      expect(fromPg.sent).toEqual({ messages: 2, stores: 1, skus: 3, immediate: 1 });
      expect(fromPg).toEqual(fromDuck);
    } finally {
      await caseDuck.close();
      duckLake.cleanup();
    }
  });

  it('po_open_line follows the orders through loads, receipts, a date loaded again and reload --warehouse, under the pipeline role', async () => {
    await deployWarehouse(pg);
    const ordersLake = tempLake('pg-orders'); // COPY reads this lake: the same database as the pipeline's user
    try {
      await writeReference(ordersLake.root);
      const pipeline = new PostgresWarehouse(pg.session, ordersLake.root, PIPELINE_USER);
      expect(await openLinesScenario(pipeline, ordersLake.root)).toEqual(OPEN_LINES_EXPECTED);
    } finally {
      ordersLake.cleanup();
    }
  });

  it('migrations upgrade a loaded warehouse from the previous schema (0001 only) to the current one, once', async () => {
    const [initial] = readMigrations();
    await deployWarehouse(pg, warehouseDdlProperties({ migrations: [initial] }));
    await pg.pipeline.execute(loadForInitialSchema(load));
    const before = await warehouseTotals(pg.pipeline);

    const later = readMigrations().slice(1).map((m) => m.version).join(', ');
    expect(await deployWarehouse(pg)).toMatch(new RegExp(`^applied migrations \\[${later}\\]`));
    expect(await deployWarehouse(pg)).toMatch(/^applied migrations \[\]/);
    expect((await pg.admin.query('SELECT version, name FROM schema_migrations ORDER BY version')).map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
    expect(await warehouseTotals(pg.pipeline)).toEqual(before);
    // 0009 filled fact_basket from the sales loaded before it
    const baskets = await basketFactGaps(pg.pipeline);
    expect(baskets).toEqual({ baskets: expect.any(Number), missing: 0, extra: 0 });
    expect(baskets.baskets).toBeGreaterThan(100);
    // 0010 filled agg_category_day from them
    const aggregates = await categoryAggregateGaps(pg.pipeline);
    expect(aggregates).toEqual({ rows: expect.any(Number), missing: 0, extra: 0 });
    expect(aggregates.rows).toBeGreaterThan(0);
    // 0012 filled agg_store_day from them
    const storeDays = await storeAggregateGaps(pg.pipeline);
    expect(storeDays).toEqual({ rows: expect.any(Number), missing: 0, extra: 0 });
    expect(storeDays.rows).toBeGreaterThan(0);
    expect(await pg.pipeline.query(`SELECT DISTINCT currency FROM dim_store`)).toEqual([{ currency: 'USD' }]);
    // the grants still cover the altered and added tables: the pipeline loads into them, and its derived tables'
    // batch rebuilds the dates and order lines the load listed (the same sales: the same rows)
    await runLoad(pg.pipeline, load);
    expect(await warehouseTotals(pg.pipeline)).toEqual(before);
    expect(await openLineGaps(pg.pipeline)).toMatchObject({ missing: 0, extra: 0 });
    expect(await pg.pipeline.query('SELECT (SELECT count(*) FROM stg_sales_agg_dates) + (SELECT count(*) FROM po_line_touched) AS n')).toEqual([{ n: 0 }]);
    expect(await basketFactGaps(pg.pipeline)).toEqual(baskets);
    expect(await categoryAggregateGaps(pg.pipeline)).toEqual(aggregates);
    expect(await storeAggregateGaps(pg.pipeline)).toEqual(storeDays);
  });
});
