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

  /** The calculated-field expression of a measure: `sum({net_revenue_rpt})`, a ratio `sum({a}) / sum({b})`. */
  expression(ds: DatasetDefinition, m: Measure, where: string): string {
    if (m.kind === 'aggregate') {
      this.column(ds, m.column, where);
      return `${EXPRESSION_AGGREGATION[m.aggregation]}({${m.column}})`;
    }
    const denominator = this.expression(ds, m.denominator, where);
    // no value rather than an error where the denominator is 0 (a day without sales)
    return `ifelse(${denominator} = 0, NULL, ${this.expression(ds, m.numerator, where)} / ${denominator})`;
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

  visual(v: Visual): QsVisual {
    if (!QUICKSIGHT_ID.test(v.id)) this.fail(`visual ${v.id}`, 'a QuickSight visual id has letters, digits, _ and - only');
    const where = `visual ${v.id}`;
    const ds = this.dataset(v.dataset, where);
    const labels: VisualLabels = {
      visualId: v.id,
      title: { visibility: 'VISIBLE', formatText: { plainText: v.title } },
      ...(v.subtitle ? { subtitle: { visibility: 'VISIBLE', formatText: { plainText: v.subtitle } } } : {}),
    };
    const dim = (column: string): Dimension => this.dimensionOf(v, ds, column);
    switch (v.kind) {
      case 'kpi': {
        // the value over the date range, compared with the target where there is one. QuickSight's KPI compares
        // periods only through a trend group, which would make the value the last period's instead of the range's:
        // the comparison periods (previous period, previous year) are the local app's for now.
        const target = v.target ? this.measure(ds, v.id, v.target) : undefined;
        return {
          kpiVisual: {
            ...labels,
            chartConfiguration: {
              fieldWells: { values: [this.measure(ds, v.id, v.value)], ...(target ? { targetValues: [target] } : {}) },
              ...(target ? { kpiOptions: { comparison: { comparisonMethod: 'PERCENT_DIFFERENCE' }, primaryValueDisplayType: 'ACTUAL' } } : {}),
            },
          },
        };
      }
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

  /** One filter group per filter and data set with its column, bound to the filter's parameters, on the whole sheet. */
  filterGroups(): CfnAnalysis.FilterGroupProperty[] {
    return this.dashboard.filters.flatMap((kind) =>
      [...this.datasets.values()].flatMap((ds) => {
        const columnName = this.filterColumn(ds, kind);
        if (!columnName) return [];
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
            scopeConfiguration: { selectedSheets: { sheetVisualScopingConfigurations: [{ sheetId: this.sheetId, scope: 'ALL_VISUALS' }] } },
          },
        ];
      }),
    );
  }

  parameters(): CfnAnalysis.ParameterDeclarationProperty[] {
    return this.dashboard.filters.flatMap((kind): CfnAnalysis.ParameterDeclarationProperty[] => {
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
  }

  controls(): CfnAnalysis.ParameterControlProperty[] {
    return this.dashboard.filters.flatMap((kind): CfnAnalysis.ParameterControlProperty[] => {
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
  }

  sheet(): Sheet {
    const visuals = this.dashboard.visuals.map((v) => this.visual(v));
    return {
      sheetId: this.sheetId,
      name: this.dashboard.title,
      title: this.dashboard.title,
      description: `For ${this.dashboard.audience}`,
      contentType: 'INTERACTIVE',
      visuals,
      parameterControls: this.controls(),
      layouts: [{ configuration: { gridLayout: { elements: this.dashboard.visuals.map((v) => ({ elementId: v.id, elementType: 'VISUAL', ...GRID_SPAN[v.kind] })) } } }],
    };
  }
}

/**
 * The QuickSight `Definition` of a dashboard: its data sets declared by name (the identifier every field uses),
 * one sheet with the visuals in order (VisualId = the definition's visual id), ratios as calculated fields, money in
 * the reporting currency, and the date range, region and store filters bound to parameters with controls on the
 * sheet, applied to every data set that has the filter's column. Throws when the definition names a data set or a
 * column that is not there.
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
