import type { CfnAnalysis } from 'aws-cdk-lib/aws-quicksight';
import type {
  Aggregation,
  DashboardDefinition,
  DatasetColumn,
  DatasetDefinition,
  FilterKind,
  Measure,
  MeasureField,
  ValueFormat,
  Visual,
} from '../../../dashboards/definition';
import { ConfigurationError } from '../../../functions/lib/errors';
import { comparesPeriods, comparisonControl, comparisonParameter, comparisonVisualId, type KpiWindow, windowCondition } from './quicksight-comparison';

/**
 * The `Definition` of an AWS::QuickSight::Analysis, built from a dashboard definition (dashboards/). The Dashboard's
 * `Definition` has the same shape (CfnDashboard.DashboardVersionDefinitionProperty), so one value serves both.
 */
export type QuickSightDefinition = CfnAnalysis.AnalysisDefinitionProperty;

type Sheet = CfnAnalysis.SheetDefinitionProperty;
type QsVisual = CfnAnalysis.VisualProperty;
type Dimension = CfnAnalysis.DimensionFieldProperty;
type Measured = CfnAnalysis.MeasureFieldProperty;
type NumberFormat = CfnAnalysis.NumberFormatConfigurationProperty;
/** what every visual kind has: its id, title and subtitle */
type VisualLabels = Pick<CfnAnalysis.KPIVisualProperty, 'visualId' | 'title' | 'subtitle'>;
type Kpi = Extract<Visual, { kind: 'kpi' }>;
/** A QuickSight visual with its id, for the layout. */
interface Rendered {
  id: string;
  visual: QsVisual;
}

/** The parameters the dashboard filters bind to (QuickSight parameter names: letters and digits only). */
export const FILTER_PARAMETERS = {
  date_range: ['DateFrom', 'DateTo'],
  region: ['Region'],
  store: ['Store'],
} as const satisfies Record<FilterKind, readonly string[]>;

const FILTER_TITLES: Record<string, string> = { DateFrom: 'From', DateTo: 'To', Region: 'Region', Store: 'Store' };

/** QuickSight ids (visual, sheet, filter, control ids) allow letters, digits, _ and - only. */
const QUICKSIGHT_ID = /^[\w-]{1,512}$/;

const SIMPLE_AGGREGATION: Record<Aggregation, string> = {
  sum: 'SUM',
  avg: 'AVERAGE',
  min: 'MIN',
  max: 'MAX',
  count: 'COUNT',
  count_distinct: 'DISTINCT_COUNT',
};

/** The same aggregations in QuickSight's calculated-field language. */
const EXPRESSION_AGGREGATION: Record<Aggregation, string> = {
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  count: 'count',
  count_distinct: 'distinct_count',
};

/** Their conditional forms (`sumIf({x}, <condition>)`), for the KPIs' period windows. */
const CONDITIONAL_AGGREGATION: Record<Aggregation, string> = {
  sum: 'sumIf',
  avg: 'avgIf',
  min: 'minIf',
  max: 'maxIf',
  count: 'countIf',
  count_distinct: 'distinct_countIf',
};

/** Width of a visual on QuickSight's 36-column grid: four KPIs to a row, two charts, tables full width. */
const GRID_SPAN: Record<Visual['kind'], { columnSpan: number; rowSpan: number }> = {
  kpi: { columnSpan: 9, rowSpan: 6 },
  line: { columnSpan: 18, rowSpan: 12 },
  bar: { columnSpan: 18, rowSpan: 12 },
  pie: { columnSpan: 18, rowSpan: 12 },
  heatmap: { columnSpan: 18, rowSpan: 12 },
  table: { columnSpan: 36, rowSpan: 14 },
};

const THOUSANDS: CfnAnalysis.NumericSeparatorConfigurationProperty = { decimalSeparator: 'DOT', thousandsSeparator: { symbol: 'COMMA', visibility: 'VISIBLE' } };

