import { DASHBOARDS, DATASETS } from '../../../../dashboards';
import type { DashboardDefinition, DatasetDefinition, Measure, Visual } from '../../../../dashboards/definition';
import { windowCondition } from '../../../../infra/lib/consumers/quicksight-comparison';
import { FILTER_PARAMETERS, quickSightDefinition } from '../../../../infra/lib/consumers/quicksight-definition';
import { comparisonRange } from '../../../../local/dashboards/app/filters';
import { storeRowRules, storeRowRulesSql } from '../../../../infra/lib/consumers/quicksight-row-security';

type Json = Record<string, unknown>;

/** A data set and a dashboard with every visual kind, a ratio, a drill path and every format. */
const SALES: DatasetDefinition = {
  name: 'fixture_sales',
  title: 'Fixture sales',
  description: 'store x date',
  sql: 'SELECT 1',
  columns: [
    { name: 'business_date', type: 'date', label: 'Date' },
    { name: 'store_id', type: 'string', label: 'Store' },
    { name: 'region', type: 'string', label: 'Region' },
    { name: 'category', type: 'string', label: 'Category' },
    { name: 'basket_id', type: 'string', label: 'Basket' },
    { name: 'revenue_rpt', type: 'decimal', label: 'Revenue' },
    { name: 'margin_rpt', type: 'decimal', label: 'Margin' },
    { name: 'units', type: 'integer', label: 'Units' },
    { name: 'reporting_currency', type: 'string', label: 'Currency' },
  ],
  filterColumns: { date: 'business_date', region: 'region', store: 'store_id' },
};
/** filtered by store only: the date and region filters leave it alone */
const RISK: DatasetDefinition = {
  name: 'fixture_risk',
  title: 'Fixture risk',
  description: 'store x SKU',
  sql: 'SELECT 1',
  columns: [
    { name: 'store_id', type: 'string', label: 'Store' },
    { name: 'sku', type: 'string', label: 'SKU' },
    { name: 'days_of_supply', type: 'decimal', label: 'Days of supply' },
  ],
  filterColumns: { store: 'store_id' },
};
const revenue = { id: 'revenue', label: 'Revenue', format: 'money' as const, measure: { kind: 'aggregate' as const, column: 'revenue_rpt', aggregation: 'sum' as const }, money: { currencyColumn: 'reporting_currency' } };
const marginPct = {
  id: 'margin_pct',
  label: 'Margin %',
  format: 'percent' as const,
  measure: { kind: 'ratio' as const, numerator: { kind: 'aggregate' as const, column: 'margin_rpt', aggregation: 'sum' as const }, denominator: { kind: 'aggregate' as const, column: 'revenue_rpt', aggregation: 'sum' as const } },
};
const baskets = { id: 'baskets', label: 'Baskets', format: 'integer' as const, measure: { kind: 'aggregate' as const, column: 'basket_id', aggregation: 'count_distinct' as const } };
const FIXTURE: DashboardDefinition = {
  id: 'fixture',
  title: 'Fixture',
  audience: 'tests',
  datasets: ['fixture_sales', 'fixture_risk'],
  filters: ['date_range', 'region', 'store'],
  comparisons: ['previous_period'],
  visuals: [
    { id: 'kpi-revenue', kind: 'kpi', title: 'Revenue', dataset: 'fixture_sales', value: revenue, target: { ...revenue, id: 'target' }, comparison: true },
    { id: 'kpi-margin', kind: 'kpi', title: 'Margin', dataset: 'fixture_sales', value: marginPct, comparison: true },
    { id: 'kpi-range', kind: 'kpi', title: 'Revenue in the range', dataset: 'fixture_sales', value: revenue, comparison: false },
    { id: 'line-revenue', kind: 'line', title: 'By day', dataset: 'fixture_sales', x: 'business_date', series: 'store_id', value: revenue },
    { id: 'bar-drill', kind: 'bar', title: 'Drill', dataset: 'fixture_sales', category: 'region', drill: ['region', 'store_id'], value: revenue, sort: 'desc', limit: 10 },
    { id: 'pie-category', kind: 'pie', title: 'Mix', dataset: 'fixture_sales', category: 'category', value: revenue },
    { id: 'heat-region', kind: 'heatmap', title: 'Heat', dataset: 'fixture_sales', rows: 'region', columns: 'category', value: marginPct },
    { id: 'table-stores', kind: 'table', title: 'Stores', dataset: 'fixture_sales', dimensions: ['store_id'], values: [revenue, baskets, marginPct], sort: { field: 'revenue', direction: 'desc' }, limit: 20 },
    { id: 'table-risk', kind: 'table', title: 'Risk', dataset: 'fixture_risk', dimensions: ['store_id', 'sku'], values: [{ id: 'dos', label: 'Days', format: 'decimal', measure: { kind: 'aggregate', column: 'days_of_supply', aggregation: 'min' } }], sort: { field: 'dos', direction: 'asc' } },
  ],
};
const FIXTURE_DATASETS = [SALES, RISK];
const arnsOf = (datasets: readonly DatasetDefinition[]): Record<string, string> => Object.fromEntries(datasets.map((d) => [d.name, `arn:aws:quicksight:eu-west-1:123456789012:dataset/${d.name}`]));

