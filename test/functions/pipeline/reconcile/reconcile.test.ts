import { join } from 'node:path';
import { LATEST_RECONCILE_KEY, runPrefix, runRecordKeys, storeDayBasketsKey } from '../../../../functions/lib/lake-layout';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { summarizeStoreDayBaskets } from '../../../../functions/lib/pipeline/store-day-baskets';
import { reloadBaskets } from '../../../../functions/lib/recovery/reload-warehouse';
import type { DateTotals } from '../../../../functions/lib/pipeline/state';
import { reconcile } from '../../../../functions/pipeline/reconcile/reconcile';
import { CuratedQueryEngine } from '../../../../local/engine/curated-engine';
import { CASE_DATES, DuckDbWarehouse, loadCase } from '../../../helpers/risk-fixture';
import { committedRecord, curatedDateTotals } from '../../../helpers/run-records';
import { tempLake } from '../../../helpers/warehouse-fixture';

const settings = (root: string) => settingsFromEnv({ WORK_DIR: join(root, '.work') });

describe('reconcile per business date, from the run records and the warehouse (no scan of the curated zone)', () => {
  let lake: ReturnType<typeof tempLake>;
  let curated: CuratedQueryEngine;
  let warehouse: DuckDbWarehouse;
  let lakeByDate: DateTotals;
  beforeEach(async () => {
    lake = tempLake('reconcile');
    warehouse = DuckDbWarehouse.inMemory(lake.root);
    await loadCase(lake.root, warehouse);
    // the lake's store_day_baskets, as SummarizeBaskets keeps it beside the load
    await summarizeStoreDayBaskets(lake.store, lake.store, CASE_DATES.sales_lines, settings(lake.root));
    curated = await CuratedQueryEngine.open(lake.root);
    lakeByDate = await curatedDateTotals(curated);
  });
  afterEach(async () => {
    curated.close();
    await warehouse.close();
    lake.cleanup();
  });

  it('balances when the warehouse holds every date the run records account for, and writes the result', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate, CASE_DATES));
    const out = await reconcile(lake.store, curated, warehouse, 'b1');
    expect(out.gaps).toEqual([]);
    expect(out.balanced).toBe(true);
    expect(out.dates).toEqual({ checked: Object.keys(lakeByDate).length, gapDates: [], unchecked: [] });
    const stored = (key: string) => lake.store.get(key).then((b) => JSON.parse(b.toString('utf8')));
    expect(await stored(runRecordKeys(runPrefix('b1')).reconcile)).toEqual(JSON.parse(JSON.stringify(out)));
    expect(await stored(LATEST_RECONCILE_KEY)).toEqual(JSON.parse(JSON.stringify(out)));
  });

  it('reconcile runs with nothing new and names the dates of a gap (warehouse rows of one date deleted)', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate, CASE_DATES));
    await warehouse.execute([`DELETE FROM fact_sales WHERE date_key = '2024-01-10'`]);
    const out = await reconcile(lake.store, curated, warehouse, ''); // an execution with nothing new: no batch
    expect(out.balanced).toBe(false);
    expect(out.dates.gapDates).toEqual(['2024-01-10']);
    expect(out.summary).toContain(`2024-01-10 (lake ${lakeByDate['2024-01-10'].salesLines} lines`);
    expect(out.summary).toContain('warehouse 0 lines');
    expect(await lake.store.getIfExists(runRecordKeys(runPrefix('')).reconcile)).toBeNull();
  });

  it('says which dates a run record from before per-date totals leaves unchecked, and still checks the lake totals', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('old')).committed, committedRecord('old', lakeByDate, CASE_DATES));
    const legacy = committedRecord('old', lakeByDate, CASE_DATES);
    delete legacy.dateTotals;
    await writeJson(lake.store, runRecordKeys(runPrefix('old')).committed, legacy);
    const balanced = await reconcile(lake.store, curated, warehouse, '');
    expect(balanced.balanced).toBe(true);
    expect(balanced.dates).toEqual({ checked: 0, gapDates: [], unchecked: ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11'] });
    expect(balanced.summary).toContain('4 date(s) recorded before per-date totals checked only in the totals');
    await warehouse.execute([`DELETE FROM fact_sales WHERE date_key = '2024-01-10'`]);
    const short = await reconcile(lake.store, curated, warehouse, '');
    expect(short.balanced).toBe(false);
    expect(short.gaps[0]).toMatch(/^warehouse fact_sales has \d+ lines, the run records \d+$/);
  });

  it('names the dates where the tables kept at load no longer add up to fact_sales (as older code leaves them)', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate, CASE_DATES));
    // a load by code from before fact_basket and the aggregate tables: fact_sales changes, they do not
    await warehouse.execute([
      `DELETE FROM agg_category_day WHERE date_key = '2024-01-09'`,
      `DELETE FROM agg_store_day WHERE date_key = '2024-01-10'`,
      `DELETE FROM fact_basket WHERE date_key = '2024-01-11'`,
      `DELETE FROM agg_sku_day WHERE date_key = '2024-01-11'`,
    ]);
    const out = await reconcile(lake.store, curated, warehouse, 'b1');
    expect(out.balanced).toBe(false);
    expect(out.dates.gapDates).toEqual([]); // the facts still equal the run records
    // fact_basket's rows of 2024-01-11 gone: the lake's store_day_baskets no longer equals the warehouse's either
    expect(out.gaps).toHaveLength(2);
    expect(out.gaps[1]).toMatch(/^the lake's store_day_baskets differs from the warehouse's sale baskets on 1 business date\(s\): 2024-01-11 \(store_day_baskets [1-9]\d* baskets, .*; warehouse 0 baskets, /);
    const lines = lakeByDate['2024-01-11'].salesLines;
    expect(out.gaps[0]).toMatch(/^tables kept at load differ from fact_sales on 3 business date\(s\): 2024-01-09 \(agg_category_day 0 units and 0\.00 revenue of fact_sales' \d+ and [\d.]+\); /);
    expect(out.gaps[0]).toMatch(/2024-01-10 \(agg_store_day 0 units and 0\.00 revenue of fact_sales' \d+ and [\d.]+\); /);
    expect(out.gaps[0]).toMatch(new RegExp(`2024-01-11 \\(fact_basket 0 lines of fact_sales' ${lines}; agg_sku_day 0 units of fact_sales' [1-9]\\d*\\)`));
    expect(out.gaps[0]).toContain('reload the warehouse');
  });

  it("names the dates where the lake's store_day_baskets and the warehouse's sale baskets differ, and reload --baskets mends them", async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate, CASE_DATES));
    const balanced = await reconcile(lake.store, curated, warehouse, 'b1');
    expect(balanced.gaps).toEqual([]);
    // the month's file as a summary that missed a change of 2024-01-09 would leave it: that date's rows gone
    const key = storeDayBasketsKey('2024-01-01');
    curated.close();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const file = join(lake.root, key);
    await conn.run(`COPY (SELECT * FROM read_parquet('${file}') WHERE business_date <> DATE '2024-01-09') TO '${file}.new' (FORMAT PARQUET)`);
    conn.closeSync();
    db.closeSync();
    await lake.store.put(key, await lake.store.get(`${key}.new`));
    await lake.store.delete([`${key}.new`]);
    curated = await CuratedQueryEngine.open(lake.root);

    const out = await reconcile(lake.store, curated, warehouse, 'b1');
    expect(out.balanced).toBe(false);
    expect(out.dates.gapDates).toEqual([]); // the warehouse still equals the run records
    expect(out.gaps).toHaveLength(1);
    expect(out.gaps[0]).toMatch(
      /^the lake's store_day_baskets differs from the warehouse's sale baskets on 1 business date\(s\): 2024-01-09 \(store_day_baskets 0 baskets, 0 units, 0\.00 revenue; warehouse [1-9]\d* baskets, [1-9]\d* units, [1-9][\d.]* revenue\)/,
    );
    expect(out.gaps[0]).toContain('retail-lake reload --warehouse --baskets --from 2024-01-09 --to 2024-01-09');
    // without a batch nothing changed, so nothing is read: the check is bounded by the batch's dates
    expect((await reconcile(lake.store, curated, warehouse, '')).balanced).toBe(true);

    expect(await reloadBaskets({ store: lake.store, files: lake.store, settings: settings(lake.root) }, { from: '2024-01-09', to: '2024-01-09' })).toEqual(['2024-01-09']);
    expect((await reconcile(lake.store, curated, warehouse, 'b1')).gaps).toEqual([]);
  });
});
