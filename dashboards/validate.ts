/**
 * What a dashboard definition must satisfy for both renderers to draw it: every name it uses resolves, and no
 * figure adds amounts of different currencies. Returns the problems found (none: the definition is sound).
 */
import { isDirectQuery, type DashboardDefinition, type DatasetDefinition, type Measure, type MeasureField, type Visual } from './definition';
import { REPORTING_CURRENCY_COLUMN } from './measures';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const NUMERIC = new Set(['integer', 'decimal']);

function measureColumns(m: Measure): { column: string; aggregation: string }[] {
  return m.kind === 'aggregate' ? [{ column: m.column, aggregation: m.aggregation }] : [...measureColumns(m.numerator), ...measureColumns(m.denominator)];
}

/** The columns a visual groups by. */
function dimensionsOf(v: Visual): string[] {
  switch (v.kind) {
    case 'kpi':
      return [];
    case 'line':
      return [v.x, ...(v.series ? [v.series] : [])];
    case 'bar':
      return [v.category, ...(v.drill ?? [])];
    case 'pie':
      return [v.category];
    case 'heatmap':
      return [v.rows, v.columns];
    case 'table':
      return v.dimensions;
  }
}

function fieldsOf(v: Visual): MeasureField[] {
  if (v.kind === 'kpi') return [v.value, ...(v.target ? [v.target] : [])];
  return v.kind === 'table' ? v.values : [v.value];
}

/** Problems of one data set on its own: names, columns, filter columns. */
export function datasetProblems(d: DatasetDefinition): string[] {
  const problems: string[] = [];
  const names = d.columns.map((c) => c.name);
  if (!SNAKE.test(d.name)) problems.push(`data set ${d.name}: the name is not snake_case`);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) problems.push(`data set ${d.name}: column ${repeated.join(', ')} twice`);
  for (const [filter, name] of Object.entries(d.filterColumns)) {
    const col = d.columns.find((c) => c.name === name);
    if (!col) problems.push(`data set ${d.name}: its ${filter} filter column ${name} is not one of its columns`);
    else if (filter === 'date' && col.type !== 'date') problems.push(`data set ${d.name}: its date filter column ${name} is not a date`);
  }
  if (!d.filterColumns.store) problems.push(`data set ${d.name}: no store column (row-level security needs one)`);
  // its visuals query it whole otherwise: the date range is what keeps a direct query to a slice of the warehouse
  if (isDirectQuery(d) && !d.filterColumns.date) problems.push(`data set ${d.name}: direct query without a date column`);
  if (d.everyStore) {
    const every = d.everyStore.columns;
    if (!isDirectQuery(d)) problems.push(`data set ${d.name}: everyStore on a data set that is copied`);
    const unknown = every.filter((c) => !names.includes(c));
    if (unknown.length > 0) problems.push(`data set ${d.name}: everyStore column ${unknown.join(', ')} is not one of its columns`);
    const perStore = [d.filterColumns.store, d.filterColumns.region].filter((c): c is string => c !== undefined && every.includes(c));
    if (perStore.length > 0) problems.push(`data set ${d.name}: everyStore has the store column ${perStore.join(', ')}`);
    if (d.filterColumns.date && !every.includes(d.filterColumns.date)) problems.push(`data set ${d.name}: everyStore without its date column`);
  }
  return problems;
}

/**
 * Problems of a dashboard against its data sets. `money` columns: a data set's `<x>_rpt` (reporting currency) and
 * `<x>` (store currency) pairs; a money field reads only `_rpt` ones in `measure` and only their `<x>` in `local`,
 * and any other figure reading money reads the `_rpt` ones (a ratio of store-currency sums across stores would mix
 * currencies).
 */