/** Every object in a JSON tree that has `key`. */
function objectsWith(tree: unknown, key: string): Json[] {
  if (Array.isArray(tree)) return tree.flatMap((t) => objectsWith(t, key));
  if (!tree || typeof tree !== 'object') return [];
  const here = key in tree ? [tree as Json] : [];
  return [...here, ...Object.values(tree).flatMap((v) => objectsWith(v, key))];
}

/** The definition as the template has it (plain JSON), for walking. */
const build = (...args: Parameters<typeof quickSightDefinition>): Json => JSON.parse(JSON.stringify(quickSightDefinition(...args))) as Json;

const visualIds = (definition: Json): string[] => objectsWith(definition.sheets, 'visualId').map((v) => v.visualId as string);

type Kpi = Extract<Visual, { kind: 'kpi' }>;
const comparing = (dashboard: DashboardDefinition): Kpi[] => dashboard.visuals.filter((v): v is Kpi => v.kind === 'kpi' && v.comparison && dashboard.comparisons.length > 0);
/** The measure columns a measure reads. */
const measureColumns = (m: Measure): string[] => (m.kind === 'aggregate' ? [m.column] : [...measureColumns(m.numerator), ...measureColumns(m.denominator)]);

/** The checks every definition passes: its own visuals only (and a comparison KPI after each target KPI that compares), resolvable fields, bound filters. */
function expectWellFormed(dashboard: DashboardDefinition, datasets: readonly DatasetDefinition[], definition: Json): void {
  const withTarget = new Set(comparing(dashboard).filter((v) => v.target).map((v) => v.id));
  expect(visualIds(definition)).toEqual(dashboard.visuals.flatMap((v) => (withTarget.has(v.id) ? [v.id, `${v.id}-comparison`] : [v.id])));
  const declared = (definition.dataSetIdentifierDeclarations as Json[]).map((d) => d.identifier);
  expect(declared).toEqual(dashboard.datasets);
  const calculated = (definition.calculatedFields as Json[]).map((c) => `${String(c.dataSetIdentifier)}.${String(c.name)}`);
  const columns = new Set([...datasets.flatMap((d) => d.columns.map((c) => `${d.name}.${c.name}`)), ...calculated]);
  // every column reference (fields, hierarchies, filters, controls) names a data set column or a calculated field of its data set
  for (const ref of objectsWith(definition, 'columnName')) expect(columns).toContain(`${String(ref.dataSetIdentifier)}.${String(ref.columnName)}`);
  // field ids are unique in the definition; sorts name fields of their visual
  const fieldIds = objectsWith(definition.sheets, 'fieldId').filter((f) => 'column' in f).map((f) => f.fieldId);
  expect(new Set(fieldIds).size).toBe(fieldIds.length);
  for (const sort of objectsWith(definition.sheets, 'fieldSort')) expect(fieldIds).toContain((sort.fieldSort as Json).fieldId);
  // every filter reads a parameter that is declared, and every parameter has a control on the sheet
  const parameters = objectsWith(definition.parameterDeclarations, 'name').map((p) => p.name);
  const bound = [...objectsWith(definition.filterGroups, 'parameter').map((p) => p.parameter), ...objectsWith(definition.filterGroups, 'parameterName').map((p) => p.parameterName)];
  for (const p of bound) expect(parameters).toContain(p);
  const controlled = objectsWith(definition.sheets, 'sourceParameterName').map((c) => c.sourceParameterName);
  expect([...controlled].sort()).toEqual([...parameters].sort());
  // a filter per filter kind and data set with its column (no date filter where every visual of the data set compares periods)
  const comparingIds = new Set(comparing(dashboard).map((v) => v.id));
  const allCompare = (d: DatasetDefinition): boolean => dashboard.visuals.filter((v) => v.dataset === d.name).every((v) => comparingIds.has(v.id)) && comparingIds.size > 0;
  const expectedGroups = dashboard.filters.flatMap((kind) =>
    datasets
      .filter((d) => dashboard.datasets.includes(d.name) && { date_range: d.filterColumns.date, region: d.filterColumns.region, store: d.filterColumns.store }[kind])
      .filter((d) => kind !== 'date_range' || !allCompare(d))
      .map((d) => `${kind}-${d.name}`),
  );
  expect((definition.filterGroups as Json[]).map((g) => g.filterGroupId).sort()).toEqual(expectedGroups.sort());
  // the date filters leave the comparing KPIs alone (their fields window the rows); the other filters do not
  for (const group of definition.filterGroups as Json[]) {
    const scope = objectsWith(group.scopeConfiguration, 'scope')[0];
    if (String(group.filterGroupId).startsWith('date_range-') && comparingIds.size > 0) {
      const dataset = String(group.filterGroupId).slice('date_range-'.length);
      const scoped = dashboard.visuals.filter((v) => v.dataset === dataset && !comparingIds.has(v.id)).map((v) => v.id);
      expect(scope).toEqual(
        dashboard.visuals.some((v) => v.dataset === dataset && comparingIds.has(v.id)) ? { sheetId: `${dashboard.id}-sheet`, scope: 'SELECTED_VISUALS', visualIds: scoped } : { sheetId: `${dashboard.id}-sheet`, scope: 'ALL_VISUALS' },
      );
    } else expect(scope.scope).toBe('ALL_VISUALS');
  }
  expectComparisonFields(dashboard, datasets, definition);
}

