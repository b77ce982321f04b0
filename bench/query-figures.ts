/**
 * `node --import tsx bench/query-figures.ts <lake> [--repeats N] [--only a,b]`: the query figures of a built lake
 * (issue 12: median <= 1 s, worst <= 3 s at a month of 1M sale lines a day), each timed N times (default 5):
 * - every analyst named query (sql/athena/queries/, default parameters) over the curated Parquet, as
 *   `retail-lake query --named` runs it (the local Athena);
 * - every dashboard data set's SQL over the warehouse file, as the dashboard app copies it into its snapshot
 *   (a QuickSight SPICE refresh runs the same SQL on Redshift); a direct-query data set is never copied: what is
 *   timed instead is what answers it, the queries of the visuals that read it (over its SQL on the warehouse, as
 *   `retail-lake dashboard` runs them and QuickSight DIRECT_QUERY sends them to Redshift), with the default filters
 *   and with one store chosen;
 * - every dashboard's page data with the default filters (all its visual queries over the snapshot), as
 *   `retail-lake dashboard` answers `GET /api/d/<id>`.
 * Prints a Markdown table (and JSON with --json). It measures; it asserts nothing.
 */
import '../local/polyfills';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DASHBOARDS, DATASETS } from '../dashboards';
import { isDirectQuery, type DashboardDefinition, type DatasetDefinition } from '../dashboards/definition';
import { readNamedQueries, renderNamedQuery, withDateDefaultsAnswered } from '../functions/lib/athena/named-queries';
import { DashboardData } from '../local/dashboards/app/dashboard-data';
import { DatasetSnapshot } from '../local/dashboards/app/dataset-snapshot';
import { CuratedQueryEngine } from '../local/engine/curated-engine';
import { localSettings, warehousePath } from '../local/local-runtime';
import { median } from './analyst-queries';

export interface QueryFigure {
  kind: 'named query' | 'data set' | 'direct-query visuals' | 'dashboard page';
  name: string;
  rows: number | null;
  medianMs: number;
  worstMs: number;
  /** the process's CPU time (DuckDB's threads included), median: the figure least moved by other load */
  cpuMedianMs: number;
}

interface Timing {
  rows: number | null;
  times: number[];
  cpu: number[];
}

async function timed(repeats: number, work: () => Promise<number | null>): Promise<Timing> {
  const t: Timing = { rows: null, times: [], cpu: [] };
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    const c = process.cpuUsage();
    t.rows = await work();
    const used = process.cpuUsage(c);
    t.times.push(performance.now() - s);
    t.cpu.push((used.user + used.system) / 1000);
  }
  return t;
}

function figure(kind: QueryFigure['kind'], name: string, t: Timing): QueryFigure {
  const f = { kind, name, rows: t.rows, medianMs: Math.round(median(t.times)), worstMs: Math.round(Math.max(...t.times)), cpuMedianMs: Math.round(median(t.cpu)) };
  // as it goes: a long run shows its figures before it ends
  process.stderr.write(`${kind} ${name}: median ${f.medianMs} ms, worst ${f.worstMs} ms, CPU ${f.cpuMedianMs} ms\n`);
  return f;
}