export function dashboardProblems(dashboard: DashboardDefinition, datasets: DatasetDefinition[]): string[] {
  const problems: string[] = [];
  const where = (v: Visual): string => `${dashboard.id}/${v.id}`;
  if (!KEBAB.test(dashboard.id)) problems.push(`dashboard ${dashboard.id}: the id is not kebab-case`);
  const used = new Set(dashboard.visuals.map((v) => v.dataset));
  for (const name of dashboard.datasets) {
    if (!datasets.some((d) => d.name === name)) problems.push(`dashboard ${dashboard.id}: no data set named ${name}`);
    if (!used.has(name)) problems.push(`dashboard ${dashboard.id}: data set ${name} is read by no visual`);
  }
  const ids = dashboard.visuals.map((v) => v.id);
  for (const id of ids.filter((id, i) => ids.indexOf(id) !== i)) problems.push(`dashboard ${dashboard.id}: visual id ${id} twice`);

  for (const v of dashboard.visuals) {
    if (!KEBAB.test(v.id)) problems.push(`${where(v)}: the id is not kebab-case`);
    const d = datasets.find((x) => x.name === v.dataset);
    if (!d || !dashboard.datasets.includes(v.dataset)) {
      problems.push(`${where(v)}: data set ${v.dataset} is not one of the dashboard's`);
      continue;
    }
    const column = (name: string) => d.columns.find((c) => c.name === name);
    const rpt = new Set(d.columns.filter((c) => c.name.endsWith('_rpt') && column(c.name.slice(0, -4))).map((c) => c.name));
    const local = new Set([...rpt].map((n) => n.slice(0, -4)));
    for (const name of dimensionsOf(v)) if (!column(name)) problems.push(`${where(v)}: no column ${name} in ${d.name}`);
    if (v.kind === 'line' && column(v.x) && column(v.x)?.type !== 'date') problems.push(`${where(v)}: x column ${v.x} is not a date`);
    if (v.kind === 'bar' && v.drill && v.drill[0] !== v.category) problems.push(`${where(v)}: the drill path does not start at its category ${v.category}`);
    if ((v.kind === 'bar' || v.kind === 'table') && v.limit !== undefined && !(Number.isInteger(v.limit) && v.limit > 0)) problems.push(`${where(v)}: limit ${v.limit}`);
    if (v.kind === 'table' && !v.values.some((f) => f.id === v.sort.field)) problems.push(`${where(v)}: sorts by ${v.sort.field}, none of its values`);
    if (v.kind === 'kpi' && v.comparison && dashboard.comparisons.length === 0) problems.push(`${where(v)}: compares, but the dashboard offers no comparison period`);
    if (v.kind === 'kpi' && v.target && v.target.format !== v.value.format) problems.push(`${where(v)}: target and value in different formats`);

    const fields = fieldsOf(v);
    const fieldIds = fields.map((f) => f.id);
    for (const id of fieldIds.filter((id, i) => fieldIds.indexOf(id) !== i)) problems.push(`${where(v)}: field id ${id} twice`);
    for (const f of fields) {
      const at = `${where(v)}/${f.id}`;
      const check = (m: Measure, allowed: 'rpt' | 'local' | 'any') => {
        for (const { column: name, aggregation } of measureColumns(m)) {
          const col = column(name);
          if (!col) problems.push(`${at}: no column ${name} in ${d.name}`);
          else if (!['count', 'count_distinct'].includes(aggregation) && !NUMERIC.has(col.type)) problems.push(`${at}: ${aggregation} of ${name}, a ${col.type}`);
          if (allowed === 'rpt' && local.has(name)) problems.push(`${at}: reads ${name}, in each store's currency, across stores`);
          if (allowed === 'local' && rpt.has(name)) problems.push(`${at}: its local measure reads ${name}, in the reporting currency`);
        }
      };
      if ((f.format === 'money') !== (f.money !== undefined)) problems.push(`${at}: a money field needs format 'money' and its currencies`);
      check(f.measure, 'rpt');
      if (f.money) {
        if (!column(f.money.currencyColumn)) problems.push(`${at}: no currency column ${f.money.currencyColumn} in ${d.name}`);
        if (f.money.currencyColumn !== REPORTING_CURRENCY_COLUMN) problems.push(`${at}: totals are named by ${f.money.currencyColumn}, not ${REPORTING_CURRENCY_COLUMN}`);
        if (!measureColumns(f.measure).some((c) => rpt.has(c.column))) problems.push(`${at}: a money total reads no reporting-currency amount`);
        if (f.money.local) {
          if (!column(f.money.local.currencyColumn)) problems.push(`${at}: no currency column ${f.money.local.currencyColumn} in ${d.name}`);
          check(f.money.local.measure, 'local');
        }
      }
    }
  }
  return problems;
}