/**
 * Every KPI that compares periods: a current and a comparison field of its data set, over the data set's date column
 * and the date range's parameters (the comparison also the Comparison parameter), reading the measure's columns;
 * the KPI shows the current value against the comparison (or, with a target, its comparison KPI does).
 */
function expectComparisonFields(dashboard: DashboardDefinition, datasets: readonly DatasetDefinition[], definition: Json): void {
  const fields = definition.calculatedFields as Json[];
  const kpiWells = (id: string): Json => objectsWith(definition.sheets, 'visualId').find((v) => v.visualId === id)?.chartConfiguration as Json;
  const columnOf = (well: unknown): unknown => (((well as Json[])[0].numericalMeasureField as Json).column as Json).columnName;
  for (const v of comparing(dashboard)) {
    const dateColumn = datasets.find((d) => d.name === v.dataset)?.filterColumns.date;
    expect(dateColumn).toBeDefined();
    for (const window of ['current', 'comparison']) {
      const field = fields.find((f) => f.name === `${v.id}_${v.value.id}_${window}`);
      expect(field).toMatchObject({ dataSetIdentifier: v.dataset });
      const expression = String(field?.expression);
      for (const text of [`{${String(dateColumn)}}`, '${DateFrom}', '${DateTo}', ...measureColumns(v.value.measure).map((c) => `{${c}}`)]) expect(expression).toContain(text);
      expect(expression.includes('${Comparison}')).toBe(window === 'comparison');
    }
    const wells = (kpiWells(v.target ? `${v.id}-comparison` : v.id).fieldWells ?? {}) as Json;
    expect([columnOf(wells.values), columnOf(wells.targetValues)]).toEqual([`${v.id}_${v.value.id}_current`, `${v.id}_${v.value.id}_comparison`]);
    if (v.target) expect(columnOf((kpiWells(v.id).fieldWells as Json).targetValues)).toBe(`${v.id}_${v.target.id}_current`);
  }
  const parameter = objectsWith(definition.parameterDeclarations, 'name').find((p) => p.name === 'Comparison');
  const control = objectsWith(definition.sheets, 'sourceParameterName').find((c) => c.sourceParameterName === 'Comparison');
  if (dashboard.comparisons.length === 0) return expect([parameter, control]).toEqual([undefined, undefined]);
  expect(parameter).toMatchObject({ parameterValueType: 'SINGLE_VALUED', defaultValues: { staticValues: ['previous_period'] } });
  expect(control).toMatchObject({ type: 'SINGLE_SELECT', selectableValues: { values: dashboard.comparisons } });
}

