import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demandHistoryRowsSql, demandHistorySql, forecastDailySql } from '../../../functions/lib/forecast/forecast-sql';
import { forecastModelsKey } from '../../../functions/lib/lake-layout';
import { settingsFromEnv } from '../../../functions/lib/pipeline/pipeline-settings';
import type { Metric, Row, Warehouse } from '../../../functions/lib/ports';
import { asIsoDate } from '../../../functions/lib/risk/stock-risk-sql';
import { fitForecasts } from '../../../functions/pipeline/fit-forecasts/fit-forecasts';
import { prepareLoads } from '../../../functions/pipeline/prepare-loads/prepare-loads';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { deployWarehouse, startRedshiftOnPostgres } from '../../helpers/redshift-on-postgres';
import { writeSimulatedLake } from '../../helpers/risk-fixture';
import { inventoryEvent, line, tempLake, writeCurated, writeReference } from '../../helpers/warehouse-fixture';

/**
 * The forecast's warehouse SQL (demand_history.sql, forecast_daily.sql, load_forecast_model.sql) on DuckDB and on
 * PostgreSQL under the pipeline's loader role (DML only), on the same data.
 *
 * The censoring case (UTC times; business dates given directly):
 *  S001 SKU-1: count 3 on 01-01 06:00, sale 3 at 12:00 -> 0 (out of stock); 01-02 nothing (still 0);
 *              receipt +10 on 01-03 07:00, sale 2 -> 8; count 5 on 01-04 10:00 (shrink found) -> 5;
 *              return 1 on 01-05 -> 6 (units 0: net returns are not negative demand)
 *  S002 SKU-1: sale 2 on 01-01 before any count (no stock data that day: no row), count 1 on 01-02 09:00,
 *              sale 1 at 10:00 -> 0 and never restocked
 *  S001 SKU-2: sold, never counted -> no rows
 *  S003 SKU-3, the order of moves and counts within a day:
 *              01-02: sale 2 at 08:00 (before any count), count 10 at 09:00 with a sale of 1 at that very instant
 *              (taken as counted), sale 3 at 11:00, counts 4 (k2) and 6 (k3) both at 12:00 (the greater event_id is
 *              the later: 6), damage -5 at 13:00 -> 1 at the day's end (units 6);
 *              01-03: sale 1 -> 0 (out of stock); 01-04 nothing (still 0);
 *              01-05: count 1 at 08:00 with a sale of 1 at that very instant (counted) -> 1 (units 1)
 */
async function writeCensoringCase(root: string): Promise<{ sales_lines: string[]; inventory_events: string[] }> {
  await writeReference(root);
  const sale = (id: string, store: string, sku: string, at: string, qty: number, type: 'sale' | 'return' = 'sale') =>
    line({ event_id: id, store_id: store, sku, occurred_at: at, business_date: at.slice(0, 10), quantity: qty, unit_price: 1, event_type: type });
  const count = (id: string, store: string, sku: string, at: string, qty: number) =>
    inventoryEvent({ event_id: id, store_id: store, sku, occurred_at: at, business_date: at.slice(0, 10), event_type: 'inventory_snapshot', on_hand_qty: qty, reorder_point: 1 });
  await writeCurated(root, 'sales_lines', [
    sale('s1', 'S001', 'SKU-1', '2024-01-01 12:00:00', 3),
    sale('s2', 'S001', 'SKU-1', '2024-01-03 12:00:00', 2),
    sale('s3', 'S001', 'SKU-1', '2024-01-05 12:00:00', 1, 'return'),
    sale('s4', 'S002', 'SKU-1', '2024-01-01 12:00:00', 2),
    sale('s5', 'S002', 'SKU-1', '2024-01-02 10:00:00', 1),
    sale('s6', 'S001', 'SKU-2', '2024-01-02 10:00:00', 4),
    sale('x1', 'S003', 'SKU-3', '2024-01-02 08:00:00', 2),
    sale('x2', 'S003', 'SKU-3', '2024-01-02 09:00:00', 1),
    sale('x3', 'S003', 'SKU-3', '2024-01-02 11:00:00', 3),
    sale('x4', 'S003', 'SKU-3', '2024-01-03 10:00:00', 1),
    sale('x5', 'S003', 'SKU-3', '2024-01-05 08:00:00', 1),
  ]);
  await writeCurated(root, 'inventory_events', [
    count('c1', 'S001', 'SKU-1', '2024-01-01 06:00:00', 3),
    inventoryEvent({ event_id: 'a1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-03 07:00:00', business_date: '2024-01-03', event_type: 'inventory_adjustment', quantity_change: 10, reason: 'receipt' }),
    count('c2', 'S001', 'SKU-1', '2024-01-04 10:00:00', 5),
    count('c3', 'S002', 'SKU-1', '2024-01-02 09:00:00', 1),
    count('k1', 'S003', 'SKU-3', '2024-01-02 09:00:00', 10),
    count('k3', 'S003', 'SKU-3', '2024-01-02 12:00:00', 6),
    count('k2', 'S003', 'SKU-3', '2024-01-02 12:00:00', 4),
    inventoryEvent({ event_id: 'a3', store_id: 'S003', sku: 'SKU-3', occurred_at: '2024-01-02 13:00:00', business_date: '2024-01-02', event_type: 'inventory_adjustment', quantity_change: -5, reason: 'damage' }),
    count('k4', 'S003', 'SKU-3', '2024-01-05 08:00:00', 1),
  ]);
  return { sales_lines: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'], inventory_events: ['2024-01-01', '2024-01-03', '2024-01-04', '2024-01-02', '2024-01-05'] };
}

const history = async (w: Warehouse, asOf: string, start: string, store: string): Promise<string[]> =>
  (await w.query(demandHistorySql(asOf, start, [store]))).map((r) => `${r.sku} ${asIsoDate(r.date_key)} ${Number(r.units)}${r.censored === true || r.censored === 'true' ? ' censored' : ''}`);

const MODEL_COLUMNS = 'store_id, sku, fitted_through, model, level, trend, season_1, season_2, season_3, season_4, season_5, season_6, season_7, sigma, next_review';
const normalise = (rows: Row[]): Row[] => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date || k.endsWith('date') || k === 'date_key' || k === 'fitted_through' || k === 'next_review' ? asIsoDate(v) : typeof v === 'number' || typeof v === 'bigint' || /^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : v])));

