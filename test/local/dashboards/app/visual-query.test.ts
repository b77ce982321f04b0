import { utimesSync } from 'node:fs';
import { DashboardData } from '../../../../local/dashboards/app/dashboard-data';
import { addDays, comparisonRange, RequestError } from '../../../../local/dashboards/app/filters';
import { measureSql, visualQuery, type VisualData } from '../../../../local/dashboards/app/visual-query';
import { DatasetSnapshot } from '../../../../local/dashboards/app/dataset-snapshot';
import { warehousePath } from '../../../../local/warehouse/duckdb-warehouse';
import { FIXTURE_DASHBOARD, FIXTURE_DATASETS, fixtureLake } from './app-fixture';

type Kind<K extends VisualData['kind']> = VisualData & { kind: K };

describe('dashboard visual queries on a small warehouse (app-fixture.ts: the sales and their arithmetic)', () => {
  let lake: Awaited<ReturnType<typeof fixtureLake>>;
  let all: DashboardData;
  let manager: DashboardData;
  let snapshot: DatasetSnapshot;
  const get = async (data: DashboardData, query = '') => data.response('fixture', new URLSearchParams(query));

  beforeAll(async () => {
    lake = await fixtureLake();
    snapshot = new DatasetSnapshot({ lakeRoot: lake.root, warehouseFile: warehousePath(lake.root) });
    const common = { dashboards: [FIXTURE_DASHBOARD], datasets: FIXTURE_DATASETS, warehouseFile: warehousePath(lake.root), snapshot, today: () => '2024-02-01' };
    all = new DashboardData(common);
    manager = new DashboardData({ ...common, managerStores: ['S2', 'S3'] });
  });
  afterAll(() => {
    snapshot.close();
    lake.cleanup();
  });

  it('defaults to the last 28 days with data, totals in the reporting currency', async () => {
    const r = await get(all);
    expect(r.filters).toEqual({ from: '2023-12-18', to: '2024-01-14', region: null, store: [], compare: null });
    expect(r.options).toEqual({
      regions: ['North', 'UK'],
      stores: [
        { id: 'S1', name: 'Downtown', currency: 'USD', region: 'North' },
        { id: 'S2', name: 'London', currency: 'GBP', region: 'UK' },
        { id: 'S3', name: 'Leeds', currency: 'GBP', region: 'UK' },
      ],
      dateMin: '2023-01-11',
      dateMax: '2024-01-14',
      // 2023-01-11 is inside 2023-12-18 - 364 d .. 2024-01-14 - 364 d = 2022-12-19 .. 2023-01-15
      comparisons: ['previous_period', 'previous_year'],
    });
    const revenue = r.visuals.revenue as Kind<'kpi'>;
    // S1 100 + 50 + 30 + 60, S2 80 GBP * 1.25 = 100, S3 40 * 1.25 = 50: 390 USD; b7 (2023) is outside the range
    expect(revenue.value).toEqual({ value: 390, currency: 'USD' });
    // targets per store-day traded: S1 3 days * 100, S2 80 * 1.25, S3 50 * 1.25 = 462.5 USD
    expect(revenue.target).toEqual({ value: 462.5, currency: 'USD' });
    expect(revenue.comparison).toBeNull();
    // margins in USD: S1 40 + 20 + 10 + 20 = 90, S2 100 - 50 = 50, S3 50 - 30 = 20: 160 / 390
    expect((r.visuals.margin_pct as Kind<'kpi'>).value).toEqual({ value: 160 / 390, currency: null });
    expect((r.visuals.baskets as Kind<'kpi'>).value.value).toBe(6);
  });

  it('charts and tables: aggregated per dimension, sorted, with the currency named', async () => {
    const r = await get(all);
    expect(r.visuals.trend).toEqual({
      kind: 'line',
      format: 'money',
      currency: 'USD',
      x: ['2024-01-03', '2024-01-10', '2024-01-12', '2024-01-13', '2024-01-14'],
      series: [
        { key: 'S1', values: [60, 150, null, null, 30] },
        { key: 'S2', values: [null, null, 100, null, null] },
        { key: 'S3', values: [null, null, null, 50, null] },
      ],
    });
    expect(r.visuals.by_region).toEqual({
      kind: 'bar',
      format: 'money',
      currency: 'USD',
      items: [
        { key: 'North', value: 240 },
        { key: 'UK', value: 150 },
      ],
      drill: { columns: ['region', 'store_id'], path: [] },
    });
    expect((r.visuals.mix as Kind<'pie'>).items).toEqual([
      { key: 'North', value: 240 },
      { key: 'UK', value: 150 },
    ]);
    const heat = r.visuals.heat as Kind<'heatmap'>;
    expect(heat.rows).toEqual(['North', 'UK']);
    expect(heat.cells[1]).toEqual([null, null, 100, 50, null]);
    const table = r.visuals.stores as Kind<'table'>;
    expect(table.columns.map((c) => c.id)).toEqual(['store_id', 'store_name', 'revenue', 'baskets', 'avg_basket']);
    expect(table.rows.map((row) => row.key)).toEqual(['S1|Downtown', 'S2|London', 'S3|Leeds']);
    expect(table.rows[0].cells).toEqual({
      store_id: { value: 'S1', currency: null },
      store_name: { value: 'Downtown', currency: null },
      revenue: { value: 240, currency: 'USD' },
      baskets: { value: 4, currency: null },
      avg_basket: { value: 60, currency: 'USD' },
    });
  });

  it('drills a bar chart down to the chosen value', async () => {
    const r = await get(all, 'drill.by_region=UK');
    expect(r.visuals.by_region).toMatchObject({ items: [{ key: 'S2', value: 100 }, { key: 'S3', value: 50 }], drill: { path: ['UK'] } });
    expect((r.visuals.revenue as Kind<'kpi'>).value.value).toBe(390); // only that visual is drilled
    await expect(get(all, 'drill.mix=UK')).rejects.toThrow('drill.mix: fixture has no drillable bar chart "mix"');
    await expect(get(all, 'drill.by_region=UK&drill.by_region=S2')).rejects.toThrow(/drill.by_region: 2 values/);
  });

  it('filters by date range, region and stores; one store shows its own currency', async () => {
    const week = await get(all, 'from=2024-01-08&to=2024-01-14');
    expect((week.visuals.revenue as Kind<'kpi'>).value.value).toBe(330); // 390 - b6's 60 (2024-01-03)
    const north = await get(all, 'region=North');
    expect((north.visuals.revenue as Kind<'kpi'>).value).toEqual({ value: 240, currency: 'USD' });
    const uk = await get(all, 'store=S3,S2');
    expect(uk.filters.store).toEqual(['S2', 'S3']);
    expect((uk.visuals.revenue as Kind<'kpi'>).value).toEqual({ value: 150, currency: 'USD' }); // two stores: converted
    const london = await get(all, 'store=S2');
    // one store: its own currency, 80 GBP (not 100 USD); target 80 GBP; avg basket 80 GBP
    expect((london.visuals.revenue as Kind<'kpi'>).value).toEqual({ value: 80, currency: 'GBP' });
    expect((london.visuals.revenue as Kind<'kpi'>).target).toEqual({ value: 80, currency: 'GBP' });
    expect((london.visuals.stores as Kind<'table'>).rows[0].cells.avg_basket).toEqual({ value: 80, currency: 'GBP' });
    expect((london.visuals.trend as Kind<'line'>).currency).toBe('GBP');
    // nothing in range: aggregates are null, a ratio over a zero denominator too
    const empty = await get(all, 'from=2023-06-01&to=2023-06-30');
    expect((empty.visuals.revenue as Kind<'kpi'>).value).toEqual({ value: null, currency: null });
    expect((empty.visuals.margin_pct as Kind<'kpi'>).value.value).toBeNull();
    expect((empty.visuals.stores as Kind<'table'>).rows).toEqual([]);
  });

  it('compares with the previous period and the previous year', async () => {
    expect(comparisonRange({ from: '2024-01-08', to: '2024-01-14' }, 'previous_period')).toEqual({ from: '2024-01-01', to: '2024-01-07' });
    expect(comparisonRange({ from: '2024-01-08', to: '2024-01-14' }, 'previous_year')).toEqual({ from: '2023-01-09', to: '2023-01-15' });
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    const wow = await get(all, 'from=2024-01-08&to=2024-01-14&compare=previous_period');
    const kpi = wow.visuals.revenue as Kind<'kpi'>;
    // 330 against b6's 60: +450 %
    expect(kpi.comparison).toEqual({ value: 60, currency: 'USD', period: 'previous_period', from: '2024-01-01', to: '2024-01-07' });
    expect(kpi.change).toBeCloseTo(4.5, 10);
    expect((wow.visuals.margin_pct as Kind<'kpi'>).comparison).toBeNull(); // its definition has no comparison
    const yoy = await get(all, 'from=2024-01-08&to=2024-01-14&compare=previous_year');
    // b7: 20 GBP * 1.25 = 25 USD; (330 - 25) / 25
    expect((yoy.visuals.revenue as Kind<'kpi'>).comparison?.value).toBe(25);
    expect((yoy.visuals.revenue as Kind<'kpi'>).change).toBeCloseTo(12.2, 10);
    // the data starts 2023-01-11: a year before 2024-01-01 .. 2024-01-07 (2023-01-02 .. 2023-01-08) has none
    const early = await get(all, 'from=2024-01-01&to=2024-01-07');
    expect(early.options.comparisons).toEqual(['previous_period']);
    // S1's b3 30 on 2024-01-14 against S3's b5 50 the day before: -40 %
    const day = await get(all, 'from=2024-01-14&to=2024-01-14&compare=previous_period');
    expect((day.visuals.revenue as Kind<'kpi'>).change).toBeCloseTo(-0.4, 10);
    // nothing on 2024-01-11: no comparison value, no change
    const none = await get(all, 'from=2024-01-12&to=2024-01-12&compare=previous_period');
    expect((none.visuals.revenue as Kind<'kpi'>).comparison?.value).toBeNull();
    expect((none.visuals.revenue as Kind<'kpi'>).change).toBeNull();
  });

  it("limits everything to a manager's stores", async () => {
    const r = await get(manager);
    expect(r.options.stores.map((s) => s.id)).toEqual(['S2', 'S3']);
    expect(r.options.regions).toEqual(['UK']);
    expect((r.visuals.revenue as Kind<'kpi'>).value).toEqual({ value: 150, currency: 'USD' });
    expect((r.visuals.stores as Kind<'table'>).rows.map((row) => row.key)).toEqual(['S2|London', 'S3|Leeds']);
    await expect(get(manager, 'store=S1')).rejects.toThrow('store: unknown store "S1"');
  });

  it('refuses bad parameters, naming them', async () => {
    const refused = async (query: string): Promise<RequestError> => get(all, query).then(() => Promise.reject(new Error('accepted')), (e: RequestError) => e);
    expect(await refused('from=2024-13-01')).toMatchObject({ status: 400, message: 'from: not a date (YYYY-MM-DD): "2024-13-01"' });
    expect(await refused('to=yesterday')).toMatchObject({ status: 400, message: expect.stringMatching(/^to: not a date/) });
    expect(await refused('from=2024-01-10&to=2024-01-01')).toMatchObject({ status: 400, message: 'from: 2024-01-10 is after to (2024-01-01)' });
    expect(await refused('store=S1,S9')).toMatchObject({ status: 400, message: 'store: unknown store "S9"' });
    expect(await refused("region=North' OR 1=1 --")).toMatchObject({ status: 400, message: expect.stringMatching(/^region: unknown region/) });
    expect(await refused('compare=last_week')).toMatchObject({ status: 400, message: expect.stringMatching(/^compare: "last_week" is not offered/) });
    expect(await refused('from=2024-01-01&from=2024-01-02')).toMatchObject({ status: 400, message: 'from: given 2 times, expected once' });
    await expect(all.response('nope', new URLSearchParams())).rejects.toMatchObject({ status: 404, message: 'dashboard: no dashboard "nope" (there are: fixture)' });
  });

  it('quotes values it puts into SQL, and builds ratios that are NULL on a zero denominator', () => {
    const sql = visualQuery(FIXTURE_DASHBOARD.visuals[4], FIXTURE_DATASETS[0], {
      relation: DatasetSnapshot.relation(FIXTURE_DATASETS[0]),
      range: { from: '2024-01-01', to: '2024-01-02' },
      region: null,
      stores: null,
      compare: null,
      drill: { by_region: ["O'Brien"] },
    }).sql[0];
    expect(sql).toContain(`CAST(d."region" AS VARCHAR) = 'O''Brien'`);
    expect(sql).toContain('FROM memory.main."ds_daily_store_sales" d'); // the snapshot's copy of the data set
    expect(measureSql({ kind: 'ratio', numerator: { kind: 'aggregate', column: 'net_revenue_rpt', aggregation: 'sum' }, denominator: { kind: 'aggregate', column: 'baskets', aggregation: 'sum' } }, FIXTURE_DATASETS[0])).toBe(
      '(CAST(SUM(d."net_revenue_rpt") AS DOUBLE PRECISION) / NULLIF(CAST(SUM(d."baskets") AS DOUBLE PRECISION), 0))',
    );
    expect(() => measureSql({ kind: 'aggregate', column: 'nope', aggregation: 'sum' }, FIXTURE_DATASETS[0])).toThrow('data set daily_store_sales has no column nope');
  });

  it('answers from its cache until the warehouse file changes', async () => {
    const first = await get(all, 'region=UK');
    expect(await get(all, 'region=UK')).toBe(first);
    const later = new Date(Date.now() + 5000);
    utimesSync(warehousePath(lake.root), later, later);
    const after = await get(all, 'region=UK');
    expect(after).not.toBe(first);
    expect(after).toEqual(first);
  });
});
