import { PRODUCTS_KEY, REPROCESSES_PREFIX, runPrefix, runRecordKeys, RUNS_PREFIX } from '../../../../functions/lib/lake-layout';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import { reconcileLake } from '../../../../functions/lib/recovery/reconcile-lake';
import { redrive } from '../../../../functions/lib/recovery/redrive';
import { reprocess } from '../../../../functions/lib/recovery/reprocess';
import { copySourceFromEnv } from '../../../../functions/pipeline/prepare-loads/prepare-loads';
import { createLocalRuntime, type LocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { PRODUCTS_CSV, putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

interface DayTotals {
  d: string;
  lines: number;
  revenue: number;
  margin: number;
}

async function byDay(rt: LocalRuntime): Promise<{ lake: DayTotals[]; warehouse: DayTotals[] }> {
  const shape = (rows: Record<string, unknown>[]): DayTotals[] => rows.map((r) => ({ d: String(r.d), lines: Number(r.lines), revenue: Number(r.revenue), margin: Number(r.margin) }));
  return {
    lake: shape(await rt.curatedQuery.query('SELECT CAST(business_date AS VARCHAR) AS d, count(*) AS lines, sum(net_revenue) AS revenue, sum(gross_margin) AS margin FROM sales_lines GROUP BY 1 ORDER BY 1')),
    warehouse: shape(await rt.warehouse.query('SELECT CAST(date_key AS VARCHAR) AS d, count(*) AS lines, sum(net_revenue) AS revenue, sum(gross_margin) AS margin FROM fact_sales GROUP BY 1 ORDER BY 1')),
  };
}

/** The lake's store_day_baskets per date: its revenue (every line here is a sale) and baskets. */
async function basketsByDay(rt: LocalRuntime): Promise<[string, number, number][]> {
  const rows = await rt.curatedQuery.query('SELECT CAST(business_date AS VARCHAR) AS d, sum(net_revenue) AS revenue, sum(baskets) AS baskets FROM store_day_baskets GROUP BY 1 ORDER BY 1');
  return rows.map((r) => [String(r.d), Number(r.revenue), Number(r.baskets)]);
}

describe('reprocess --from --to', () => {
  const lake = tempLake('reprocess');
  let rt: LocalRuntime;
  const lines = [{ sku: 'SKU-1', quantity: 2, unit_price: 19.99, discount: 1 }, { sku: 'SKU-3', quantity: 1, unit_price: 39 }];
  const day = (d: string, overrides: Record<string, unknown> = {}): string => JSON.stringify(sale({ occurred_at: `2024-03-${d}T15:00:00Z`, lines, ...overrides }));
  const onlySku2 = { lines: [{ sku: 'SKU-2', quantity: 1, unit_price: 6.5 }] };

  beforeAll(async () => {
    rt = await createLocalRuntime(lake.root, { VALIDATE_WORKERS: '1' });
    await withReference(lake.store);
    // business dates 03-07, 03-08 and 03-09 (S001 is in New York: 15:00 UTC is the same day), in two batches;
    // the sales of 03-08 arrive in the second batch
    await putRaw(lake.store, [day('07'), day('07', onlySku2), day('09'), day('09', onlySku2)], new Date('2024-03-10T01:00:00Z'), 'a');
    expect((await runPipeline(rt)).status).toBe('succeeded');
    await putRaw(lake.store, [day('08'), day('08', onlySku2)], new Date('2024-03-10T02:00:00Z'), 'b');
    expect((await runPipeline(rt)).status).toBe('succeeded');
  });

  afterAll(async () => {
    await rt.close();
    lake.cleanup();
  });

  it('refuses to start while a batch is unfinished (its rows would land after the rewrite)', async () => {
    const manifest = runRecordKeys(runPrefix('20240310T030000Z-unfinished')).manifest;
    await writeJson(lake.store, manifest, { batchId: '20240310T030000Z-unfinished', createdAt: '2024-03-10T03:00:00Z', objects: [] });
    await expect(reprocess(rt, { from: '2024-03-07', to: '2024-03-09' }, copySourceFromEnv())).rejects.toThrow('batch 20240310T030000Z-unfinished is not finished');
    await lake.store.delete([manifest]);
  });

  it('changes nothing when the rules have not changed', async () => {
    const before = await byDay(rt);
    const r = await reprocess(rt, { from: '2024-03-07', to: '2024-03-09' }, copySourceFromEnv());
    expect(r).toMatchObject({ objects: 2, unreadable: 0, events: 6, refused: {}, replacedDates: ['2024-03-07', '2024-03-08', '2024-03-09'], runRecordKey: null });
    expect(await byDay(rt)).toEqual(before);
  });

  it('re-curates the range under the new reference data, moves what it refuses to quarantine, reloads, and balances; again changes nothing', async () => {
    const before = await byDay(rt);
    // SKU-1 costs less now and SKU-2 is gone from the product list
    await lake.store.put(PRODUCTS_KEY, PRODUCTS_CSV.replace('SKU-1,Coffee beans 1kg,grocery,Acme,8.50', 'SKU-1,Coffee beans 1kg,grocery,Acme,1.50').replace(/^SKU-2,.*\n/m, ''));
    const r = await reprocess(rt, { from: '2024-03-08', to: '2024-03-09' }, copySourceFromEnv());
    // one sale a day sold SKU-2: those two are refused
    expect(r).toMatchObject({ events: 4, refused: { unknown_sku: 2 }, replacedDates: ['2024-03-08', '2024-03-09'] });
    expect(r.runRecordKey?.startsWith(RUNS_PREFIX)).toBe(true);
    const after = await byDay(rt);
    expect(after.lake[0]).toEqual(before.lake[0]); // 03-07 is outside the range: as it was, at the old cost
    // the other days keep their SKU-1 and SKU-3 sale, at the new cost
    expect(after.lake.slice(1).map((d) => [d.d, d.lines, d.revenue])).toEqual([['2024-03-08', 2, 77.98], ['2024-03-09', 2, 77.98]]);
    expect(after.lake[1].margin).toBeGreaterThan(before.lake[1].margin);
    expect(after.warehouse).toEqual(after.lake);
    // store_day_baskets follows: the refused sale of each reprocessed day is no basket any more
    expect(await basketsByDay(rt)).toEqual(after.lake.map((d, i) => [d.d, d.revenue, i === 0 ? 2 : 1]));
    const [q] = await rt.curatedQuery.query(`SELECT count(*) AS n FROM quarantine WHERE batch_id = '${r.reprocessId}' AND reason = 'unknown_sku'`);
    expect(Number(q.n)).toBe(2);
    const reconciled = await reconcileLake(rt);
    expect(reconciled.gaps).toEqual([]);
    expect(reconciled.totals).toMatchObject({ received: 6, curatedEvents: 4, quarantined: 2, duplicates: 0 });

    const again = await reprocess(rt, { from: '2024-03-07', to: '2024-03-09' }, copySourceFromEnv());
    expect(again).toMatchObject({ events: 4, refused: { unknown_sku: 1 }, replacedDates: ['2024-03-07', '2024-03-08', '2024-03-09'] });
    // 03-07 now gets the new rules too; the days already reprocessed stay as they were
    const last = await byDay(rt);
    expect(last.lake.map((d) => [d.d, d.lines, d.revenue])).toEqual([['2024-03-07', 2, 77.98], ['2024-03-08', 2, 77.98], ['2024-03-09', 2, 77.98]]);
    expect(last.lake.slice(1)).toEqual(after.lake.slice(1));
    expect(last.warehouse).toEqual(last.lake);
    expect((await reconcileLake(rt)).balanced).toBe(true);
    expect(await reprocess(rt, { from: '2024-03-07', to: '2024-03-09' }, copySourceFromEnv())).toMatchObject({ events: 3, refused: {}, runRecordKey: null });
    expect(await byDay(rt)).toEqual(last);
    expect((await lake.store.list(REPROCESSES_PREFIX)).length).toBe(4);
  });

  it('forgets the accepted ids of what it refused: once SKU-2 is back, a redrive curates those sales again', async () => {
    await lake.store.put(PRODUCTS_KEY, PRODUCTS_CSV);
    expect(await redrive(rt, 'unknown_sku')).toMatchObject({ redriven: 3 });
    const run = await runPipeline(rt);
    expect(run.output).toMatchObject({ commit: { received: 3, curatedEvents: 3, duplicates: 0 } });
    const [c] = await rt.curatedQuery.query('SELECT count(DISTINCT event_id) AS n FROM sales_lines');
    expect(Number(c.n)).toBe(6);
    expect((await reconcileLake(rt)).balanced).toBe(true);
  });
});
