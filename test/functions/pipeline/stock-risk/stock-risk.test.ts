import type { PipelineState } from '../../../../functions/lib/pipeline/state';
import type { Notifier } from '../../../../functions/lib/ports';
import type { AlertList } from '../../../../functions/lib/risk/alerts';
import { windowStart } from '../../../../functions/lib/risk/demand';
import { stockRiskStatements } from '../../../../functions/lib/risk/stock-risk-sql';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { run } from '../../../../functions/pipeline/stock-risk/index';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { tempLake } from '../../../helpers/warehouse-fixture';
import { DuckDbWarehouse, loadCase, testRuntime } from '../../../helpers/risk-fixture';

const noNotifier: Notifier = { publish: async () => undefined };
const state = (batchId: string): PipelineState => ({ plan: { batchId, objectCount: 1, bytes: 1, useGlue: false, manifestKey: 'm', resumed: false } });

type Position = { store_id: string; sku: string; on_hand_qty: number; avg_daily_demand: number; days_of_supply: number | null; risk_flag: string };

async function positions(w: DuckDbWarehouse): Promise<Record<string, Position>> {
  const rows = await w.query(
    `SELECT store_id, sku, on_hand_qty, avg_daily_demand, days_of_supply, risk_flag FROM fact_inventory_snapshot WHERE date_key = '2024-01-11'`,
  );
  return Object.fromEntries(rows.map((r) => [`${String(r.store_id)}/${String(r.sku)}`, r as Position]));
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

  it('estimates on hand from the last count, adjustments, sales and returns; demand and days of supply; severities', async () => {
    await loadCase(lake.root, w);
    const rt = testRuntime(lake.root, w, noNotifier);
    const out = await run(state('b1'), rt);
    expect(out).toEqual({ asOfDate: '2024-01-11', critical: 2, high: 1, alertsKey: 'control/runs/b1/alerts.json' });

    const p = await positions(w);
    expect(Object.keys(p).sort()).toEqual(['S001/SKU-1', 'S001/SKU-2', 'S001/SKU-3', 'S001/SKU-4', 'S002/SKU-1']); // no count, no estimate
    // 20 + 10 (receipt) - 25 (sold) + 2 (returned); demand (4 + 10 + 15 - 2) / 3 store days = 9
    expect(p['S001/SKU-1']).toMatchObject({ on_hand_qty: 7, avg_daily_demand: 9, days_of_supply: 0.78, risk_flag: 'critical' });
    expect(p['S001/SKU-2']).toMatchObject({ on_hand_qty: 18, avg_daily_demand: 4, days_of_supply: 4.5, risk_flag: 'high' });
    expect(p['S001/SKU-3']).toMatchObject({ on_hand_qty: 5, avg_daily_demand: 0, days_of_supply: null, risk_flag: 'ok' });
    expect(p['S001/SKU-4']).toMatchObject({ on_hand_qty: 97, avg_daily_demand: 1, days_of_supply: 97, risk_flag: 'ok' });
    // the shrink before the count is already in it; 8 - 6 = 2, demand 6 / 1 day
    expect(p['S002/SKU-1']).toMatchObject({ on_hand_qty: 2, avg_daily_demand: 6, days_of_supply: 0.33, risk_flag: 'critical' });

    const list = JSON.parse((await new FsObjectStore(lake.root).get(out.alertsKey)).toString('utf8')) as AlertList;
    expect(list.asOfDate).toBe('2024-01-11');
    expect(list.thresholds).toEqual({ criticalDays: 3, highDays: 7, demandWindowDays: 28 });
    expect(list.alerts.map((a) => [a.store_id, a.sku, a.severity])).toEqual([
      ['S001', 'SKU-1', 'critical'],
      ['S001', 'SKU-2', 'high'],
      ['S002', 'SKU-1', 'critical'],
    ]);
    expect(list.alerts[0]).toEqual({
      store_id: 'S001',
      store_name: 'Downtown',
      sku: 'SKU-1',
      product_name: 'Milk 1L',
      on_hand_qty: 7,
      reorder_point: 5,
      avg_daily_demand: 9,
      days_of_supply: 0.78,
      severity: 'critical',
      lead_time_days: 2,
    });
  });

  it('keeps an estimate past the INTEGER column at its bound instead of failing the load (a count plus receipts of valid sizes)', async () => {
    await loadCase(lake.root, w, true);
    await run(state('b1'), testRuntime(lake.root, w, noNotifier));
    expect((await positions(w))['S002/SKU-3']).toMatchObject({ on_hand_qty: 2147483647, days_of_supply: null, risk_flag: 'ok' });
  });

  it('is idempotent: running again replaces the as-of date', async () => {
    await loadCase(lake.root, w);
    const rt = testRuntime(lake.root, w, noNotifier);
    const first = await run(state('b1'), rt);
    const before = await positions(w);
    const second = await run(state('b1'), rt);
    expect(second).toEqual(first);
    expect(await positions(w)).toEqual(before);
    expect(await w.query('SELECT count(*) AS n FROM fact_inventory_snapshot')).toEqual([{ n: 5 }]);
  });

  it('honours the thresholds and the demand window from the settings', async () => {
    await loadCase(lake.root, w);
    const rt = testRuntime(lake.root, w, noNotifier, { criticalDays: 0.5, highDays: 5, demandWindowDays: 2 });
    const out = await run(state('b2'), rt);
    const p = await positions(w);
    // window 01-10..01-11: S001 traded on 2 days; SKU-1 net 10 + 15 - 2 = 23 -> 11.5/day; 7 / 11.5 = 0.61
    expect(p['S001/SKU-1']).toMatchObject({ avg_daily_demand: 11.5, days_of_supply: 0.61, risk_flag: 'high' });
    expect(p['S001/SKU-2']).toMatchObject({ avg_daily_demand: 6, days_of_supply: 3, risk_flag: 'high' });
    expect(p['S002/SKU-1']).toMatchObject({ days_of_supply: 0.33, risk_flag: 'critical' });
    expect(out).toMatchObject({ critical: 1, high: 2 });
  });

  it('writes an empty alert list while the warehouse has no facts', async () => {
    const rt = testRuntime(lake.root, w, noNotifier);
    const out = await run(state('b0'), rt);
    expect(out).toEqual({ asOfDate: null, critical: 0, high: 0, alertsKey: 'control/runs/b0/alerts.json' });
    const list = JSON.parse((await new FsObjectStore(lake.root).get(out.alertsKey)).toString('utf8')) as AlertList;
    expect(list.alerts).toEqual([]);
  });

  it('sends DML only: the pipeline role may not create or replace anything (see redshift-semantics.test.ts)', () => {
    const statements = stockRiskStatements('2024-01-11', settingsFromEnv({}));
    expect(statements.map((s) => /^\w+/.exec(s)?.[0])).toEqual(['DELETE', 'INSERT']);
  });

  it('demand window start counts the as-of date as the last day', () => {
    expect(windowStart('2024-01-11', 28)).toBe('2023-12-15');
    expect(windowStart('2024-03-01', 1)).toBe('2024-03-01');
    expect(() => windowStart('2024-03-01', 0)).toThrow(/window/);
  });
});