describe('quickSightDefinition', () => {
  const definition = build(FIXTURE, FIXTURE_DATASETS, arnsOf(FIXTURE_DATASETS), 'EUR');
  const visual = (id: string): Json => {
    const found = (definition.sheets as Json[]).flatMap((s) => s.visuals as Json[]).find((v) => Object.values(v).some((inner) => (inner as Json).visualId === id));
    if (!found) throw new Error(`no visual ${id}`);
    return found;
  };

  it('renders every visual kind, in order, with the definition ids, and only the definition data sets', () => {
    expectWellFormed(FIXTURE, FIXTURE_DATASETS, definition);
    const kinds = (definition.sheets as Json[])[0].visuals as Json[];
    expect(kinds.map((v) => Object.keys(v)[0])).toEqual(['kpiVisual', 'kpiVisual', 'kpiVisual', 'kpiVisual', 'lineChartVisual', 'barChartVisual', 'pieChartVisual', 'heatMapVisual', 'tableVisual', 'tableVisual']);
    expect(definition.dataSetIdentifierDeclarations).toEqual([
      { identifier: 'fixture_sales', dataSetArn: 'arn:aws:quicksight:eu-west-1:123456789012:dataset/fixture_sales' },
      { identifier: 'fixture_risk', dataSetArn: 'arn:aws:quicksight:eu-west-1:123456789012:dataset/fixture_risk' },
    ]);
  });

  it('aggregates measures, makes ratios calculated fields of sums, and formats money in the reporting currency', () => {
    const kpi = visual('kpi-range').kpiVisual as Json;
    const wells = (kpi.chartConfiguration as Json).fieldWells as Json;
    const value = ((wells.values as Json[])[0].numericalMeasureField ?? {}) as Json;
    expect(value.aggregationFunction).toEqual({ simpleNumericalAggregation: 'SUM' });
    expect(JSON.stringify(value.formatConfiguration)).toContain('"currencyDisplayFormatConfiguration":{"symbol":"EUR"');
    expect(wells.targetValues).toBeUndefined();
    expect(definition.calculatedFields).toEqual(
      expect.arrayContaining([{ dataSetIdentifier: 'fixture_sales', name: 'table-stores_margin_pct', expression: 'ifelse(sum({revenue_rpt}) = 0, NULL, sum({margin_rpt}) / sum({revenue_rpt}))' }]),
    );
    const margin = ((((visual('kpi-margin').kpiVisual as Json).chartConfiguration as Json).fieldWells as Json).values as Json[])[0].numericalMeasureField as Json;
    expect(margin.column).toEqual({ dataSetIdentifier: 'fixture_sales', columnName: 'kpi-margin_margin_pct_current' });
    expect(margin.aggregationFunction).toBeUndefined(); // already aggregated
    expect(JSON.stringify(margin.formatConfiguration)).toContain('percentageDisplayFormatConfiguration');
    // a distinct count of a string column is a categorical measure
    expect(JSON.stringify(visual('table-stores'))).toContain('"categoricalMeasureField":{"fieldId":"table-stores-baskets","column":{"dataSetIdentifier":"fixture_sales","columnName":"basket_id"},"aggregationFunction":"DISTINCT_COUNT"}');
  });

  it('gives a bar with a drill path an explicit hierarchy over its levels, sorted and limited', () => {
    const bar = visual('bar-drill').barChartVisual as Json;
    expect(bar.columnHierarchies).toEqual([
      { explicitHierarchy: { hierarchyId: 'bar-drill-drill', columns: [{ dataSetIdentifier: 'fixture_sales', columnName: 'region' }, { dataSetIdentifier: 'fixture_sales', columnName: 'store_id' }] } },
    ]);
    const config = bar.chartConfiguration as Json;
    expect(objectsWith(config.fieldWells, 'hierarchyId').map((f) => f.hierarchyId)).toEqual(['bar-drill-drill', 'bar-drill-drill']);
    expect(config.sortConfiguration).toEqual({ categorySort: [{ fieldSort: { fieldId: 'bar-drill-revenue', direction: 'DESC' } }], categoryItemsLimit: { itemsLimit: 10, otherCategories: 'EXCLUDE' } });
  });

  it('binds the date range to DateTime parameters and region and store to multi-value parameters, on every data set with the column', () => {
    const groups = definition.filterGroups as Json[];
    const date = groups.find((g) => g.filterGroupId === 'date_range-fixture_sales') as Json;
    expect((date.filters as Json[])[0].timeRangeFilter).toMatchObject({
      column: { dataSetIdentifier: 'fixture_sales', columnName: 'business_date' },
      rangeMinimumValue: { parameter: FILTER_PARAMETERS.date_range[0] },
      rangeMaximumValue: { parameter: FILTER_PARAMETERS.date_range[1] },
    });
    // every visual of the data set but the KPIs that compare periods (they window the rows themselves)
    expect(date.scopeConfiguration).toEqual({
      selectedSheets: {
        sheetVisualScopingConfigurations: [{ sheetId: 'fixture-sheet', scope: 'SELECTED_VISUALS', visualIds: ['kpi-range', 'line-revenue', 'bar-drill', 'pie-category', 'heat-region', 'table-stores'] }],
      },
    });
    const store = groups.find((g) => g.filterGroupId === 'store-fixture_risk') as Json;
    expect((store.filters as Json[])[0].categoryFilter).toMatchObject({ column: { dataSetIdentifier: 'fixture_risk', columnName: 'store_id' }, configuration: { customFilterConfiguration: { parameterName: 'Store' } } });
    // the risk data set has no date or region column: those filters leave it alone
    expect(groups.map((g) => g.filterGroupId)).not.toContain('date_range-fixture_risk');
    expect(objectsWith(definition.parameterDeclarations, 'parameterValueType').map((p) => [p.name, p.parameterValueType])).toEqual([
      ['Region', 'MULTI_VALUED'],
      ['Store', 'MULTI_VALUED'],
      ['Comparison', 'SINGLE_VALUED'],
    ]);
  });

  describe('KPI comparison periods', () => {
    const field = (name: string): string => String((definition.calculatedFields as Json[]).find((f) => f.name === name)?.expression);
    const RANGE = '{business_date} >= ${DateFrom} AND {business_date} <= ${DateTo}';
    const COMPARISON =
      "{business_date} >= ifelse(${Comparison} = 'previous_year', addDateTime(-364, 'DD', ${DateFrom}), addDateTime(-1 * (dateDiff(${DateFrom}, ${DateTo}, 'DD') + 1), 'DD', ${DateFrom}))" +
      " AND {business_date} <= ifelse(${Comparison} = 'previous_year', addDateTime(-364, 'DD', ${DateTo}), addDateTime(-1, 'DD', ${DateFrom}))";

    it('computes the range and the comparison period from the date parameters, previous_year 364 days back', () => {
      expect(field('kpi-revenue_revenue_current')).toBe(`sumIf({revenue_rpt}, ${RANGE})`);
      expect(field('kpi-revenue_revenue_comparison')).toBe(`sumIf({revenue_rpt}, ${COMPARISON})`);
      expect(field('kpi-revenue_target_current')).toBe(`sumIf({revenue_rpt}, ${RANGE})`);
      // a ratio of windowed sums, not a windowed ratio
      expect(field('kpi-margin_margin_pct_comparison')).toBe(`ifelse(sumIf({revenue_rpt}, ${COMPARISON}) = 0, NULL, sumIf({margin_rpt}, ${COMPARISON}) / sumIf({revenue_rpt}, ${COMPARISON}))`);
    });

    /** The renderer's comparison window condition run in JavaScript on dates as day numbers: which days it keeps. */
    function windowDays(from: string, to: string, period: string): string[] {
      const day = (d: string): number => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
      const js = windowCondition('comparison', 'business_date', 'DateFrom', 'DateTo').replace(/\$\{(\w+)\}/g, 'p.$1')
        .replace(/\{(\w+)\}/g, 'row.$1')
        .replace(/ = /g, ' === ')
        .replace(/ AND /g, ' && ');
      const keep = new Function('p', 'row', 'ifelse', 'addDateTime', 'dateDiff', `return ${js};`) as (...args: unknown[]) => boolean;
      const params = { DateFrom: day(from), DateTo: day(to), Comparison: period };
      const ifelse = (c: boolean, a: number, b: number): number => (c ? a : b);
      const addDateTime = (n: number, unit: string, d: number): number => (unit === 'DD' ? d + n : NaN);
      const dateDiff = (a: number, b: number, unit: string): number => (unit === 'DD' ? b - a : NaN);
      const days: string[] = [];
      for (let d = day(from) - 400; d <= day(to); d++) if (keep(params, { business_date: d }, ifelse, addDateTime, dateDiff)) days.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
      return days;
    }

    it.each([
      ['2026-03-01', '2026-03-07', 'previous_period'],
      ['2026-03-01', '2026-03-28', 'previous_period'],
      ['2026-03-01', '2026-03-07', 'previous_year'],
      ['2024-03-01', '2024-03-31', 'previous_year'],
    ] as const)('keeps the same days as the local app for %s..%s, %s', (from, to, period) => {
      const expected = comparisonRange({ from, to }, period);
      const days = windowDays(from, to, period);
      expect([days[0], days[days.length - 1], days.length]).toEqual([expected.from, expected.to, Math.round((Date.parse(expected.to) - Date.parse(expected.from)) / 86_400_000) + 1]);
    });

    it('keeps the target of a target KPI and puts the comparison in a second KPI next to it; the parameter offers the periods', () => {
      const ids = ((definition.sheets as Json[])[0].layouts as Json[]).flatMap((l) => objectsWith(l, 'elementId').map((e) => e.elementId));
      expect(ids.slice(0, 3)).toEqual(['kpi-revenue', 'kpi-revenue-comparison', 'kpi-margin']);
      const second = visual('kpi-revenue-comparison').kpiVisual as Json;
      expect((second.chartConfiguration as Json).kpiOptions).toEqual({ comparison: { comparisonMethod: 'PERCENT_DIFFERENCE' }, primaryValueDisplayType: 'ACTUAL' });
      expect(objectsWith(definition.sheets, 'sourceParameterName').find((c) => c.sourceParameterName === 'Comparison')).toMatchObject({ title: 'Compare with', selectableValues: { values: ['previous_period'] } });
    });

    it('drops the date filter of a data set whose visuals all compare, and refuses a comparing KPI without a date column', () => {
      const onlyKpis: DashboardDefinition = { ...FIXTURE, visuals: FIXTURE.visuals.slice(0, 2) };
      const groups = (build(onlyKpis, FIXTURE_DATASETS, arnsOf(FIXTURE_DATASETS), 'EUR').filterGroups as Json[]).map((g) => g.filterGroupId);
      expect(groups).toEqual(['region-fixture_sales', 'store-fixture_sales', 'store-fixture_risk']);
      const riskKpi: DashboardDefinition = { ...FIXTURE, visuals: [{ id: 'k', kind: 'kpi', title: 'k', dataset: 'fixture_risk', value: { ...baskets, measure: { kind: 'aggregate', column: 'sku', aggregation: 'count' } }, comparison: true }] };
      expect(() => quickSightDefinition(riskKpi, FIXTURE_DATASETS, arnsOf(FIXTURE_DATASETS), 'EUR')).toThrow(/visual k: compares periods, but data set fixture_risk has no date column/);
    });
  });

  it('refuses a definition naming a column or data set that is not there, and a sort on an unknown field', () => {
    const broken = (visual: Visual): DashboardDefinition => ({ ...FIXTURE, visuals: [visual] });
    const arns = arnsOf(FIXTURE_DATASETS);
    expect(() => quickSightDefinition(broken({ id: 'x', kind: 'pie', title: 'x', dataset: 'fixture_sales', category: 'nope', value: revenue }), FIXTURE_DATASETS, arns, 'EUR')).toThrow(
      /dashboard fixture, visual x: data set fixture_sales has no column "nope"/,
    );
    expect(() => quickSightDefinition(broken({ id: 'x', kind: 'pie', title: 'x', dataset: 'other', category: 'region', value: revenue }), FIXTURE_DATASETS, arns, 'EUR')).toThrow(/data set "other"/);
    expect(() =>
      quickSightDefinition(broken({ id: 'x', kind: 'table', title: 'x', dataset: 'fixture_sales', dimensions: ['region'], values: [revenue], sort: { field: 'nope', direction: 'asc' } }), FIXTURE_DATASETS, arns, 'EUR'),
    ).toThrow(/sorts on "nope"/);
    expect(() => quickSightDefinition(FIXTURE, FIXTURE_DATASETS, { fixture_sales: 'arn' }, 'EUR')).toThrow(/fixture_risk has no QuickSight data set/);
  });

  it.each(DASHBOARDS.map((d) => [d.id, d] as const))('renders the %s dashboard with its visuals and resolvable fields', (_id, dashboard) => {
    expectWellFormed(dashboard, DATASETS, build(dashboard, DATASETS, arnsOf(DATASETS), 'USD'));
  });
});