/** Money in the reporting currency (totals across stores never mix currencies: the measures read the *_rpt columns). */
function numberFormat(format: ValueFormat, reportingCurrency: string): NumberFormat {
  switch (format) {
    case 'money':
      return {
        formatConfiguration: {
          currencyDisplayFormatConfiguration: { symbol: reportingCurrency, decimalPlacesConfiguration: { decimalPlaces: 2 }, separatorConfiguration: THOUSANDS, numberScale: 'NONE' },
        },
      };
    case 'percent':
      // QuickSight shows a fraction (0.412) as a percentage (41.2%)
      return { formatConfiguration: { percentageDisplayFormatConfiguration: { decimalPlacesConfiguration: { decimalPlaces: 1 }, separatorConfiguration: THOUSANDS } } };
    case 'integer':
    case 'decimal':
      return {
        formatConfiguration: {
          numberDisplayFormatConfiguration: { decimalPlacesConfiguration: { decimalPlaces: format === 'integer' ? 0 : 2 }, separatorConfiguration: THOUSANDS, numberScale: 'NONE' },
        },
      };
  }
}

/** Builds one dashboard's definition; collects the calculated fields its ratios need on the way. */
class DefinitionBuilder {
  readonly calculatedFields: CfnAnalysis.CalculatedFieldProperty[] = [];
  readonly sheetId: string;

  constructor(
    private readonly dashboard: DashboardDefinition,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
    private readonly reportingCurrency: string,
  ) {
    this.sheetId = `${dashboard.id}-sheet`;
  }

  fail(where: string, message: string): never {
    throw new ConfigurationError(`dashboard ${this.dashboard.id}, ${where}: ${message}`);
  }

  dataset(name: string, where: string): DatasetDefinition {
    return this.datasets.get(name) ?? this.fail(where, `data set "${name}" is not among the dashboard's data sets (${[...this.datasets.keys()].join(', ')})`);
  }

  column(ds: DatasetDefinition, name: string, where: string): DatasetColumn {
    return ds.columns.find((c) => c.name === name) ?? this.fail(where, `data set ${ds.name} has no column "${name}"`);
  }

  /** A group-by field; `hierarchyId` ties it to a drill-down hierarchy. */
  dimension(ds: DatasetDefinition, columnName: string, fieldId: string, where: string, hierarchyId?: string): Dimension {
    const col = this.column(ds, columnName, where);
    const base = { fieldId, column: { dataSetIdentifier: ds.name, columnName }, ...(hierarchyId ? { hierarchyId } : {}) };
    if (col.type === 'date') return { dateDimensionField: { ...base, dateGranularity: 'DAY' } };
    if (col.type === 'string') return { categoricalDimensionField: base };
    return { numericalDimensionField: base };
  }

  /** A visual's group-by field of a column: its field id is `<visual id>-<column>`. */
  dimensionOf(v: Visual, ds: DatasetDefinition, column: string, hierarchyId?: string): Dimension {
    return this.dimension(ds, column, `${v.id}-${column}`, `visual ${v.id}`, hierarchyId);
  }

  /**
   * The calculated-field expression of a measure: `sum({net_revenue_rpt})`, a ratio `sum({a}) / sum({b})`; with a
   * row condition, the conditional aggregations: `sumIf({net_revenue_rpt}, <condition>)`.
   */
  expression(ds: DatasetDefinition, m: Measure, where: string, condition?: string): string {
    if (m.kind === 'aggregate') {
      this.column(ds, m.column, where);
      return condition ? `${CONDITIONAL_AGGREGATION[m.aggregation]}({${m.column}}, ${condition})` : `${EXPRESSION_AGGREGATION[m.aggregation]}({${m.column}})`;
    }
    const denominator = this.expression(ds, m.denominator, where, condition);
    // no value rather than an error where the denominator is 0 (a day without sales)
    return `ifelse(${denominator} = 0, NULL, ${this.expression(ds, m.numerator, where, condition)} / ${denominator})`;
  }

  /** The data set's date column a comparing KPI windows on; the windows read the date range's parameters. */
  comparisonDateColumn(ds: DatasetDefinition, v: Kpi): string {
    const where = `visual ${v.id}`;
    if (!this.dashboard.filters.includes('date_range')) this.fail(where, 'compares periods, but the dashboard has no date range filter');
    return this.filterColumn(ds, 'date_range') ?? this.fail(where, `compares periods, but data set ${ds.name} has no date column (filterColumns.date)`);
  }

