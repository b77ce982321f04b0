import { LATEST_RECONCILE_KEY, runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import { writeJson } from '../../../../functions/lib/pipeline/json-objects';
import type { CommitResult, DateTotals } from '../../../../functions/lib/pipeline/state';
import { reconcile } from '../../../../functions/pipeline/reconcile/reconcile';
import { CuratedQueryEngine } from '../../../../local/engine/curated-engine';
import { CASE_DATES, DuckDbWarehouse, loadCase } from '../../../helpers/risk-fixture';
import { tempLake } from '../../../helpers/warehouse-fixture';

/** The curated zone's own per-date totals, counted independently of the warehouse. */
async function curatedDateTotals(curated: CuratedQueryEngine): Promise<DateTotals> {
  const totals: DateTotals = {};
  const at = (d: unknown) => (totals[String(d).slice(0, 10)] ??= { salesLines: 0, netRevenueCents: 0, inventoryEvents: 0 });
  for (const r of await curated.query('SELECT business_date::VARCHAR AS d, count(*) AS n, sum(net_revenue) AS revenue FROM sales_lines GROUP BY 1')) {
    Object.assign(at(r.d), { salesLines: Number(r.n), netRevenueCents: Math.round(Number(r.revenue) * 100) });
  }
  for (const r of await curated.query('SELECT business_date::VARCHAR AS d, count(*) AS n FROM inventory_events GROUP BY 1')) at(r.d).inventoryEvents = Number(r.n);
  return totals;
}

/** A committed run record as CommitCheckpoint writes it: `dateTotals` undefined for one written before they existed. */
function committedRecord(batchId: string, dateTotals: DateTotals | undefined, affectedDates = CASE_DATES): CommitResult {
  const all = Object.values(dateTotals ?? {});
  const salesLines = all.reduce((n, t) => n + t.salesLines, 0);
  const inventory = all.reduce((n, t) => n + t.inventoryEvents, 0);
  return {
    batchId,
    curatedEvents: salesLines + inventory,
    duplicates: 0,
    rows: { sales_lines: salesLines, inventory_events: inventory },
    netRevenue: all.reduce((n, t) => n + t.netRevenueCents, 0) / 100,
    affectedDates,
    ...(dateTotals ? { dateTotals } : {}),
    received: salesLines + inventory,
    quarantined: 0,
    byReason: {},
    committedAt: '2024-01-12T00:00:00.000Z',
  };
}

describe('reconcile per business date, from the run records and the warehouse (no scan of the curated zone)', () => {
  let lake: ReturnType<typeof tempLake>;
  let curated: CuratedQueryEngine;
  let warehouse: DuckDbWarehouse;
  let lakeByDate: DateTotals;
  beforeEach(async () => {
    lake = tempLake('reconcile');
    warehouse = DuckDbWarehouse.inMemory(lake.root);
    await loadCase(lake.root, warehouse);
    curated = await CuratedQueryEngine.open(lake.root);
    lakeByDate = await curatedDateTotals(curated);
  });
  afterEach(async () => {
    curated.close();
    await warehouse.close();
    lake.cleanup();
  });

  it('balances when the warehouse holds every date the run records account for, and writes the result', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate));
    const out = await reconcile(lake.store, curated, warehouse, 'b1');
    expect(out.gaps).toEqual([]);
    expect(out.balanced).toBe(true);
    expect(out.dates).toEqual({ checked: Object.keys(lakeByDate).length, gapDates: [], unchecked: [] });
    const stored = (key: string) => lake.store.get(key).then((b) => JSON.parse(b.toString('utf8')));
    expect(await stored(runRecordKeys(runPrefix('b1')).reconcile)).toEqual(JSON.parse(JSON.stringify(out)));
    expect(await stored(LATEST_RECONCILE_KEY)).toEqual(JSON.parse(JSON.stringify(out)));
  });

  it('reconcile runs with nothing new and names the dates of a gap (warehouse rows of one date deleted)', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('b1')).committed, committedRecord('b1', lakeByDate));
    await warehouse.execute([`DELETE FROM fact_sales WHERE date_key = '2024-01-10'`]);
    const out = await reconcile(lake.store, curated, warehouse, ''); // an execution with nothing new: no batch
    expect(out.balanced).toBe(false);
    expect(out.dates.gapDates).toEqual(['2024-01-10']);
    expect(out.summary).toContain(`2024-01-10 (lake ${lakeByDate['2024-01-10'].salesLines} lines`);
    expect(out.summary).toContain('warehouse 0 lines');
    expect(await lake.store.getIfExists(runRecordKeys(runPrefix('')).reconcile)).toBeNull();
  });

  it('says which dates a run record from before per-date totals leaves unchecked, and still checks the lake totals', async () => {
    await writeJson(lake.store, runRecordKeys(runPrefix('old')).committed, committedRecord('old', lakeByDate));
    const legacy = committedRecord('old', lakeByDate);
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
});
