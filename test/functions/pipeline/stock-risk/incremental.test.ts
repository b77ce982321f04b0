import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import type { Row, Warehouse } from '../../../../functions/lib/ports';
import { markNotifiedStatements } from '../../../../functions/lib/risk/alert-lifecycle-sql';
import type { AlertTransitions } from '../../../../functions/lib/risk/alerts';
import { runStockRisk } from '../../../../functions/pipeline/stock-risk/stock-risk';
import { FsObjectStore } from '../../../../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../../../helpers/risk-fixture';
import { addDays, AS_OF, countSql, loadStockRiskCase, saleSql } from '../../../helpers/stock-risk-fixture';
import { tempLake } from '../../../helpers/warehouse-fixture';

/**
 * Incremental stock risk on the known-answer case (test/helpers/stock-risk-fixture.ts): a run evaluates the
 * store-SKUs with rows on the batch's dates plus those whose review is due; the others keep their last state.
 */
const SETTINGS = settingsFromEnv({});
const NEXT = addDays(AS_OF, 1);

const day = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Every column stock risk writes, per SKU (store S1), dates as text. */
async function snapshot(w: DuckDbWarehouse, date: string): Promise<Record<string, Row>> {
  const rows = await w.query(
    `SELECT sku, on_hand_qty, avg_daily_demand, days_of_supply, risk_flag, reorder_point, on_order_qty, next_arrival_date, stockout_date, order_by_date,
            suggested_qty, safety_stock, forecast_daily, stock_flag
     FROM fact_inventory_snapshot WHERE date_key = '${date}' ORDER BY sku`,
  );
  return Object.fromEntries(
    rows.map((r) => [String(r.sku), { ...r, next_arrival_date: day(r.next_arrival_date), stockout_date: day(r.stockout_date), order_by_date: day(r.order_by_date) }]),
  );
}

const scope = async (w: DuckDbWarehouse): Promise<string[]> => (await w.query('SELECT sku FROM stock_risk_scope ORDER BY sku')).map((r) => String(r.sku));
const reviewOn = async (w: DuckDbWarehouse, sku: string): Promise<string | null> =>
  day((await w.query(`SELECT next_review_date FROM stock_review WHERE sku = '${sku}'`))[0]?.next_review_date);