  /**
   * A KPI field over one window (the range, or the comparison period): a calculated field `<kpi>_<field>_<window>`
   * of conditional aggregations, shown by the visual `shownIn` (the KPI, or its comparison KPI).
   */
  windowedMeasure(ds: DatasetDefinition, v: Kpi, field: MeasureField, window: KpiWindow, shownIn: string): Measured {
    const name = `${v.id}_${field.id}_${window}`;
    if (!this.calculatedFields.some((c) => c.dataSetIdentifier === ds.name && c.name === name)) {
      const [from, to] = FILTER_PARAMETERS.date_range;
      const condition = windowCondition(window, this.comparisonDateColumn(ds, v), from, to);
      this.calculatedFields.push({ dataSetIdentifier: ds.name, name, expression: this.expression(ds, field.measure, `visual ${v.id} field ${field.id}`, condition) });
    }
    return {
      numericalMeasureField: { fieldId: `${shownIn}-${field.id}-${window}`, column: { dataSetIdentifier: ds.name, columnName: name }, formatConfiguration: numberFormat(field.format, this.reportingCurrency) },
    };
  }

  measure(ds: DatasetDefinition, visualId: string, field: MeasureField): Measured {
    const where = `visual ${visualId} field ${field.id}`;
    const fieldId = `${visualId}-${field.id}`;
    const formatConfiguration = numberFormat(field.format, this.reportingCurrency);
    const m = field.measure;
    if (m.kind === 'ratio') {
      // an aggregated calculated field: the visual shows it as is, without another aggregation over it
      const name = `${visualId}_${field.id}`;
      this.calculatedFields.push({ dataSetIdentifier: ds.name, name, expression: this.expression(ds, m, where) });
      return { numericalMeasureField: { fieldId, column: { dataSetIdentifier: ds.name, columnName: name }, formatConfiguration } };
    }
    const col = this.column(ds, m.column, where);
    const column = { dataSetIdentifier: ds.name, columnName: m.column };
    if (col.type === 'integer' || col.type === 'decimal') {
      return { numericalMeasureField: { fieldId, column, aggregationFunction: { simpleNumericalAggregation: SIMPLE_AGGREGATION[m.aggregation] }, formatConfiguration } };
    }
    if (m.aggregation !== 'count' && m.aggregation !== 'count_distinct') this.fail(where, `${m.aggregation} of the ${col.type} column ${m.column}: only count and count_distinct apply`);
    return { categoricalMeasureField: { fieldId, column, aggregationFunction: SIMPLE_AGGREGATION[m.aggregation] } };
  }

  /** A KPI visual: the value against a target value, the difference in %. */
  kpi(labels: VisualLabels, value: Measured, target: Measured | undefined): QsVisual {
    return {
      kpiVisual: {
        ...labels,
        chartConfiguration: {
          fieldWells: { values: [value], ...(target ? { targetValues: [target] } : {}) },
          ...(target ? { kpiOptions: { comparison: { comparisonMethod: 'PERCENT_DIFFERENCE' }, primaryValueDisplayType: 'ACTUAL' } } : {}),
        },
      },
    };
  }

  /**
   * A KPI that compares periods: the range's value against the comparison period's. Both are windows of the same
   * rows (the date filter leaves these KPIs alone, see filterGroups). A KPI with a target keeps the target (also over
   * the range) and gets a second KPI next to it for the comparison, QuickSight's KPI having one target value.
   */
  comparingKpi(v: Kpi, ds: DatasetDefinition, labels: VisualLabels): Rendered[] {
    const current = (shownIn: string): Measured => this.windowedMeasure(ds, v, v.value, 'current', shownIn);
    const comparison = (shownIn: string): Measured => this.windowedMeasure(ds, v, v.value, 'comparison', shownIn);
    if (!v.target) return [{ id: v.id, visual: this.kpi(labels, current(v.id), comparison(v.id)) }];
    const secondId = comparisonVisualId(v.id);
    const secondLabels: VisualLabels = {
      visualId: secondId,
      title: { visibility: 'VISIBLE', formatText: { plainText: `${v.title}: comparison period` } },
      subtitle: { visibility: 'VISIBLE', formatText: { plainText: 'the range against the period chosen in "Compare with"' } },
    };
    return [
      { id: v.id, visual: this.kpi(labels, current(v.id), this.windowedMeasure(ds, v, v.target, 'current', v.id)) },
      { id: secondId, visual: this.kpi(secondLabels, current(secondId), comparison(secondId)) },
    ];
  }

