import type { DatasetDefinition } from '../../../dashboards/definition';
import type { ComparisonPeriod, Measure, MeasureField, ValueFormat, Visual } from '../../../dashboards/definition';
import { sqlString } from '../../../functions/lib/duckdb/duckdb-rows';
import type { Row } from '../../../functions/lib/ports';
import { comparisonRange, type DateRange } from './filters';

/**
 * A visual of a dashboard definition as SQL over its data set, and the query's rows as the JSON the page draws:
 * `SELECT <dimensions>, <aggregates> FROM (<data set SQL>) d WHERE <filters> GROUP BY <dimensions>`. The SQL is
 * Redshift's dialect (the warehouse translates it). Column names come from the definition and must be columns of
 * the data set; every value a request brings (dates, region, stores, drill values) is a quoted literal.
 */

/** The rows a visual aggregates: the date range, region and stores (null: not restricted), drill-down values. */
export interface QueryScope {
  /** what the data set's rows are read from: its copy, or its SQL as a subquery (DatasetSnapshot.source) */
  relation: string;
  range: DateRange;
  region: string | null;
  /** the stores shown: the store filter, else the manager's stores; null = every store */
  stores: string[] | null;
  compare: ComparisonPeriod | null;
  /** per drillable bar visual, the values chosen so far */
  drill?: Record<string, string[]>;
}

/** A number with its currency (money only; null when there is no value to name one for). */
export interface Figure {
  value: number | null;
  currency: string | null;
}

export type VisualData =
  | { kind: 'kpi'; format: ValueFormat; value: Figure; target: Figure | null; comparison: (Figure & { period: ComparisonPeriod } & DateRange) | null; change: number | null }
  | { kind: 'line'; format: ValueFormat; currency: string | null; x: string[]; series: { key: string; values: (number | null)[] }[] }
  | { kind: 'bar' | 'pie'; format: ValueFormat; currency: string | null; items: { key: string; value: number | null }[]; drill: { columns: string[]; path: string[] } | null }
  | { kind: 'heatmap'; format: ValueFormat; currency: string | null; rows: string[]; columns: string[]; cells: (number | null)[][] }
  | {
      kind: 'table';
      columns: { id: string; label: string; format: ValueFormat | null }[];
      rows: { key: string; cells: Record<string, Figure | { value: string | null; currency: null }> }[];
    };

/** The SQL a visual needs (one statement each) and how their rows become its data. */
export interface VisualQuery {
  sql: string[];
  shape(results: Row[][]): VisualData;
}

/** A definition that cannot be queried (a column its data set lacks): the definition's fault, not the request's. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const asDate = (date: string): string => `CAST(${sqlString(date)} AS DATE)`;
const asDouble = (sql: string): string => `CAST(${sql} AS DOUBLE PRECISION)`;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** `d."<column>"`, for a column the data set has. */
function column(dataset: DatasetDefinition, name: string): string {
  if (!dataset.columns.some((c) => c.name === name)) throw new DefinitionError(`data set ${dataset.name} has no column ${name}`);
  return `d.${quoteIdent(name)}`;
}

/** An aggregate in SQL; a ratio is NULL when its denominator is 0. Every result is a double (JSON numbers). */
export function measureSql(measure: Measure, dataset: DatasetDefinition): string {
  if (measure.kind === 'ratio') {
    return `(${measureSql(measure.numerator, dataset)} / NULLIF(${measureSql(measure.denominator, dataset)}, 0))`;
  }
  const c = column(dataset, measure.column);
  switch (measure.aggregation) {
    case 'sum':
      return asDouble(`SUM(${c})`);
    // Redshift's AVG of integers is an integer: average the doubles
    case 'avg':
      return `AVG(${asDouble(c)})`;
    case 'min':
      return asDouble(`MIN(${c})`);
    case 'max':
      return asDouble(`MAX(${c})`);
    case 'count':
      return asDouble(`COUNT(${c})`);
    case 'count_distinct':
      return asDouble(`COUNT(DISTINCT ${c})`);
  }
}

/** The rows shown are one store's: money then reads the store's own currency (the field's `money.local`). */
const oneStore = (scope: QueryScope): boolean => scope.stores !== null && scope.stores.length === 1;

