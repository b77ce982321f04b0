import type { ComparisonPeriod, DashboardDefinition } from '../../../dashboards/definition';
import { DEFAULT_RANGE_DAYS } from '../../../dashboards/definition';

/** A request the app refuses: the HTTP status and a message naming the parameter at fault. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** The filters a dashboard's data is computed for (the `filters` of the API's JSON). */
export interface DashboardFilters {
  from: string;
  to: string;
  /** null: every region */
  region: string | null;
  /** [] = every store the viewer may see */
  store: string[];
  compare: ComparisonPeriod | null;
}

/** What the viewer may choose from (the `options` of the API's JSON). */
export interface FilterOptions {
  regions: string[];
  stores: { id: string; name: string; currency: string; region: string }[];
  /** first and last date with data in the dashboard's dated data sets (null: none yet) */
  dateMin: string | null;
  dateMax: string | null;
}

/** A bar visual's drill-down position: the values chosen so far, one per drill level. */
export type DrillPaths = Record<string, string[]>;

export interface DateRange {
  from: string;
  to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `date` (YYYY-MM-DD) plus `days` (may be negative), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The period a KPI compares with: as many days just before `from`, or the range 364 days earlier (same weekdays). */
export function comparisonRange(range: DateRange, period: ComparisonPeriod): DateRange {
  if (period === 'previous_year') return { from: addDays(range.from, -364), to: addDays(range.to, -364) };
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** The comparisons a dashboard offers for a range: previous_year only where the data reaches back that far. */
export function offeredComparisons(dashboard: DashboardDefinition, range: DateRange, dateMin: string | null): ComparisonPeriod[] {
  return dashboard.comparisons.filter((c) => c !== 'previous_year' || (dateMin !== null && dateMin <= comparisonRange(range, c).to));
}

function parseDate(name: string, value: string): string {
  const time = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  const valid = !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
  if (!valid) throw new RequestError(400, `${name}: not a date (YYYY-MM-DD): "${value}"`);
  return value;
}

/** The single value of a query parameter ('' and absent are the same); a repeated one is refused. */
function single(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw new RequestError(400, `${name}: given ${all.length} times, expected once`);
  return all[0] === undefined || all[0] === '' ? undefined : all[0];
}

/**
 * The filters of a request, validated against what the viewer may see: dates, a known region, stores among
 * `options.stores` (the manager's own when there is a manager), a comparison the dashboard offers. Absent dates
 * give the default range: the last DEFAULT_RANGE_DAYS days up to the latest date with data.
 */
export function parseFilters(query: URLSearchParams, dashboard: DashboardDefinition, options: FilterOptions, today: string): DashboardFilters {
  const fromText = single(query, 'from');
  const toText = single(query, 'to');
  const to = toText !== undefined ? parseDate('to', toText) : (options.dateMax ?? today);
  const from = fromText !== undefined ? parseDate('from', fromText) : addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw new RequestError(400, `from: ${from} is after to (${to})`);

  const region = single(query, 'region') ?? null;
  if (region !== null && !options.regions.includes(region)) {
    throw new RequestError(400, `region: unknown region "${region}" (known: ${options.regions.join(', ') || 'none'})`);
  }
  const storeText = single(query, 'store');
  const store = storeText === undefined ? [] : [...new Set(storeText.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const known = new Set(options.stores.map((s) => s.id));
  const unknown = store.filter((s) => !known.has(s));
  if (unknown.length) throw new RequestError(400, `store: unknown store ${unknown.map((s) => `"${s}"`).join(', ')}`);

  const compareText = single(query, 'compare');
  let compare: ComparisonPeriod | null = null;
  if (compareText !== undefined) {
    const offered: string[] = dashboard.comparisons;
    if (!offered.includes(compareText)) {
      throw new RequestError(400, `compare: "${compareText}" is not offered by ${dashboard.id} (offered: ${dashboard.comparisons.join(', ') || 'none'})`);
    }
    compare = compareText as ComparisonPeriod;
  }
  return { from, to, region, store: store.sort(), compare };
}

/** `drill.<visual id>` parameters (repeated: one value per level), checked against the dashboard's drillable bars. */
export function parseDrill(query: URLSearchParams, dashboard: DashboardDefinition): DrillPaths {
  const out: DrillPaths = {};
  for (const name of new Set(query.keys())) {
    if (!name.startsWith('drill.')) continue;
    const id = name.slice('drill.'.length);
    const visual = dashboard.visuals.find((v) => v.id === id);
    if (!visual || visual.kind !== 'bar' || !visual.drill) throw new RequestError(400, `${name}: ${dashboard.id} has no drillable bar chart "${id}"`);
    const path = query.getAll(name);
    if (path.length >= visual.drill.length) throw new RequestError(400, `${name}: ${path.length} values, the drill path has ${visual.drill.length - 1} levels below the top`);
    out[id] = path;
  }
  return out;
}
