import { stat } from 'node:fs/promises';
import { isDirectQuery, type ComparisonPeriod, type DashboardDefinition, type DatasetDefinition, type Visual } from '../../../dashboards/definition';
import { DatasetSnapshot } from './dataset-snapshot';
import { offeredComparisons, parseDrill, parseFilters, RequestError, type DashboardFilters, type FilterOptions } from './filters';
import { DefinitionError, visualQuery, whereSql, type QueryScope, type VisualData, type VisualQuery } from './visual-query';

/** The API's JSON for one dashboard and one set of filters. */
export interface DashboardResponse {
  dashboard: string;
  filters: DashboardFilters;
  options: FilterOptions & { comparisons: ComparisonPeriod[] };
  /** per drillable bar visual, the values chosen so far (`drill.<visual id>` parameters) */
  drill: Record<string, string[]>;
  visuals: Record<string, VisualData>;
}

export interface DashboardDataOptions {
  dashboards: DashboardDefinition[];
  datasets: DatasetDefinition[];
  /** the warehouse file, read through the snapshot; its modification time invalidates the snapshot and the cache */
  warehouseFile: string;
  snapshot: DatasetSnapshot;
  /** the manager's stores (`--manager`): the only stores listed, and every data set with a store column limited to them */
  managerStores?: string[];
  /** YYYY-MM-DD, the default range's end when the warehouse has no dated rows yet */
  today?: () => string;
  /** responses kept (oldest dropped first) */
  cacheSize?: number;
}

/** The stores the filters offer (not a dashboard data set: the snapshot copies it beside them). */
const STORE_LIST: DatasetDefinition = {
  name: 'app_store_list',
  title: 'Stores',
  description: 'The stores of the store filter, with their currency.',
  sql: `SELECT s.store_id, s.store_name, COALESCE(s.region, '') AS region,
  COALESCE(s.currency, (SELECT MIN(currency) FROM dim_reporting_currency)) AS currency
FROM dim_store s`,
  columns: [],
  filterColumns: {},
};

/**
 * The dashboards' data on demand: filter options (stores, regions, dates with data), then every visual's query
 * over the snapshot of its data set (a direct-query data set: over its SQL on the warehouse, the same filters in
 * the query's WHERE clause). Responses are cached by (dashboard, filters, drill) until the warehouse
 * file changes.
 */
export class DashboardData {
  private readonly cache = new Map<string, DashboardResponse>();
  private readonly optionsCache = new Map<string, FilterOptions>();
  private mtime: number | undefined;

  constructor(private readonly opts: DashboardDataOptions) {}

  dashboard(id: string): DashboardDefinition {
    const found = this.opts.dashboards.find((d) => d.id === id);
    if (!found) throw new RequestError(404, `dashboard: no dashboard "${id}" (there are: ${this.opts.dashboards.map((d) => d.id).join(', ')})`);
    return found;
  }

  private dataset(name: string): DatasetDefinition {
    const found = this.opts.datasets.find((d) => d.name === name);
    if (!found) throw new Error(`no dashboard data set named ${name}`);
    return found;
  }

  /** The response for a dashboard id and the request's query string (validated: RequestError on a bad one). */
  async response(id: string, query: URLSearchParams): Promise<DashboardResponse> {
    const dashboard = this.dashboard(id);
    await this.dropCacheIfChanged();
    const options = await this.options(dashboard);
    const filters = parseFilters(query, dashboard, options, (this.opts.today ?? (() => new Date().toISOString().slice(0, 10)))());
    const drill = parseDrill(query, dashboard);
    const key = JSON.stringify([id, filters, drill]);
    const cached = this.cache.get(key);
    if (cached) return cached;

    const scope = { range: { from: filters.from, to: filters.to }, region: filters.region, stores: filters.store.length ? filters.store : (this.opts.managerStores ?? null), compare: filters.compare, drill };
    const datasets = dashboard.visuals.map((v) => this.dataset(v.dataset));
    const queries = dashboard.visuals.map((v, i) => this.visualQuery(v, datasets[i], scope));
    const results = await this.opts.snapshot.queryEach(datasets, queries.flatMap((q) => q.sql));
    const visuals: Record<string, VisualData> = {};
    let at = 0;
    dashboard.visuals.forEach((v, i) => {
      const n = queries[i].sql.length;
      visuals[v.id] = queries[i].shape(results.slice(at, at + n));
      at += n;
    });
    const response: DashboardResponse = { dashboard: id, filters, options: { ...options, comparisons: offeredComparisons(dashboard, filters, options.dateMin) }, drill, visuals };
    this.cache.set(key, response);
    if (this.cache.size > (this.opts.cacheSize ?? 200)) this.cache.delete(this.cache.keys().next().value as string);
    return response;
  }