  /** The QuickSight visuals of a definition visual: one, or two for a target KPI that compares periods. */
  visual(v: Visual): Rendered[] {
    if (!QUICKSIGHT_ID.test(v.id)) this.fail(`visual ${v.id}`, 'a QuickSight visual id has letters, digits, _ and - only');
    const where = `visual ${v.id}`;
    const ds = this.dataset(v.dataset, where);
    const labels: VisualLabels = {
      visualId: v.id,
      title: { visibility: 'VISIBLE', formatText: { plainText: v.title } },
      ...(v.subtitle ? { subtitle: { visibility: 'VISIBLE', formatText: { plainText: v.subtitle } } } : {}),
    };
    if (comparesPeriods(this.dashboard, v)) return this.comparingKpi(v, ds, labels);
    return [{ id: v.id, visual: this.singleVisual(v, ds, labels) }];
  }

  private singleVisual(v: Visual, ds: DatasetDefinition, labels: VisualLabels): QsVisual {
    const dim = (column: string): Dimension => this.dimensionOf(v, ds, column);
    switch (v.kind) {
      case 'kpi':
        // the value over the date range (the date filter), against the target where there is one
        return this.kpi(labels, this.measure(ds, v.id, v.value), v.target ? this.measure(ds, v.id, v.target) : undefined);
      case 'line':
        return {
          lineChartVisual: {
            ...labels,
            chartConfiguration: {
              fieldWells: {
                lineChartAggregatedFieldWells: { category: [dim(v.x)], ...(v.series ? { colors: [dim(v.series)] } : {}), values: [this.measure(ds, v.id, v.value)] },
              },
              sortConfiguration: { categorySort: [{ fieldSort: { fieldId: `${v.id}-${v.x}`, direction: 'ASC' } }] },
            },
          },
        };
      case 'bar':
        return this.bar(v, ds, labels);
      case 'pie':
        return {
          pieChartVisual: {
            ...labels,
            chartConfiguration: { fieldWells: { pieChartAggregatedFieldWells: { category: [dim(v.category)], values: [this.measure(ds, v.id, v.value)] } } },
          },
        };
      case 'heatmap':
        return {
          heatMapVisual: {
            ...labels,
            chartConfiguration: { fieldWells: { heatMapAggregatedFieldWells: { rows: [dim(v.rows)], columns: [dim(v.columns)], values: [this.measure(ds, v.id, v.value)] } } },
          },
        };
      case 'table':
        return this.table(v, ds, labels);
    }
  }

  private bar(v: Extract<Visual, { kind: 'bar' }>, ds: DatasetDefinition, labels: VisualLabels): QsVisual {
    const where = `visual ${v.id}`;
    const levels = v.drill ?? [v.category];
    if (levels[0] !== v.category) this.fail(where, `the drill path starts at ${levels[0]}, not at the category ${v.category}`);
    const hierarchyId = v.drill ? `${v.id}-drill` : undefined;
    return {
      barChartVisual: {
        ...labels,
        ...(hierarchyId ? { columnHierarchies: [{ explicitHierarchy: { hierarchyId, columns: levels.map((c) => ({ dataSetIdentifier: ds.name, columnName: this.column(ds, c, where).name })) } }] } : {}),
        chartConfiguration: {
          orientation: 'HORIZONTAL',
          fieldWells: { barChartAggregatedFieldWells: { category: levels.map((c) => this.dimensionOf(v, ds, c, hierarchyId)), values: [this.measure(ds, v.id, v.value)] } },
          sortConfiguration: {
            categorySort: [{ fieldSort: { fieldId: `${v.id}-${v.value.id}`, direction: v.sort === 'asc' ? 'ASC' : 'DESC' } }],
            ...(v.limit ? { categoryItemsLimit: { itemsLimit: v.limit, otherCategories: 'EXCLUDE' } } : {}),
          },
        },
      },
    };
  }

  private table(v: Extract<Visual, { kind: 'table' }>, ds: DatasetDefinition, labels: VisualLabels): QsVisual {
    const where = `visual ${v.id}`;
    const sortField = v.values.some((f) => f.id === v.sort.field) || v.dimensions.includes(v.sort.field) ? `${v.id}-${v.sort.field}` : this.fail(where, `sorts on "${v.sort.field}", which is neither a dimension nor a value field`);
    return {
      tableVisual: {
        ...labels,
        chartConfiguration: {
          fieldWells: { tableAggregatedFieldWells: { groupBy: v.dimensions.map((d) => this.dimensionOf(v, ds, d)), values: v.values.map((f) => this.measure(ds, v.id, f)) } },
          sortConfiguration: {
            rowSort: [{ fieldSort: { fieldId: sortField, direction: v.sort.direction === 'asc' ? 'ASC' : 'DESC' } }],
            // the limit is the first page: the table shows the top rows and pages on to the rest
            ...(v.limit ? { paginationConfiguration: { pageNumber: 1, pageSize: v.limit } } : {}),
          },
        },
      },
    };
  }

