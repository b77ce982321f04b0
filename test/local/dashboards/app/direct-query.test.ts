import { DASHBOARDS, DATASETS } from '../../../../dashboards';
import { isDirectQuery, type DatasetDefinition } from '../../../../dashboards/definition';
import { DashboardData } from '../../../../local/dashboards/app/dashboard-data';
import { DatasetSnapshot } from '../../../../local/dashboards/app/dataset-snapshot';
import { DuckDbWarehouse, warehousePath } from '../../../../local/warehouse/duckdb-warehouse';
import { dashboardFixtureStatements } from '../../../helpers/dashboard-fixture';
import { tempLake } from '../../../helpers/lake-fixture';

/**
 * A direct-query data set (sku_day_sales) answers every visual exactly as its copy would: store-performance on the
 * hand-built warehouse of test/helpers/dashboard-fixture.ts (NYC East USD, LON Europe GBP; 2026-03-02 and 03-03),
 * once with sku_day_sales queried on the warehouse and once with every data set copied, for several filters and a
 * manager's row-level security. Over every store the direct side reads the data set's everyStore SQL (agg_sku_day,
 * the rows summed over the stores), otherwise its SQL.
 */
describe('dashboard app: direct-query data sets', () => {
  const lake = tempLake('direct-query');
  const snapshots: DatasetSnapshot[] = [];
  const dashboard = DASHBOARDS.find((d) => d.id === 'store-performance')!;
  const copiedAll: DatasetDefinition[] = DATASETS.map((d) => ({ ...d, queryMode: 'import' }));
  const data = (datasets: DatasetDefinition[], managerStores?: string[]): DashboardData => {
    const snapshot = new DatasetSnapshot({ lakeRoot: lake.root, warehouseFile: warehousePath(lake.root) });
    snapshots.push(snapshot);
    return new DashboardData({ dashboards: [dashboard], datasets, warehouseFile: warehousePath(lake.root), snapshot, managerStores, today: () => '2026-04-01' });
  };

  beforeAll(async () => {
    const w = DuckDbWarehouse.forLake(lake.root);
    await w.execute(dashboardFixtureStatements());
    await w.close();
  });
  afterAll(() => {
    for (const s of snapshots) s.close();
    lake.cleanup();
  });

  it('is sku_day_sales, read by a visual of store-performance', () => {
    expect(DATASETS.filter(isDirectQuery).map((d) => d.name)).toEqual(['sku_day_sales']);
    expect(dashboard.visuals.filter((v) => v.dataset === 'sku_day_sales').map((v) => v.id)).toEqual(['top-skus']);
  });

  it('gives every visual the same data as the copy, for each filter and for a manager, and copies nothing', async () => {
    const filters = ['', 'from=2026-03-03&to=2026-03-03', 'region=Europe', 'store=NYC', 'store=LON,NYC&compare=previous_period', 'region=East&from=2026-03-02&to=2026-03-02'];
    const viewers: [DashboardData, DashboardData, string[]][] = [
      [data(DATASETS), data(copiedAll), filters],
      [data(DATASETS, ['LON']), data(copiedAll, ['LON']), ['', 'from=2026-03-02&to=2026-03-02']],
    ];
    const skuRows: number[] = [];
    for (const [direct, copied, queries] of viewers) {
      for (const q of queries) {
        const [d, c] = [await direct.response(dashboard.id, new URLSearchParams(q)), await copied.response(dashboard.id, new URLSearchParams(q))];
        expect([q, d]).toEqual([q, c]);
        const top = d.visuals['top-skus'];
        skuRows.push(top.kind === 'table' ? top.rows.length : -1);
      }
    }
    // the filters reach the SKU rows: both SKUs by default, one on 03-03 (LON's B only), the manager's LON both
    expect(skuRows).toEqual([2, 1, 2, 2, 2, 2, 2, 2]);
    // the direct side never copied sku_day_sales; the copy side did
    const copies = async (s: DatasetSnapshot): Promise<number> =>
      Number((await s.queryEach([], [`SELECT COUNT(*) AS n FROM duckdb_tables() WHERE database_name = 'memory' AND table_name = 'ds_sku_day_sales'`]))[0][0].n);
    expect([await copies(snapshots[0]), await copies(snapshots[1])]).toEqual([0, 1]);
  });

  it('reads the rows summed over the stores (agg_sku_day) only when the filters keep every store', async () => {
    const w = DuckDbWarehouse.forLake(lake.root);
    await w.execute(['DELETE FROM agg_sku_day']);
    await w.close();
    const direct = data(DATASETS);
    const skus = async (q: string): Promise<number> => {
      const top = (await direct.response(dashboard.id, new URLSearchParams(q))).visuals['top-skus'];
      return top.kind === 'table' ? top.rows.length : -1;
    };
    // every store: nothing left to read; a region or stores chosen: the data set's rows
    expect([await skus(''), await skus('region=Europe'), await skus('store=LON,NYC')]).toEqual([0, 2, 2]);
    expect(await data(DATASETS, ['LON']).response(dashboard.id, new URLSearchParams()).then((r) => r.visuals['top-skus'])).toMatchObject({ kind: 'table', rows: [{}, {}] });
  });
});