  /**
   * A visual's queries. Over every store (no store or region chosen, no manager's restriction), a direct-query data
   * set with `everyStore` SQL is read from that (the same rows summed over the stores, from a table kept at load)
   * when the visual reads only its columns; otherwise from the data set.
   */
  private visualQuery(visual: Visual, dataset: DatasetDefinition, scope: Omit<QueryScope, 'relation'>): VisualQuery {
    const every = dataset.everyStore;
    if (every && isDirectQuery(dataset) && scope.stores === null && scope.region === null) {
      const summed: DatasetDefinition = { ...dataset, columns: dataset.columns.filter((c) => every.columns.includes(c.name)), filterColumns: { date: dataset.filterColumns.date } };
      try {
        return visualQuery(visual, summed, { ...scope, relation: this.opts.snapshot.everyStoreSource(dataset) });
      } catch (err) {
        // the visual reads a column the summed rows lack (a store's): the data set's rows answer it
        if (!(err instanceof DefinitionError)) throw err;
      }
    }
    return visualQuery(visual, dataset, { ...scope, relation: this.opts.snapshot.source(dataset) });
  }

  /** Copies every dashboard's data sets (direct-query ones have nothing to copy) and reads the filter options now, so the first page opens fast. */
  async warm(): Promise<void> {
    await this.dropCacheIfChanged();
    for (const d of this.opts.dashboards) await this.options(d);
    const imported = this.opts.dashboards.flatMap((d) => d.datasets.map((n) => this.dataset(n))).filter((d) => !isDirectQuery(d));
    await this.opts.snapshot.queryEach(imported, []);
  }

  private async dropCacheIfChanged(): Promise<void> {
    // a write not yet checkpointed into the file is in its write-ahead log
    const wal = await stat(`${this.opts.warehouseFile}.wal`).then((s) => s.mtimeMs, () => 0);
    const mtime = Math.max((await stat(this.opts.warehouseFile)).mtimeMs, wal);
    if (mtime !== this.mtime) {
      this.cache.clear();
      this.optionsCache.clear();
      this.opts.snapshot.invalidate();
      this.mtime = mtime;
    }
  }

  /** The stores and regions the viewer may choose from, and the dates the dashboard's dated data sets cover. */
  private async options(dashboard: DashboardDefinition): Promise<FilterOptions> {
    const cached = this.optionsCache.get(dashboard.id);
    if (cached) return cached;
    const manager = this.opts.managerStores ? new Set(this.opts.managerStores) : null;
    const allDated = dashboard.datasets.map((n) => this.dataset(n)).filter((d) => d.filterColumns.date);
    // a direct-query data set's span costs a pass over its whole SQL: left to the copied data sets when there are
    // some (a fine-grained data set's dates are those of its coarser siblings: store-performance's SKU rows and
    // category rows come from the same fact_sales dates)
    const copied = allDated.filter((d) => !isDirectQuery(d));
    const dated = copied.length ? copied : allDated;
    const everything = { from: '0001-01-01', to: '9999-12-31' };
    const spanSql = dated.map((d) => {
      const date = `d."${(d.filterColumns.date as string).replace(/"/g, '""')}"`;
      const where = whereSql(d, { region: null, stores: this.opts.managerStores ?? null }, everything);
      return `SELECT CAST(MIN(${date}) AS VARCHAR) AS date_min, CAST(MAX(${date}) AS VARCHAR) AS date_max FROM ${this.opts.snapshot.source(d)} d\n${where}`;
    });
    const [stores, ...spans] = await this.opts.snapshot.queryEach([STORE_LIST, ...dated], [`SELECT * FROM ${DatasetSnapshot.relation(STORE_LIST)} ORDER BY store_id`, ...spanSql]);
    const visible = stores
      .map((r) => ({ id: String(r.store_id), name: String(r.store_name), currency: String(r.currency), region: String(r.region) }))
      .filter((s) => manager === null || manager.has(s.id));
    const mins = spans.map((r) => r[0]?.date_min).filter((v): v is string => typeof v === 'string');
    const maxes = spans.map((r) => r[0]?.date_max).filter((v): v is string => typeof v === 'string');
    const options: FilterOptions = {
      regions: [...new Set(visible.map((s) => s.region).filter((r) => r !== ''))].sort(),
      stores: visible,
      dateMin: mins.length ? mins.sort()[0] : null,
      dateMax: maxes.length ? maxes.sort()[maxes.length - 1] : null,
    };
    this.optionsCache.set(dashboard.id, options);
    return options;
  }
}
