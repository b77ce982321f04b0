import type { PipelineState } from '../../../../functions/lib/pipeline/state';
import type { Notifier } from '../../../../functions/lib/ports';
import type { AlertList } from '../../../../functions/lib/risk/alerts';
import { windowStart } from '../../../../functions/lib/risk/demand';
import { serviceLevelZ } from '../../../../functions/lib/risk/service-level';
import { stockRiskStatements } from '../../../../functions/lib/risk/stock-risk-sql';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { run } from '../../../../functions/pipeline/stock-risk/index';
import { runStockRisk } from '../../../../functions/pipeline/stock-risk/stock-risk';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { tempLake } from '../../../helpers/warehouse-fixture';
import { DuckDbWarehouse, loadCase, testRuntime } from '../../../helpers/risk-fixture';
import { addDays, AS_OF, countSql, loadStockRiskCase, modelSql, saleSql } from '../../../helpers/stock-risk-fixture';

const noNotifier: Notifier = { publish: async () => undefined };
const state = (batchId: string): PipelineState => ({ plan: { batchId, objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false } });
const SETTINGS = settingsFromEnv({});

type Position = {
  store_id: string;
  sku: string;
  on_hand_qty: number;
  avg_daily_demand: number;
  days_of_supply: number | null;
  risk_flag: string;
  on_order_qty: number;
  next_arrival_date: string | null;
  stockout_date: string | null;
  order_by_date: string | null;
  suggested_qty: number;
  reorder_point: number;
  safety_stock: number;
  forecast_daily: number;
  stock_flag: string | null;
};

const day = (v: unknown): string | null => (v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

async function positions(w: DuckDbWarehouse, date: string): Promise<Record<string, Position>> {
  const rows = await w.query(
    `SELECT store_id, sku, on_hand_qty, avg_daily_demand, days_of_supply, risk_flag, on_order_qty, next_arrival_date, stockout_date, order_by_date,
            suggested_qty, reorder_point, safety_stock, forecast_daily, stock_flag
     FROM fact_inventory_snapshot WHERE date_key = '${date}'`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      `${String(r.store_id)}/${String(r.sku)}`,
      { ...r, next_arrival_date: day(r.next_arrival_date), stockout_date: day(r.stockout_date), order_by_date: day(r.order_by_date) } as Position,
    ]),
  );
}