/** A field's value and (money only) currency expressions, in the currency the scope calls for. */
function fieldSql(field: MeasureField, dataset: DatasetDefinition, scope: QueryScope): { value: string; currency: string } {
  const local = oneStore(scope) ? field.money?.local : undefined;
  const measure = local?.measure ?? field.measure;
  const currencyColumn = local?.currencyColumn ?? field.money?.currencyColumn;
  return { value: measureSql(measure, dataset), currency: currencyColumn ? `MIN(${column(dataset, currencyColumn)})` : 'NULL' };
}

/** The WHERE clause of a visual's query: the filters its data set has columns for, the drill values chosen. */
export function whereSql(dataset: DatasetDefinition, scope: Pick<QueryScope, 'region' | 'stores'>, range: DateRange, drill: { column: string; value: string }[] = []): string {
  const f = dataset.filterColumns;
  const conditions: string[] = [];
  if (f.date) conditions.push(`${column(dataset, f.date)} BETWEEN ${asDate(range.from)} AND ${asDate(range.to)}`);
  if (f.region && scope.region !== null) conditions.push(`${column(dataset, f.region)} = ${sqlString(scope.region)}`);
  if (f.store && scope.stores !== null) conditions.push(`${column(dataset, f.store)} IN (${scope.stores.map(sqlString).join(', ') || 'NULL'})`);
  for (const d of drill) conditions.push(`CAST(${column(dataset, d.column)} AS VARCHAR) = ${sqlString(d.value)}`);
  return conditions.length ? `WHERE ${conditions.join('\n  AND ')}` : '';
}


function aggregateSql(dataset: DatasetDefinition, scope: QueryScope, dims: string[], values: { value: string; currency: string }[], tail = '', range = scope.range, drill: { column: string; value: string }[] = []): string {
  const select = [
    ...dims.map((dim, i) => `CAST(${column(dataset, dim)} AS VARCHAR) AS k${i}`),
    ...values.flatMap((v, i) => [`${v.value} AS v${i}`, `${v.currency} AS c${i}`]),
  ];
  const groupBy = dims.length ? `\nGROUP BY ${dims.map((dim) => column(dataset, dim)).join(', ')}` : '';
  return `SELECT ${select.join(', ')}\nFROM ${scope.relation} d\n${whereSql(dataset, scope, range, drill)}${groupBy}${tail}`;
}