/** The same lake in a DuckDB warehouse and in PostgreSQL (deployed as CDK does), both loaded; the pipeline's role on PostgreSQL. */
async function bothEngines(root: string, dates: { sales_lines: string[]; inventory_events: string[] }): Promise<{ engines: [string, Warehouse][]; close: () => Promise<void> }> {
  const pg = await startRedshiftOnPostgres(root);
  await deployWarehouse(pg);
  const duck = DuckDbWarehouse.inMemory(root);
  const load = prepareLoads({ affectedDates: dates }, {}).redshiftSqls;
  await duck.execute(load);
  await pg.pipeline.execute(load);
  return {
    engines: [
      ['duckdb', duck],
      ['postgres', pg.pipeline],
    ],
    close: async () => {
      await duck.close();
      await pg.close();
    },
  };
}

describe('demand_history.sql on DuckDB and on PostgreSQL (loader role)', () => {
  let lake: ReturnType<typeof tempLake>;
  let both: Awaited<ReturnType<typeof bothEngines>>;
  beforeAll(async () => {
    lake = tempLake('demand-history');
    both = await bothEngines(lake.root, await writeCensoringCase(lake.root));
  }, 180_000); // PGlite's start and the deploy take long on a busy machine
  afterAll(async () => {
    await both?.close();
    lake?.cleanup();
  });

  it.each(['duckdb', 'postgres'])('%s: units per day, out-of-stock days censored, as of a date', async (engine) => {
    const w = both.engines.find(([name]) => name === engine)![1];
    expect(await history(w, '2024-01-04', '2024-01-02', 'S001')).toEqual(['SKU-1 2024-01-02 0 censored', 'SKU-1 2024-01-03 2', 'SKU-1 2024-01-04 0']);
    expect(await history(w, '2024-01-05', '2024-01-01', 'S001')).toEqual([
      'SKU-1 2024-01-01 3 censored',
      'SKU-1 2024-01-02 0 censored',
      'SKU-1 2024-01-03 2',
      'SKU-1 2024-01-04 0',
      'SKU-1 2024-01-05 0',
    ]);
    expect(await history(w, '2024-01-05', '2024-01-01', 'S002')).toEqual(['SKU-1 2024-01-02 1 censored', 'SKU-1 2024-01-03 0 censored', 'SKU-1 2024-01-04 0 censored', 'SKU-1 2024-01-05 0 censored']);
  });

  it.each(['duckdb', 'postgres'])('%s: within a day, only the moves after its last count change the count (one at the very instant is counted)', async (engine) => {
    const w = both.engines.find(([name]) => name === engine)![1];
    expect(await history(w, '2024-01-05', '2024-01-01', 'S003')).toEqual(['SKU-3 2024-01-02 6', 'SKU-3 2024-01-03 1 censored', 'SKU-3 2024-01-04 0 censored', 'SKU-3 2024-01-05 1']);
    // as of 01-02 the history starts with the count's day, whatever the start
    expect(await history(w, '2024-01-02', '2023-12-01', 'S003')).toEqual(['SKU-3 2024-01-02 6']);
  });

  it.each(['duckdb', 'postgres'])('%s: demand_history_rows.sql bounds each store\'s history rows (here exactly: every day has a row)', async (engine) => {
    const w = both.engines.find(([name]) => name === engine)![1];
    const bound = async (asOf: string, start: string): Promise<string[]> =>
      (await w.query(`${demandHistoryRowsSql(asOf, start)} ORDER BY store_id`)).map((r) => `${String(r.store_id)} ${Number(r.history_rows)}`);
    // S001 SKU-1 counted from 01-01, S002 SKU-1 and S003 SKU-3 from 01-02; S001 SKU-2 never counted
    expect(await bound('2024-01-05', '2024-01-01')).toEqual(['S001 5', 'S002 4', 'S003 4']);
    expect(await bound('2024-01-04', '2024-01-02')).toEqual(['S001 3', 'S002 3', 'S003 3']);
    // as of 01-01 only S001's count exists
    expect(await bound('2024-01-01', '2023-12-01')).toEqual(['S001 1']);
    // both are read in one query, ordered by store
    expect((await w.query(demandHistorySql('2024-01-05', '2024-01-01', ['S002', 'S001']))).map((r) => String(r.store_id))).toEqual(['S001', 'S001', 'S001', 'S001', 'S001', 'S002', 'S002', 'S002', 'S002']);
  });
});