describe('QuickSight row-level security rules', () => {
  const OWNER = 'arn:aws:quicksight:eu-west-1:123456789012:group/default/executives';
  const USER = 'arn:aws:quicksight:eu-west-1:123456789012:user/default/central';
  const managers = [{ email: 'central@example.com', storeIds: ['S003', 'S004'] }];

  it("lets the owner see every store and a manager's user their stores only", () => {
    const rules = storeRowRules(OWNER, [{ email: 'central@example.com', quickSightUserArn: USER }, { email: 'other@example.com' }], managers);
    expect(rules).toEqual([{ groupArn: OWNER }, { userArn: USER, storeId: 'S003' }, { userArn: USER, storeId: 'S004' }]);
    expect(storeRowRulesSql(rules, 'store_id')).toBe(
      [
        'SELECT CAST(NULL AS VARCHAR(2048)) AS user_arn, CAST(\'' + OWNER + "' AS VARCHAR(2048)) AS group_arn, CAST(NULL AS VARCHAR(64)) AS store_id",
        "UNION ALL SELECT CAST('" + USER + "' AS VARCHAR(2048)) AS user_arn, CAST(NULL AS VARCHAR(2048)) AS group_arn, CAST('S003' AS VARCHAR(64)) AS store_id",
        "UNION ALL SELECT CAST('" + USER + "' AS VARCHAR(2048)) AS user_arn, CAST(NULL AS VARCHAR(2048)) AS group_arn, CAST('S004' AS VARCHAR(64)) AS store_id",
      ].join('\n'),
    );
    // no manager with a QuickSight user: the owner's row only
    expect(storeRowRules(USER, [], managers)).toEqual([{ userArn: USER }]);
  });

  it('refuses an identity without stores and ARNs that are not QuickSight principals', () => {
    expect(() => storeRowRules(OWNER, [{ email: 'nobody@example.com', quickSightUserArn: USER }], managers)).toThrow(/nobody@example.com" manages no store/);
    expect(() => storeRowRules(OWNER, [{ email: 'central@example.com', quickSightUserArn: "arn:aws:iam::123456789012:role/x' OR 1=1" }], managers)).toThrow(/not a QuickSight user or group ARN/);
    expect(() => storeRowRules('arn:aws:iam::123456789012:role/admin', [], managers)).toThrow(/principalArn/);
  });
});
