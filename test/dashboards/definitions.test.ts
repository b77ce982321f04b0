import { DASHBOARDS, DATASETS, dashboardById, datasetByName } from '../../dashboards/index';
import type { DashboardDefinition, Visual } from '../../dashboards/definition';
import { moneySum, sum } from '../../dashboards/measures';
import { dashboardProblems, datasetProblems } from '../../dashboards/validate';

/** The three definitions, checked the way both renderers rely on them (dashboards/validate.ts). */
describe('dashboard definitions', () => {
  it('are the three dashboards, in page order, each filtered by date range, region and store', () => {
    expect(DASHBOARDS.map((d) => d.id)).toEqual(['store-performance', 'inventory-risk', 'customer-behaviour']);
    for (const d of DASHBOARDS) {
      expect(d.filters).toEqual(['date_range', 'region', 'store']);
      expect(dashboardById(d.id)).toBe(d);
      // a date range means something on every dashboard: at least one of its data sets has a date filter column
      expect(d.datasets.some((name) => datasetByName(name).filterColumns.date)).toBe(true);
    }
    expect(() => dashboardById('nope')).toThrow(/no dashboard named nope \(there are store-performance, inventory-risk, customer-behaviour\)/);
  });

  it('name each data set once, every one with the columns its filters and row-level security name', () => {
    const names = DATASETS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(DATASETS.flatMap(datasetProblems)).toEqual([]);
  });

  it.each(DASHBOARDS.map((d) => [d.id, d] as const))('%s: every visual, column, measure and currency resolves, and no total mixes currencies', (_id, dashboard) => {
    expect(dashboardProblems(dashboard, DATASETS)).toEqual([]);
  });

  it('every money figure names the reporting currency for totals and the store currency for one store', () => {
    const fields = DASHBOARDS.flatMap((d) => d.visuals).flatMap((v) => (v.kind === 'kpi' ? [v.value, ...(v.target ? [v.target] : [])] : v.kind === 'table' ? v.values : [v.value]));
    const money = fields.filter((f) => f.format === 'money');
    expect(money.length).toBeGreaterThan(5);
    for (const f of money) expect(f.money).toEqual({ currencyColumn: 'reporting_currency', local: expect.objectContaining({ currencyColumn: 'currency' }) });
  });

  it('finds what a broken definition gets wrong', () => {
    const base = dashboardById('store-performance');
    const visual = (v: Partial<Visual>): Visual => ({ ...base.visuals[0], target: undefined, ...v }) as Visual;
    const broken: DashboardDefinition = {
      ...base,
      id: 'Broken_Id',
      datasets: [...base.datasets, 'nope'],
      visuals: [
        ...base.visuals,
        visual({ id: 'revenue-vs-target' }),
        visual({ id: 'elsewhere', dataset: 'inventory_risk' }),
        visual({ id: 'local-total', value: { id: 'v', label: 'v', format: 'money', measure: sum('net_revenue'), money: { currencyColumn: 'reporting_currency' } } } as Partial<Visual>),
        visual({ id: 'no-currency', value: { ...moneySum('v', 'v', 'net_revenue'), money: { currencyColumn: 'nope' } } } as Partial<Visual>),
        visual({ id: 'swapped', value: { ...moneySum('v', 'v', 'net_revenue'), money: { currencyColumn: 'reporting_currency', local: { measure: sum('net_revenue_rpt'), currencyColumn: 'currency' } } } } as Partial<Visual>),
        visual({ id: 'mixed-ratio', value: { id: 'v', label: 'v', format: 'percent', measure: { kind: 'ratio', numerator: sum('gross_margin'), denominator: sum('net_revenue') } } } as Partial<Visual>),
        visual({ id: 'text-sum', value: { id: 'v', label: 'v', format: 'integer', measure: sum('region') } } as Partial<Visual>),
        { id: 'bad-bar', kind: 'bar', title: 't', dataset: 'store_day_metrics', category: 'region', drill: ['store_label', 'nope'], value: moneySum('v', 'v', 'net_revenue'), sort: 'desc', limit: 0 },
        { id: 'bad-table', kind: 'table', title: 't', dataset: 'store_day_metrics', dimensions: ['store_label'], values: [moneySum('v', 'v', 'net_revenue'), moneySum('v', 'v', 'net_revenue')], sort: { field: 'w', direction: 'asc' } },
        { id: 'bad-line', kind: 'line', title: 't', dataset: 'store_day_metrics', x: 'region', value: moneySum('v', 'v', 'net_revenue') },
      ],
    };
    expect(dashboardProblems(broken, DATASETS)).toEqual([
      'dashboard Broken_Id: the id is not kebab-case',
      'dashboard Broken_Id: no data set named nope',
      'dashboard Broken_Id: data set nope is read by no visual',
      'dashboard Broken_Id: visual id revenue-vs-target twice',
      'Broken_Id/elsewhere: data set inventory_risk is not one of the dashboard\'s',
      'Broken_Id/local-total/v: reads net_revenue, in each store\'s currency, across stores',
      'Broken_Id/local-total/v: a money total reads no reporting-currency amount',
      'Broken_Id/no-currency/v: no currency column nope in store_day_metrics',
      'Broken_Id/no-currency/v: totals are named by nope, not reporting_currency',
      'Broken_Id/swapped/v: its local measure reads net_revenue_rpt, in the reporting currency',
      'Broken_Id/mixed-ratio/v: reads gross_margin, in each store\'s currency, across stores',
      'Broken_Id/mixed-ratio/v: reads net_revenue, in each store\'s currency, across stores',
      'Broken_Id/text-sum/v: sum of region, a string',
      'Broken_Id/bad-bar: no column nope in store_day_metrics',
      'Broken_Id/bad-bar: the drill path does not start at its category region',
      'Broken_Id/bad-bar: limit 0',
      'Broken_Id/bad-table: sorts by w, none of its values',
      'Broken_Id/bad-table: field id v twice',
      'Broken_Id/bad-line: x column region is not a date',
    ]);
    expect(datasetProblems({ ...datasetByName('alert_trend'), name: 'AlertTrend', filterColumns: { date: 'region', region: 'nope' } })).toEqual([
      'data set AlertTrend: the name is not snake_case',
      'data set AlertTrend: its date filter column region is not a date',
      'data set AlertTrend: its region filter column nope is not one of its columns',
      'data set AlertTrend: no store column (row-level security needs one)',
    ]);
    expect(datasetProblems({ ...datasetByName('inventory_risk'), queryMode: 'direct_query' })).toEqual(['data set inventory_risk: direct query without a date column']);
    const sku = datasetByName('sku_day_sales');
    expect(datasetProblems({ ...sku, queryMode: 'import', everyStore: { sql: 'SELECT 1', columns: ['sku', 'store_id', 'nope'] } })).toEqual([
      'data set sku_day_sales: everyStore on a data set that is copied',
      'data set sku_day_sales: everyStore column nope is not one of its columns',
      'data set sku_day_sales: everyStore has the store column store_id',
      'data set sku_day_sales: everyStore without its date column',
    ]);
  });
});