  /** The column a filter acts on in a data set, or undefined when the data set is not filtered by it. */
  filterColumn(ds: DatasetDefinition, kind: FilterKind): string | undefined {
    const name = { date_range: ds.filterColumns.date, region: ds.filterColumns.region, store: ds.filterColumns.store }[kind];
    if (name !== undefined) this.column(ds, name, `filter ${kind}`);
    return name;
  }

  /**
   * The visuals a filter group acts on. A data set's visuals all, except that the date range leaves the KPIs that
   * compare periods alone: their fields window the rows themselves (range and comparison period), and a date filter
   * would remove the comparison period's rows before those fields see them. Undefined: no visual is left.
   */
  filterScope(kind: FilterKind, ds: DatasetDefinition): CfnAnalysis.SheetVisualScopingConfigurationProperty | undefined {
    const comparing = this.dashboard.visuals.filter((v) => v.dataset === ds.name && comparesPeriods(this.dashboard, v));
    if (kind !== 'date_range' || comparing.length === 0) return { sheetId: this.sheetId, scope: 'ALL_VISUALS' };
    const others = this.dashboard.visuals.filter((v) => v.dataset === ds.name && !comparing.includes(v)).map((v) => v.id);
    return others.length > 0 ? { sheetId: this.sheetId, scope: 'SELECTED_VISUALS', visualIds: others } : undefined;
  }

  /** One filter group per filter and data set with its column, bound to the filter's parameters, on the data set's visuals (filterScope). */
  filterGroups(): CfnAnalysis.FilterGroupProperty[] {
    return this.dashboard.filters.flatMap((kind) =>
      [...this.datasets.values()].flatMap((ds) => {
        const columnName = this.filterColumn(ds, kind);
        const scope = columnName ? this.filterScope(kind, ds) : undefined;
        if (!columnName || !scope) return [];
        const id = `${kind}-${ds.name}`;
        const column = { dataSetIdentifier: ds.name, columnName };
        const filter: CfnAnalysis.FilterProperty =
          kind === 'date_range'
            ? {
                timeRangeFilter: {
                  filterId: id,
                  column,
                  nullOption: 'NON_NULLS_ONLY',
                  includeMinimum: true,
                  includeMaximum: true,
                  rangeMinimumValue: { parameter: FILTER_PARAMETERS.date_range[0] },
                  rangeMaximumValue: { parameter: FILTER_PARAMETERS.date_range[1] },
                  timeGranularity: 'DAY',
                },
              }
            : {
                categoryFilter: {
                  filterId: id,
                  column,
                  // no value chosen ("select all"): every row
                  configuration: { customFilterConfiguration: { matchOperator: 'EQUALS', parameterName: FILTER_PARAMETERS[kind][0], nullOption: 'NON_NULLS_ONLY', selectAllOptions: 'FILTER_ALL_VALUES' } },
                },
              };
        return [
          {
            filterGroupId: id,
            crossDataset: 'SINGLE_DATASET',
            status: 'ENABLED',
            filters: [filter],
            scopeConfiguration: { selectedSheets: { sheetVisualScopingConfigurations: [scope] } },
          },
        ];
      }),
    );
  }

  /** Whether the sheet has the comparison periods' parameter and control. */
  private get offersComparisons(): boolean {
    return this.dashboard.comparisons.length > 0;
  }

  parameters(): CfnAnalysis.ParameterDeclarationProperty[] {
    const filters = this.dashboard.filters.flatMap((kind): CfnAnalysis.ParameterDeclarationProperty[] => {
      if (kind === 'date_range') {
        // the last 28 days up to today (the pipeline loads daily); both are dates, not times
        const [from, to] = FILTER_PARAMETERS.date_range;
        return [
          { dateTimeParameterDeclaration: { name: from, timeGranularity: 'DAY', defaultValues: { rollingDate: { expression: "addDateTime(-27, 'DD', truncDate('DD', now()))" } } } },
          { dateTimeParameterDeclaration: { name: to, timeGranularity: 'DAY', defaultValues: { rollingDate: { expression: "truncDate('DD', now())" } } } },
        ];
      }
      return [{ stringParameterDeclaration: { name: FILTER_PARAMETERS[kind][0], parameterValueType: 'MULTI_VALUED', valueWhenUnset: { valueWhenUnsetOption: 'NULL' } } }];
    });
    return this.offersComparisons ? [...filters, comparisonParameter(this.dashboard.comparisons)] : filters;
  }