describe('stock risk', () => {
  let lake: ReturnType<typeof tempLake>;
  let w: DuckDbWarehouse;
  beforeEach(async () => {
    lake = tempLake();
    w = DuckDbWarehouse.inMemory(lake.root);
  });
  afterEach(async () => {
    await w.close();
    lake.cleanup();
  });

  it('estimates on hand from the last count, adjustments, sales and returns; without a forecast model, demand is the recent average', async () => {
    await loadCase(lake.root, w);
    const rt = testRuntime(lake.root, w, noNotifier);
    const out = await run(state('b1'), rt);
    expect(out).toEqual({ asOfDate: '2024-01-11', critical: 2, high: 0, alertsKey: 'control/runs/b1/alerts.json', transitionsKey: 'control/runs/b1/alert-transitions.json', notices: 2, evaluated: 5 });

    const p = await positions(w, '2024-01-11');
    expect(Object.keys(p).sort()).toEqual(['S001/SKU-1', 'S001/SKU-2', 'S001/SKU-3', 'S001/SKU-4', 'S002/SKU-1']); // no count, no estimate
    // 20 + 10 (receipt) - 25 (sold) + 2 (returned); demand (4 + 10 + 15 - 2) / 3 store days = 9; lead time 2: out tomorrow
    expect(p['S001/SKU-1']).toMatchObject({ on_hand_qty: 7, avg_daily_demand: 9, days_of_supply: 0.78, risk_flag: 'critical', stockout_date: '2024-01-12' });
    // 18 at 4 a day lasts 4 days, past Bread's 1-day lead time: ok, but 4.5 days of cover is above 3 lead times
    expect(p['S001/SKU-2']).toMatchObject({ on_hand_qty: 18, avg_daily_demand: 4, days_of_supply: 4.5, risk_flag: 'ok', stockout_date: '2024-01-16', stock_flag: 'overstock' });
    // stock nobody bought: not called ok silently (the lake is too young for "dead": no sale for 28 days cannot be known)
    expect(p['S001/SKU-3']).toMatchObject({ on_hand_qty: 5, avg_daily_demand: 0, days_of_supply: null, risk_flag: 'ok', stock_flag: 'overstock' });
    expect(p['S001/SKU-4']).toMatchObject({ on_hand_qty: 97, avg_daily_demand: 1, days_of_supply: 97, risk_flag: 'ok' });
    // the shrink before the count is already in it; 8 - 6 = 2, demand 6 / 1 day
    expect(p['S002/SKU-1']).toMatchObject({ on_hand_qty: 2, avg_daily_demand: 6, days_of_supply: 0.33, risk_flag: 'critical' });

    const list = JSON.parse((await new FsObjectStore(lake.root).get(out.alertsKey)).toString('utf8')) as AlertList;
    expect(list.asOfDate).toBe('2024-01-11');
    expect(list.settings).toEqual({ serviceLevel: 0.95, z: 1.644854, reviewDays: 7, deadStockDays: 28, overstockCover: 3 });
    expect(list.alerts.map((a) => [a.store_id, a.sku, a.severity])).toEqual([
      ['S001', 'SKU-1', 'critical'],
      ['S002', 'SKU-1', 'critical'],
    ]);
    expect(list.alerts[0]).toMatchObject({ store_name: 'Downtown', product_name: 'Milk 1L', on_hand_qty: 7, on_order_qty: 0, next_arrival_date: null, lead_time_days: 2 });
  });

  it('known answers: open orders, lead time, safety stock, order-by, suggested quantity net of what is on order, dead stock, overstock', async () => {
    await loadStockRiskCase(w);
    const out = await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'b1');
    expect(out).toMatchObject({ asOfDate: AS_OF, critical: 1, high: 2 });
    const p = await positions(w, AS_OF);
    const ss = 6.58; // 1.644854 x sigma 2 x sqrt(4)
    // an order arriving before the stock runs out: not flagged; the order-by date is when the projection would
    // reach safety stock (D+7) minus the lead time
    expect(p['S1/ARRIVES']).toMatchObject({
      risk_flag: 'ok',
      on_order_qty: 50,
      next_arrival_date: '2024-03-12',
      stockout_date: '2024-03-18',
      order_by_date: '2024-03-13',
      suggested_qty: 42, // ceil(110 + 6.58 - 25 - 50)
      safety_stock: ss,
      reorder_point: 47, // ceil(40 + 6.58)
      forecast_daily: 10,
      stock_flag: null,
    });
    // nothing on order and it runs out within the lead time
    expect(p['S1/HIGH']).toMatchObject({ risk_flag: 'high', on_order_qty: 0, stockout_date: '2024-03-13', order_by_date: AS_OF, suggested_qty: 92 });
    expect(p['S1/CRIT']).toMatchObject({ risk_flag: 'critical', stockout_date: '2024-03-12', suggested_qty: 102 });
    // 50 ordered, 20 received by D (the later receipt and the order placed after D do not count): 30 due D+3
    expect(p['S1/ONORDER']).toMatchObject({ risk_flag: 'ok', on_order_qty: 30, next_arrival_date: '2024-03-13', stockout_date: '2024-03-16', suggested_qty: 62 });
    expect(p['S1/DEAD']).toMatchObject({ risk_flag: 'ok', forecast_daily: 0, stock_flag: 'dead', stockout_date: null, suggested_qty: 0 });
    expect(p['S1/OVER']).toMatchObject({ risk_flag: 'ok', days_of_supply: 20, stock_flag: 'overstock', suggested_qty: 0 });
    // no model: 8 units over the store's 2 trading days = 4 a day, daily values 6 and 2 -> sigma 2
    expect(p['S1/FALLBACK']).toMatchObject({ risk_flag: 'high', forecast_daily: 4, safety_stock: ss, stockout_date: '2024-03-13', suggested_qty: 41 });
  });

  it('an overdue order is expected tomorrow; the forecast follows trend and ISO weekday seasons from fitted_through', async () => {
    await loadStockRiskCase(w);
    // fitted two days before D (a Sunday): day t's forecast is 6 + 0.5 x (t - fitted_through) + season(weekday of t)
    const seasons = [-3, -2, -1, 0, 1, 2, 3];
    await w.execute([`DELETE FROM forecast_model WHERE sku = 'HIGH'`, modelSql('HIGH', addDays(AS_OF, -2), 6, 2, 0.5, seasons)]);
    await w.execute([`INSERT INTO fact_purchase_order (date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier)
      VALUES ('2024-03-01', '2024-03-01 09:00:00', 'S1', 'CRIT', 'late-1', 'purchase_order', 'PO-LATE', 30, '2024-03-05', 'Acme')`]);
    await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'b1');
    const p = await positions(w, AS_OF);
    const daily = Array.from({ length: 11 }, (_, i) => {
      const t = addDays(AS_OF, i + 1);
      const isoDow = ((new Date(`${t}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
      return Math.max(0, 6 + 0.5 * (i + 3) + seasons[isoDow - 1]);
    });
    expect(p['S1/HIGH'].forecast_daily).toBeCloseTo(daily.reduce((a, b) => a + b, 0) / 11, 4);
    expect(p['S1/CRIT']).toMatchObject({ on_order_qty: 30, next_arrival_date: '2024-03-11', risk_flag: 'ok', stockout_date: '2024-03-15' }); // 15 + 30 lasts 4 days
  });

  it('is as-of correct: a past date sees only the facts, orders and models of that date', async () => {
    await loadStockRiskCase(w);
    const store = new FsObjectStore(lake.root);
    const before = await runStockRisk(w, store, SETTINGS, 'b1', AS_OF);
    const asOf = await positions(w, AS_OF);
    // the next day: HIGH sells out, a new count, and FALLBACK gets a model
    const next = addDays(AS_OF, 1);
    await w.execute([saleSql('HIGH', next, 20), countSql('CRIT', next, 100), modelSql('FALLBACK', next, 50, 1)]);
    expect(await runStockRisk(w, store, SETTINGS, 'b2')).toMatchObject({ asOfDate: next });
    expect((await positions(w, next))['S1/HIGH']).toMatchObject({ on_hand_qty: 5, risk_flag: 'critical' });
    // recomputing the earlier date gives what it gave then
    expect(await runStockRisk(w, store, SETTINGS, 'b3', AS_OF)).toMatchObject({ asOfDate: AS_OF, critical: before.critical, high: before.high });
    expect(await positions(w, AS_OF)).toEqual(asOf);
  });

  it('honours serviceLevel, deadStockDays and overstockCover from the settings', async () => {
    await loadStockRiskCase(w);
    await runStockRisk(w, new FsObjectStore(lake.root), { ...SETTINGS, serviceLevel: 0.5, deadStockDays: 50, overstockCover: 6 }, 'b1');
    const p = await positions(w, AS_OF);
    expect(p['S1/HIGH']).toMatchObject({ safety_stock: 0, reorder_point: 40, suggested_qty: 85 }); // z = 0
    // the store's history is 40 days, not 50: "no sale for 50 days" is unknown; stock with no forecast demand is overstock
    expect(p['S1/DEAD'].stock_flag).toBe('overstock');
    expect(p['S1/OVER'].stock_flag).toBeNull(); // 20 days of cover < 6 x 4
  });

  it('is idempotent: running again replaces the as-of date', async () => {
    await loadCase(lake.root, w);
    const rt = testRuntime(lake.root, w, noNotifier);
    const first = await run(state('b1'), rt);
    const before = await positions(w, '2024-01-11');
    const second = await run(state('b1'), rt);
    expect(second).toEqual(first);
    expect(await positions(w, '2024-01-11')).toEqual(before);
    expect(await w.query('SELECT count(*) AS n FROM fact_inventory_snapshot')).toEqual([{ n: 5 }]);
  });

  it("takes a best seller's 150,000 units a day without overflowing the fallback's squares (DuckDB multiplies DECIMAL(18) in 64 bits)", async () => {
    await loadStockRiskCase(w);
    await w.execute([saleSql('FALLBACK', AS_OF, 150_000), saleSql('FALLBACK', addDays(AS_OF, -1), 130_000)]);
    await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'b1');
    const p = await positions(w, AS_OF);
    expect(Number(p['S1/FALLBACK'].forecast_daily)).toBeGreaterThan(1_000);
    expect(p['S1/FALLBACK'].risk_flag).toBe('critical');
  });

  it('keeps an estimate past the INTEGER column at its bound instead of failing the load (a count plus receipts of valid sizes)', async () => {
    await loadCase(lake.root, w, true);
    await run(state('b1'), testRuntime(lake.root, w, noNotifier));
    expect((await positions(w, '2024-01-11'))['S002/SKU-3']).toMatchObject({ on_hand_qty: 2147483647, days_of_supply: null, risk_flag: 'ok' });
  });

  it('writes an empty alert list and no transitions while the warehouse has no facts', async () => {
    const rt = testRuntime(lake.root, w, noNotifier);
    const out = await run(state('b0'), rt);
    expect(out).toEqual({ asOfDate: null, critical: 0, high: 0, alertsKey: 'control/runs/b0/alerts.json', transitionsKey: 'control/runs/b0/alert-transitions.json', notices: 0, evaluated: 0 });
    const list = JSON.parse((await new FsObjectStore(lake.root).get(out.alertsKey)).toString('utf8')) as AlertList;
    expect(list.alerts).toEqual([]);
  });

  it('sends DML only: the pipeline role may not create or replace anything (see redshift-semantics.test.ts)', () => {
    const statements = stockRiskStatements('2024-01-11', SETTINGS);
    expect(statements.map((s) => /^\w+/.exec(s)?.[0])).toEqual(['DELETE', 'INSERT']);
    expect(statements.join('\n')).not.toMatch(/generate_series/i);
  });

  it('z of a service level is the normal quantile; nonsense levels are refused', () => {
    expect(serviceLevelZ(0.5)).toBeCloseTo(0, 9);
    expect(serviceLevelZ(0.95)).toBeCloseTo(1.644854, 6);
    expect(serviceLevelZ(0.99)).toBeCloseTo(2.326348, 6);
    expect(serviceLevelZ(0.999)).toBeCloseTo(3.090232, 6);
    expect(() => serviceLevelZ(0.4)).toThrow(/serviceLevel/);
    expect(() => serviceLevelZ(1)).toThrow(/serviceLevel/);
  });

  it('demand window start counts the as-of date as the last day', () => {
    expect(windowStart('2024-01-11', 28)).toBe('2023-12-15');
    expect(windowStart('2024-03-01', 1)).toBe('2024-03-01');
    expect(() => windowStart('2024-03-01', 0)).toThrow(/window/);
  });
});