export async function queryFigures(lakeRoot: string, repeats: number, only?: (name: string) => boolean): Promise<QueryFigure[]> {
  const root = resolve(lakeRoot);
  const settings = localSettings(root);
  const wanted = only ?? (() => true);
  const out: QueryFigure[] = [];

  const engine = await CuratedQueryEngine.openReadOnly(root, settings);
  try {
    for (const q of readNamedQueries().filter((n) => wanted(n.name))) {
      // as `query --named` runs it: the date defaults answered first, then the query
      out.push(figure('named query', q.name, await timed(repeats, async () => (await engine.query(renderNamedQuery(q, await withDateDefaultsAnswered(q, {}, engine)))).length)));
    }
  } finally {
    engine.close();
  }

  for (const d of DATASETS.filter((n) => wanted(n.name))) {
    if (isDirectQuery(d)) {
      out.push(...(await directQueryFigures(root, settings, d, repeats)));
      continue;
    }
    // a fresh snapshot each time: the copy (the data set's SQL over the warehouse file) is what is timed
    const t = await timed(repeats, async () => {
      const snapshot = new DatasetSnapshot({ lakeRoot: root, warehouseFile: warehousePath(root), duckdb: settings });
      try {
        const [[count]] = await snapshot.queryEach([d], [`SELECT COUNT(*) AS n FROM ${DatasetSnapshot.relation(d)}`]);
        return Number(count.n);
      } finally {
        snapshot.close();
      }
    });
    out.push(figure('data set', d.name, t));
  }

  const dashboards = DASHBOARDS.filter((n) => wanted(n.id));
  if (dashboards.length === 0) return out;
  const snapshot = new DatasetSnapshot({ lakeRoot: root, warehouseFile: warehousePath(root), duckdb: settings });
  try {
    // cacheSize 0: every response is computed, none served from the cache
    const data = new DashboardData({ dashboards: DASHBOARDS, datasets: DATASETS, warehouseFile: warehousePath(root), snapshot, cacheSize: 0 });
    await data.warm();
    for (const d of dashboards) {
      const t = await timed(repeats, async () => Object.keys((await data.response(d.id, new URLSearchParams())).visuals).length);
      out.push(figure('dashboard page', d.id, t));
    }
  } finally {
    snapshot.close();
  }
  return out;
}

/**
 * A direct-query data set's figures: per dashboard that reads it, its visuals over it (one dashboard holding only
 * those visuals, its data sets kept so the default range is the page's), with the default filters and with the
 * first store of the list chosen.
 */
async function directQueryFigures(root: string, settings: ReturnType<typeof localSettings>, dataset: DatasetDefinition, repeats: number): Promise<QueryFigure[]> {
  const readers: DashboardDefinition[] = DASHBOARDS.filter((d) => d.visuals.some((v) => v.dataset === dataset.name)).map((d) => ({
    ...d,
    id: `${d.id}/${dataset.name}`,
    visuals: d.visuals.filter((v) => v.dataset === dataset.name),
  }));
  const out: QueryFigure[] = [];
  const snapshot = new DatasetSnapshot({ lakeRoot: root, warehouseFile: warehousePath(root), duckdb: settings });
  try {
    const data = new DashboardData({ dashboards: readers, datasets: DATASETS, warehouseFile: warehousePath(root), snapshot, cacheSize: 0 });
    await data.warm();
    for (const d of readers) {
      const visuals = `${d.visuals.map((v) => v.id).join(', ')} of ${d.id.split('/')[0]}`;
      const answer = async (query: URLSearchParams): Promise<number> => Object.keys((await data.response(d.id, query)).visuals).length;
      out.push(figure('direct-query visuals', `${dataset.name}: ${visuals}, default filters`, await timed(repeats, () => answer(new URLSearchParams()))));
      const store = (await data.response(d.id, new URLSearchParams())).options.stores[0]?.id;
      if (store === undefined) continue;
      const one = new URLSearchParams({ store });
      out.push(figure('direct-query visuals', `${dataset.name}: ${visuals}, store ${store}`, await timed(repeats, () => answer(one))));
    }
  } finally {
    snapshot.close();
  }
  return out;
}

export function figuresTable(figures: QueryFigure[]): string {
  return [
    '| kind | name | rows | median ms | worst ms | CPU ms (median) |',
    '|---|---|---:|---:|---:|---:|',
    ...figures.map((f) => `| ${f.kind} | ${f.name} | ${f.rows ?? ''} | ${f.medianMs} | ${f.worstMs} | ${f.cpuMedianMs} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { repeats: { type: 'string', default: '5' }, only: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new Error('usage: bench/query-figures.ts <lake> [--repeats N] [--only name,name] [--json]');
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const figures = await queryFigures(positionals[0], Number(values.repeats), only && ((name) => only.has(name)));
  console.log(values.json ? JSON.stringify(figures, null, 2) : figuresTable(figures));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
