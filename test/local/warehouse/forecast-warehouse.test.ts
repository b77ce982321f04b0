import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { demandHistorySql, forecastDailySql } from '../../../functions/lib/forecast/forecast-sql';
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
  ]);
  await writeCurated(root, 'inventory_events', [
    count('c1', 'S001', 'SKU-1', '2024-01-01 06:00:00', 3),
    inventoryEvent({ event_id: 'a1', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-03 07:00:00', business_date: '2024-01-03', event_type: 'inventory_adjustment', quantity_change: 10, reason: 'receipt' }),
    count('c2', 'S001', 'SKU-1', '2024-01-04 10:00:00', 5),
    count('c3', 'S002', 'SKU-1', '2024-01-02 09:00:00', 1),
  ]);
  return { sales_lines: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'], inventory_events: ['2024-01-01', '2024-01-03', '2024-01-04', '2024-01-02'] };
}

const history = async (w: Warehouse, asOf: string, start: string, store: string): Promise<string[]> =>
  (await w.query(demandHistorySql(asOf, start, store))).map((r) => `${r.sku} ${asIsoDate(r.date_key)} ${Number(r.units)}${r.censored === true || r.censored === 'true' ? ' censored' : ''}`);

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
  });
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
});