describe('fitForecasts and forecast_daily.sql on DuckDB and on PostgreSQL (loader role)', () => {
  const DAYS = 70; // the backtest's 8 weekly origins and two weeks before the first
  const AS_OF = '2024-03-10'; // the last simulated day (2024-01-01 + 69)
  let lake: ReturnType<typeof tempLake>;
  let both: Awaited<ReturnType<typeof bothEngines>>;
  const settings = { historyDays: DAYS, refitDays: 7 };
  beforeAll(async () => {
    lake = tempLake('fit-forecasts');
    both = await bothEngines(lake.root, await writeSimulatedLake(lake.root, DAYS, 3));
  }, 180_000);
  afterAll(async () => {
    await both?.close();
    lake?.cleanup();
  });

  const deps = (w: Warehouse, published: Metric[] = []) => ({
    warehouse: w,
    store: new FsObjectStore(lake.root),
    metrics: { publish: async (m: Metric[]) => void published.push(...m) },
    duckdb: { ...settingsFromEnv({}), workDir: join(lake.root, '.work') },
  });

  it.each(['duckdb', 'postgres'])('%s: fits every counted store-SKU, writes the models to the lake and the warehouse, then skips while fresh', async (engine) => {
    const w = both.engines.find(([name]) => name === engine)![1];
    const published: Metric[] = [];
    const result = await fitForecasts(deps(w, published), AS_OF, settings);
    expect(result).toMatchObject({ skipped: false, fittedThrough: AS_OF, series: 8, modelsKey: forecastModelsKey(AS_OF) });
    expect(existsSync(join(lake.root, forecastModelsKey(AS_OF)))).toBe(true);
    expect(result.accuracy.map((a) => a.model).sort()).toEqual(['croston', 'ets_ana', 'sba', 'seasonal_naive', 'selected', 'ses_weekday', 'tsb']);
    const selected = result.accuracy.find((a) => a.model === 'selected')!;
    expect(published).toEqual([{ name: 'ForecastBias', value: selected.biasPct, unit: 'Percent' }]);
    const models = await w.query(`SELECT ${MODEL_COLUMNS} FROM forecast_model ORDER BY store_id, sku`);
    expect(models).toHaveLength(8);
    expect(normalise(models).every((m) => m.fitted_through === AS_OF && m.next_review === '2024-03-17')).toBe(true);
    const accuracy = normalise(await w.query(`SELECT model, series, wape, bias_pct FROM forecast_accuracy WHERE fitted_through = '${AS_OF}' ORDER BY model`));
    expect(accuracy.find((a) => a.model === 'selected')).toEqual({ model: 'selected', series: 8, wape: Number(selected.wape!.toFixed(6)), bias_pct: Number(selected.biasPct!.toFixed(6)) });

    // fresh (fitted 0..6 days before): skipped without reading the history; a week later: refitted
    expect(await fitForecasts(deps(w), '2024-03-16', settings)).toMatchObject({ skipped: true, fittedThrough: AS_OF });
    // as of an earlier date the newer models do not serve: refitted on the history up to that date only
    const earlier = await fitForecasts(deps(w), '2024-03-03', settings);
    expect(earlier).toMatchObject({ skipped: false, fittedThrough: '2024-03-03' });
    await fitForecasts(deps(w), AS_OF, { ...settings, force: true });
  });

  it('both engines fit the same models', async () => {
    const [duck, postgres] = both.engines.map(([, w]) => w);
    const query = `SELECT ${MODEL_COLUMNS} FROM forecast_model ORDER BY store_id, sku`;
    expect(normalise(await postgres.query(query))).toEqual(normalise(await duck.query(query)));
  });

  it('fits the same models and accuracy whether the stores\' histories are read in one query or one store a query', async () => {
    const w = both.engines.find(([name]) => name === 'duckdb')![1];
    const fitted = async (historyRowsPerQuery: number): Promise<[Row[], Row[]]> => {
      await fitForecasts(deps(w), AS_OF, { ...settings, force: true, historyRowsPerQuery });
      return [
        normalise(await w.query(`SELECT ${MODEL_COLUMNS} FROM forecast_model ORDER BY store_id, sku`)),
        normalise(await w.query(`SELECT model, series, wape, bias_pct, mase FROM forecast_accuracy WHERE fitted_through = '${AS_OF}' ORDER BY model`)),
      ];
    };
    const together = await fitted(1_000_000);
    expect(new Set(together[0].map((m) => m.store_id)).size).toBeGreaterThan(1);
    expect(await fitted(1)).toEqual(together);
  });

  it('fits the same models and accuracy on worker threads, a store a task, as on the calling thread', async () => {
    const w = both.engines.find(([name]) => name === 'duckdb')![1];
    const fitted = async (workers: number): Promise<[Row[], Row[], Buffer]> => {
      await fitForecasts({ ...deps(w), workers }, AS_OF, { ...settings, force: true, minSeriesForThreads: 0, seriesPerTask: 1 });
      return [
        normalise(await w.query(`SELECT ${MODEL_COLUMNS} FROM forecast_model ORDER BY store_id, sku`)),
        normalise(await w.query(`SELECT model, series, wape, bias_pct, mase FROM forecast_accuracy WHERE fitted_through = '${AS_OF}' ORDER BY model`)),
        readFileSync(join(lake.root, forecastModelsKey(AS_OF))),
      ];
    };
    const onThisThread = await fitted(1);
    expect(new Set(onThisThread[0].map((m) => m.store_id)).size).toBeGreaterThan(1);
    expect(await fitted(2)).toEqual(onThisThread);
  });

  it.each(['duckdb', 'postgres'])('%s: forecast_daily.sql is level + trend * h + the weekday season, at least 0, after fitted_through only', async (engine) => {
    const w = both.engines.find(([name]) => name === engine)![1];
    await w.execute([
      'DELETE FROM forecast_model',
      // fitted through a Sunday: 03-11 is a Monday (season_1), 03-17 a Sunday (season_7)
      `INSERT INTO forecast_model (${MODEL_COLUMNS}) VALUES ('S001', 'SKU-1', '2024-03-10', 'ets_ana', 10, 0.5, 1, 2, 3, 4, 5, 6, -20, 1.5, '2024-03-17')`,
    ]);
    const rows = normalise(await w.query(forecastDailySql('2024-03-09', '2024-03-17')));
    expect(rows.map((r) => [r.date_key, r.forecast_units])).toEqual([
      ['2024-03-11', 11.5],
      ['2024-03-12', 13],
      ['2024-03-13', 14.5],
      ['2024-03-14', 16],
      ['2024-03-15', 17.5],
      ['2024-03-16', 19],
      ['2024-03-17', 0], // 10 + 3.5 - 20 < 0
    ]);
    expect(rows[0]).toMatchObject({ store_id: 'S001', sku: 'SKU-1', model: 'ets_ana', sigma: 1.5 });
  });

  it('fits only the due series, at most maxSeries a run: a backlog is worked off over the next runs', async () => {
    const w = both.engines.find(([name]) => name === 'duckdb')![1];
    await w.execute(['DELETE FROM forecast_model']);
    const bounded = { ...settings, maxSeries: 3 };
    const fitted = async (): Promise<string[]> => normalise(await w.query('SELECT store_id, sku FROM forecast_model ORDER BY store_id, sku')).map((r) => `${String(r.store_id)}/${String(r.sku)}`);
    const runs: number[] = [];
    for (let i = 0; i < 4; i++) runs.push((await fitForecasts(deps(w), AS_OF, bounded)).series);
    expect(runs).toEqual([3, 3, 2, 0]); // the 8 series, 3 a run; then none is due
    const all = await fitted();
    expect(all).toHaveLength(8);
    // one series' review comes: only it is refitted, the others keep their models
    const [first] = all;
    const [store, sku] = first.split('/');
    await w.execute([`UPDATE forecast_model SET next_review = '2024-03-05', fitted_through = '2024-03-01' WHERE store_id = '${store}' AND sku = '${sku}'`]);
    expect(await fitForecasts(deps(w), AS_OF, bounded)).toMatchObject({ skipped: false, series: 1 });
    const rows = normalise(await w.query(`SELECT store_id, sku, next_review FROM forecast_model WHERE next_review = '2024-03-17'`));
    expect(rows).toHaveLength(8);
  });
});
