/**
 * The dashboard definition: data sets (SQL over the warehouse, Redshift's dialect), visuals, filters and comparison
 * periods. Two renderers read it: infra/ builds QuickSight Analyses and Dashboards from it, and the local web app
 * (`retail-lake dashboard`) draws the same visuals. Nothing here knows either renderer.
 */

export type ColumnType = 'date' | 'string' | 'integer' | 'decimal';

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  label: string;
}

/** Rows for the visuals: they aggregate over the rows left after the filters, so a data set returns rows at a small
 * grain (store x date, store x SKU), not the totals a visual shows. */
export interface DatasetDefinition {
  /** snake_case, unique */
  name: string;
  title: string;
  description: string;
  /** Redshift dialect, over the warehouse's tables and views */
  sql: string;
  columns: DatasetColumn[];
  /**
   * The columns the dashboard filters act on; a data set without one is not filtered by it. `store` is also the
   * row-level-security column (QuickSight's RowLevelPermissionDataSet in the cloud, `--manager` locally).
   */
  filterColumns: { date?: string; region?: string; store?: string };
  /**
   * How the dashboards read the rows. `import` (the default): copied once per warehouse version and aggregated
   * from the copy (QuickSight SPICE, refreshed after each run; the local app's snapshot). `direct_query`: nothing is
   * copied; each visual's query runs over the data set's SQL on the warehouse with the page's filters and the
   * row-level security in its WHERE clause, for the warehouse to push down (QuickSight DIRECT_QUERY). For a data set
   * too fine-grained to copy on every refresh (millions of rows) whose visuals read a filtered slice of it.
   */
  queryMode?: DatasetQueryMode;
  /**
   * Direct query only: the data set's rows summed over every store, from a table kept at load (fewer rows than the
   * data set's), with `columns` (some of the data set's: neither the store nor the region ones). A visual whose
   * filters keep every store (no store or region chosen, no row-level restriction) and that reads only these
   * columns gets the same answer from it; the local app reads it then. QuickSight reads the data set's `sql`.
   */
  everyStore?: { sql: string; columns: string[] };
}

export type DatasetQueryMode = 'import' | 'direct_query';

/** Whether the dashboards query the data set's SQL on the warehouse for every visual instead of a copy. */
export const isDirectQuery = (dataset: Pick<DatasetDefinition, 'queryMode'>): boolean => dataset.queryMode === 'direct_query';

export type Aggregation = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'count_distinct';

/** A value over the filtered rows: an aggregate of a column, or a ratio of two (margin % = sum(margin) / sum(revenue)). */
export type Measure = { kind: 'aggregate'; column: string; aggregation: Aggregation } | { kind: 'ratio'; numerator: Measure; denominator: Measure };

export type ValueFormat = 'money' | 'integer' | 'decimal' | 'percent';

export interface MeasureField {
  /** unique in its visual */
  id: string;
  label: string;
  /** for money, over the reporting-currency columns */
  measure: Measure;
  format: ValueFormat;
  /**
   * Money only. Totals use `measure`, in the currency the data set's `currencyColumn` names (the reporting
   * currency); `local` is the same figure over the store-currency columns, shown when the rows are one store's.
   */
  money?: { currencyColumn: string; local?: { measure: Measure; currencyColumn: string } };
}

interface VisualBase {
  /** unique in its dashboard; QuickSight's VisualId */
  id: string;
  title: string;
  subtitle?: string;
  /** the data set the visual reads */
  dataset: string;
}

export type Visual =
  | (VisualBase & { kind: 'kpi'; value: MeasureField; target?: MeasureField; comparison: boolean })
  | (VisualBase & { kind: 'line'; x: string; series?: string; value: MeasureField })
  | (VisualBase & {
      kind: 'bar';
      category: string;
      value: MeasureField;
      sort: 'asc' | 'desc';
      limit?: number;
      /** drill-down path: `category` is drill[0]; choosing a bar goes one level down, filtered to its value */
      drill?: string[];
    })
  | (VisualBase & { kind: 'pie'; category: string; value: MeasureField })
  | (VisualBase & { kind: 'heatmap'; rows: string; columns: string; value: MeasureField })
  | (VisualBase & { kind: 'table'; dimensions: string[]; values: MeasureField[]; sort: { field: string; direction: 'asc' | 'desc' }; limit?: number });

export type VisualKind = Visual['kind'];

export type FilterKind = 'date_range' | 'region' | 'store';

/**
 * `previous_period`: as many days as the range, just before it (a 7-day range compares week on week);
 * `previous_year`: the range 364 days earlier (the same weekdays), where history allows.
 */
export type ComparisonPeriod = 'previous_period' | 'previous_year';

export interface DashboardDefinition {
  /** kebab-case */
  id: string;
  title: string;
  /** who it is for */
  audience: string;
  /** the data sets its visuals read */
  datasets: string[];
  filters: FilterKind[];
  /** the KPI comparison periods offered */
  comparisons: ComparisonPeriod[];
  /** in page order */
  visuals: Visual[];
}

/** Days in the default date range: the last 28 days that have data. */
export const DEFAULT_RANGE_DAYS = 28;