const figure = (row: Row | undefined, i: number): Figure => ({ value: num(row?.[`v${i}`]), currency: row?.[`c${i}`] == null ? null : String(row[`c${i}`]) });
/** A chart's one currency: all its rows are converted, or all are the one store's. */
const chartCurrency = (rows: Row[]): string | null => figure(rows.find((r) => r.c0 != null), 0).currency;
const orderKeys = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}`).join(', ');

type VisualOf<K extends Visual['kind']> = Visual & { kind: K };

function kpiQuery(visual: VisualOf<'kpi'>, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  const fields = [visual.value, ...(visual.target ? [visual.target] : [])].map((f) => fieldSql(f, dataset, scope));
  const compared = visual.comparison && scope.compare !== null ? { period: scope.compare, ...comparisonRange(scope.range, scope.compare) } : null;
  const sql = [aggregateSql(dataset, scope, [], fields)];
  if (compared) sql.push(aggregateSql(dataset, scope, [], fields.slice(0, 1), '', compared));
  return {
    sql,
    shape: ([rows, previous]) => {
      const value = figure(rows[0], 0);
      const comparison = compared ? { ...figure(previous?.[0], 0), ...compared } : null;
      const change = comparison?.value && value.value !== null ? (value.value - comparison.value) / comparison.value : null;
      return { kind: 'kpi', format: visual.value.format, value, target: visual.target ? figure(rows[0], 1) : null, comparison, change };
    },
  };
}

function lineQuery(visual: VisualOf<'line'>, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  const dims = visual.series ? [visual.x, visual.series] : [visual.x];
  return {
    sql: [aggregateSql(dataset, scope, dims, [fieldSql(visual.value, dataset, scope)], `\nORDER BY ${orderKeys(dims.length)}`)],
    shape: ([rows]) => {
      const x = [...new Set(rows.map((r) => text(r.k0)))].sort();
      const keys = [...new Set(rows.map((r) => text(r.k1)))].sort();
      const at = new Map(rows.map((r) => [`${text(r.k1)}\u0000${text(r.k0)}`, num(r.v0)]));
      return {
        kind: 'line',
        format: visual.value.format,
        currency: chartCurrency(rows),
        x,
        series: keys.map((key) => ({ key, values: x.map((d) => at.get(`${key}\u0000${d}`) ?? null) })),
      };
    },
  };
}

/** Bars and pies: one value per category; a drillable bar groups by the drill level reached, filtered to the values chosen above it. */
function categoryQuery(visual: VisualOf<'bar' | 'pie'>, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  const drillColumns = visual.kind === 'bar' && visual.drill ? visual.drill : null;
  const path = drillColumns ? (scope.drill?.[visual.id] ?? []) : [];
  const category = drillColumns ? drillColumns[path.length] : visual.category;
  const chosen = path.map((value, i) => ({ column: (drillColumns as string[])[i], value }));
  const direction = visual.kind === 'bar' && visual.sort === 'asc' ? 'ASC' : 'DESC';
  const limit = visual.kind === 'bar' && visual.limit ? `\nLIMIT ${Math.floor(visual.limit)}` : '';
  return {
    sql: [aggregateSql(dataset, scope, [category], [fieldSql(visual.value, dataset, scope)], `\nORDER BY v0 ${direction} NULLS LAST, k0${limit}`, scope.range, chosen)],
    shape: ([rows]) => ({
      kind: visual.kind,
      format: visual.value.format,
      currency: chartCurrency(rows),
      items: rows.map((r) => ({ key: text(r.k0), value: num(r.v0) })),
      drill: drillColumns ? { columns: drillColumns, path } : null,
    }),
  };
}

function heatmapQuery(visual: VisualOf<'heatmap'>, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  return {
    sql: [aggregateSql(dataset, scope, [visual.rows, visual.columns], [fieldSql(visual.value, dataset, scope)], '\nORDER BY k0, k1')],
    shape: ([rows]) => {
      const rowKeys = [...new Set(rows.map((r) => text(r.k0)))].sort();
      const columnKeys = [...new Set(rows.map((r) => text(r.k1)))].sort();
      const at = new Map(rows.map((r) => [`${text(r.k0)}\u0000${text(r.k1)}`, num(r.v0)]));
      return {
        kind: 'heatmap',
        format: visual.value.format,
        currency: chartCurrency(rows),
        rows: rowKeys,
        columns: columnKeys,
        cells: rowKeys.map((rk) => columnKeys.map((ck) => at.get(`${rk}\u0000${ck}`) ?? null)),
      };
    },
  };
}

function tableQuery(visual: VisualOf<'table'>, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  const dims = visual.dimensions;
  const byValue = visual.values.findIndex((v) => v.id === visual.sort.field);
  const byDim = dims.indexOf(visual.sort.field);
  if (byValue < 0 && byDim < 0) throw new DefinitionError(`table ${visual.id} sorts by ${visual.sort.field}, neither a dimension nor a value field`);
  const sortKey = byValue >= 0 ? `v${byValue}` : `k${byDim}`;
  const order = `\nORDER BY ${sortKey} ${visual.sort.direction.toUpperCase()} NULLS LAST${dims.length ? `, ${orderKeys(dims.length)}` : ''}`;
  const limit = visual.limit ? `\nLIMIT ${Math.floor(visual.limit)}` : '';
  const label = (name: string): string => dataset.columns.find((c) => c.name === name)?.label ?? name;
  return {
    sql: [aggregateSql(dataset, scope, dims, visual.values.map((f) => fieldSql(f, dataset, scope)), order + limit)],
    shape: ([rows]) => ({
      kind: 'table',
      columns: [...dims.map((d) => ({ id: d, label: label(d), format: null })), ...visual.values.map((v) => ({ id: v.id, label: v.label, format: v.format }))],
      rows: rows.map((r) => ({
        key: dims.map((_, i) => text(r[`k${i}`])).join('|'),
        cells: Object.fromEntries([
          ...dims.map((d, i) => [d, { value: r[`k${i}`] == null ? null : text(r[`k${i}`]), currency: null }] as const),
          ...visual.values.map((v, i) => [v.id, figure(r, i)] as const),
        ]),
      })),
    }),
  };
}

/** The queries of one visual for a scope, and the shaping of their rows. */
export function visualQuery(visual: Visual, dataset: DatasetDefinition, scope: QueryScope): VisualQuery {
  switch (visual.kind) {
    case 'kpi':
      return kpiQuery(visual, dataset, scope);
    case 'line':
      return lineQuery(visual, dataset, scope);
    case 'bar':
    case 'pie':
      return categoryQuery(visual, dataset, scope);
    case 'heatmap':
      return heatmapQuery(visual, dataset, scope);
    case 'table':
      return tableQuery(visual, dataset, scope);
  }
}