  controls(): CfnAnalysis.ParameterControlProperty[] {
    const filters = this.dashboard.filters.flatMap((kind): CfnAnalysis.ParameterControlProperty[] => {
      if (kind === 'date_range') {
        return FILTER_PARAMETERS.date_range.map((name) => ({
          dateTimePicker: { parameterControlId: `control-${name}`, sourceParameterName: name, title: FILTER_TITLES[name], displayOptions: { dateTimeFormat: 'YYYY-MM-DD' } },
        }));
      }
      const name = FILTER_PARAMETERS[kind][0];
      // the choices are the column's values in the first data set that has it
      const source = [...this.datasets.values()].find((ds) => this.filterColumn(ds, kind) !== undefined);
      const columnName = source ? this.filterColumn(source, kind) : undefined;
      return [
        {
          dropdown: {
            parameterControlId: `control-${name}`,
            sourceParameterName: name,
            title: FILTER_TITLES[name],
            type: 'MULTI_SELECT',
            displayOptions: { selectAllOptions: { visibility: 'VISIBLE' } },
            ...(source && columnName ? { selectableValues: { linkToDataSetColumn: { dataSetIdentifier: source.name, columnName } } } : {}),
          },
        },
      ];
    });
    return this.offersComparisons ? [...filters, comparisonControl(this.dashboard.comparisons)] : filters;
  }

  sheet(): Sheet {
    // a visual's comparison KPI (if any) is a KPI too: the same grid span
    const rendered = this.dashboard.visuals.flatMap((v) => this.visual(v).map((r) => ({ ...r, span: GRID_SPAN[v.kind] })));
    return {
      sheetId: this.sheetId,
      name: this.dashboard.title,
      title: this.dashboard.title,
      description: `For ${this.dashboard.audience}`,
      contentType: 'INTERACTIVE',
      visuals: rendered.map((r) => r.visual),
      parameterControls: this.controls(),
      layouts: [{ configuration: { gridLayout: { elements: rendered.map((r) => ({ elementId: r.id, elementType: 'VISUAL', ...r.span })) } } }],
    };
  }
}

/**
 * The QuickSight `Definition` of a dashboard: its data sets declared by name (the identifier every field uses),
 * one sheet with the visuals in order (VisualId = the definition's visual id), ratios as calculated fields, money in
 * the reporting currency, and the date range, region and store filters bound to parameters with controls on the
 * sheet, applied to every data set that has the filter's column. KPIs that compare periods get a `Comparison`
 * parameter and window their rows themselves (quicksight-comparison.ts). Throws when the definition names a data set
 * or a column that is not there.
 */
export function quickSightDefinition(
  dashboard: DashboardDefinition,
  datasets: readonly DatasetDefinition[],
  dataSetArnByName: Readonly<Record<string, string>>,
  reportingCurrency: string,
): QuickSightDefinition {
  const used = new Map<string, DatasetDefinition>();
  for (const name of dashboard.datasets) {
    const ds = datasets.find((d) => d.name === name);
    if (!ds) throw new ConfigurationError(`dashboard ${dashboard.id}: no data set named ${name}`);
    if (!dataSetArnByName[name]) throw new ConfigurationError(`dashboard ${dashboard.id}: data set ${name} has no QuickSight data set`);
    used.set(name, ds);
  }
  const builder = new DefinitionBuilder(dashboard, used, reportingCurrency);
  const sheet = builder.sheet();
  return {
    dataSetIdentifierDeclarations: [...used.keys()].map((identifier) => ({ identifier, dataSetArn: dataSetArnByName[identifier] })),
    sheets: [sheet],
    calculatedFields: builder.calculatedFields,
    parameterDeclarations: builder.parameters(),
    filterGroups: builder.filterGroups(),
    analysisDefaults: { defaultNewSheetConfiguration: { interactiveLayoutConfiguration: { grid: { canvasSizeOptions: { screenCanvasSizeOptions: { resizeOption: 'RESPONSIVE' } } } }, sheetContentType: 'INTERACTIVE' } },
  };
}