describe('incremental stock risk', () => {
  let lake: ReturnType<typeof tempLake>;
  const open: DuckDbWarehouse[] = [];
  const warehouse = (): DuckDbWarehouse => {
    const w = DuckDbWarehouse.inMemory(lake.root);
    open.push(w);
    return w;
  };
  beforeEach(() => {
    lake = tempLake();
  });
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
    lake.cleanup();
  });

  /** The case as of AS_OF (a full run, its notices marked sent), then NEXT's events; returns the warehouse. */
  async function caseThenNextDay(nextDayEvents: string[], day0 = 'day0'): Promise<DuckDbWarehouse> {
    const w = warehouse();
    await loadStockRiskCase(w);
    // the case's rows dated after AS_OF (an as-of check of the other suite) would make ONORDER a changed store-SKU
    await w.execute([`DELETE FROM fact_purchase_order WHERE date_key > '${AS_OF}'`]);
    const store = new FsObjectStore(lake.root);
    await runStockRisk(w, store, SETTINGS, day0, AS_OF, [AS_OF]);
    await w.execute(markNotifiedStatements(AS_OF, day0, new Date(`${AS_OF}T23:00:00Z`)));
    await w.execute(nextDayEvents);
    return w;
  }

  it('evaluates the changed store-SKU and the due ones only (flagged: daily); the rest keep their last state on the new date', async () => {
    const w = await caseThenNextDay([saleSql('OVER', NEXT, 20)]);
    const before = await snapshot(w, AS_OF);
    // flagged on AS_OF (CRIT critical, HIGH and FALLBACK high) or to be ordered today (ONORDER's order-by date):
    // reviewed the next day; the others later
    expect(await reviewOn(w, 'HIGH')).toBe(NEXT);
    expect(await reviewOn(w, 'ONORDER')).toBe(NEXT);
    expect(await reviewOn(w, 'ARRIVES')).toBe(addDays(AS_OF, 2)); // its order falls due
    expect(await reviewOn(w, 'OVER')).toBe(addDays(AS_OF, 7)); // a week on
    const out = await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'day1', NEXT, [NEXT]);
    expect(out.evaluated).toBe(5);
    expect(await scope(w)).toEqual(['CRIT', 'FALLBACK', 'HIGH', 'ONORDER', 'OVER']);
    const after = await snapshot(w, NEXT);
    expect(Object.keys(after)).toEqual(Object.keys(before)); // every store-SKU still has a row on the latest date
    for (const sku of ['ARRIVES', 'DEAD']) expect(after[sku]).toEqual(before[sku]);
    expect(after.OVER.on_hand_qty).toBe(180);
    // a later run on the same date whose batch brought no rows for these store-SKUs: nothing is new or due (the
    // flagged ones are due tomorrow)
    expect((await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'day1b', NEXT, [NEXT])).evaluated).toBe(0);
    expect(await snapshot(w, NEXT)).toEqual(after);
    // the next batch of the day sells one more of ARRIVES: it alone is evaluated
    await w.execute([saleSql('ARRIVES', NEXT, 1, '15:00:00')]);
    expect((await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'day1c', NEXT, [NEXT])).evaluated).toBe(1);
    expect(await scope(w)).toEqual(['ARRIVES']);
    expect((await snapshot(w, NEXT)).ARRIVES.on_hand_qty).toBe(24);
    // OVER got a second line of the same date: counted as new although its latest timestamp is older
    await w.execute([saleSql('OVER', NEXT, 1, '08:00:00')]);
    expect((await runStockRisk(w, new FsObjectStore(lake.root), SETTINGS, 'day1d', NEXT, [NEXT])).evaluated).toBe(1);
    expect(await scope(w)).toEqual(['OVER']);
  });

  it('gives the evaluated store-SKUs what a full recompute gives, alert notices included', async () => {
    // HIGH restocked (cleared), FALLBACK sells 8 of its 10 (escalates to critical), OVER sells 20
    const events = [countSql('HIGH', NEXT, 100), saleSql('FALLBACK', NEXT, 8), saleSql('OVER', NEXT, 20)];
    const incremental = await caseThenNextDay(events);
    const full = await caseThenNextDay(events, 'day0-full'); // its own batch ids: the two share the lake's records
    const store = new FsObjectStore(lake.root);
    const inc = await runStockRisk(incremental, store, SETTINGS, 'inc', NEXT, [NEXT]);
    const evaluated = await scope(incremental);
    const all = await runStockRisk(full, store, SETTINGS, 'full', NEXT); // no batch dates: every store-SKU
    expect(all.evaluated).toBe(7);
    expect(inc.evaluated).toBe(evaluated.length);
    expect(evaluated).toEqual(['CRIT', 'FALLBACK', 'HIGH', 'ONORDER', 'OVER']);
    const a = await snapshot(incremental, NEXT);
    const b = await snapshot(full, NEXT);
    for (const sku of evaluated) expect(a[sku]).toEqual(b[sku]);
    expect(a.HIGH.risk_flag).toBe('ok');
    expect(a.FALLBACK.risk_flag).toBe('critical');
    const transitions = async (key: string): Promise<Omit<AlertTransitions, 'batchId'>> => {
      const { batchId: _id, ...rest } = JSON.parse((await store.get(key)).toString('utf8')) as AlertTransitions;
      return rest;
    };
    const decided = await transitions(inc.transitionsKey);
    expect(decided).toEqual(await transitions(all.transitionsKey));
    expect(decided.notices.map((n) => [n.sku, n.kind, n.notified_level, n.level])).toEqual([
      ['FALLBACK', 'immediate', 'high', 'critical'],
      ['HIGH', 'digest', 'high', 'ok'],
    ]);
    expect({ critical: inc.critical, high: inc.high }).toEqual({ critical: all.critical, high: all.high });
  });

  it('a retry of the batch evaluates the same store-SKUs: decisions lost with a first attempt that stopped early are taken', async () => {
    const w = await caseThenNextDay([countSql('HIGH', NEXT, 100)]);
    const store = new FsObjectStore(lake.root);
    // the first attempt updates the snapshot and the review plan, then stops before the alert decisions
    const stopsBeforeDecisions: Warehouse = {
      execute: (statements) => w.execute(statements),
      query: (sql) => (sql.includes('from_level') ? Promise.reject(new Error('stopped')) : w.query(sql)),
    };
    await expect(runStockRisk(stopsBeforeDecisions, store, SETTINGS, 'day1', NEXT, [NEXT])).rejects.toThrow('stopped');
    const retry = await runStockRisk(w, store, SETTINGS, 'day1', NEXT, [NEXT]);
    expect(retry.evaluated).toBe(4); // HIGH (new rows) and the due CRIT, FALLBACK, ONORDER, as the first attempt chose
    const decided = JSON.parse((await store.get(retry.transitionsKey)).toString('utf8')) as AlertTransitions;
    expect(decided.changes).toContainEqual({ store_id: 'S1', sku: 'HIGH', from: 'high', to: 'ok' });
    expect(decided.notices.map((n) => [n.sku, n.kind, n.level])).toContainEqual(['HIGH', 'digest', 'ok']);
  });

  it('re-evaluates a store-SKU without events when its review comes, so stock that stopped selling turns dead', async () => {
    // OVER last sold on AS_OF - 1; the store keeps trading (CRIT sells) while OVER sells nothing more
    const w = await caseThenNextDay([]);
    const store = new FsObjectStore(lake.root);
    const turnsDead = addDays(AS_OF, -1 + SETTINGS.deadStockDays);
    const runOn = async (date: string): Promise<void> => {
      await w.execute([saleSql('CRIT', date, 1)]);
      await runStockRisk(w, store, SETTINGS, `run-${date}`, date, [date]);
    };
    await runOn(addDays(AS_OF, 10)); // due (a week after AS_OF): evaluated, still selling within the window
    expect(await scope(w)).toContain('OVER');
    expect(await reviewOn(w, 'OVER')).toBe(addDays(AS_OF, 17));
    await runOn(addDays(turnsDead, -1));
    expect((await snapshot(w, addDays(turnsDead, -1))).OVER.stock_flag).not.toBe('dead');
    expect(await reviewOn(w, 'OVER')).toBe(turnsDead); // the day its last sale leaves the dead-stock window
    await runOn(turnsDead);
    expect(await scope(w)).toContain('OVER');
    expect((await snapshot(w, turnsDead)).OVER).toMatchObject({ stock_flag: 'dead', on_hand_qty: 200 });
  });
});
