import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createDuckDb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { sqlString } from '../../lib/duckdb/duckdb-rows';
import { AccuracyTotals } from '../../lib/forecast/accuracy';
import { DEFAULT_BACKTEST, type BacktestSettings } from '../../lib/forecast/backtest';
import { demandHistoryRowsSql, demandHistorySql, dueSeriesSql, latestFitSql, loadForecastModelStatements, type AccuracyRow } from '../../lib/forecast/forecast-sql';
import { MODEL_NAMES, type ModelName } from '../../lib/forecast/models';
import { WEEK } from '../../lib/forecast/series';
import { forecastModelsKey } from '../../lib/lake-layout';
import { packInOrder } from '../../lib/pack-in-order';
import { settingsFromEnv } from '../../lib/pipeline/pipeline-settings';
import type { FitForecastsResult } from '../../lib/pipeline/state';
import { scratchDir } from '../../lib/pipeline/work-dir';
import type { MetricsPublisher, ObjectStore, Row, Warehouse } from '../../lib/ports';
import { asIsoDate } from '../../lib/risk/stock-risk-sql';
import type { CopySource } from '../../lib/warehouse/load-statements';
import { copySourceFromEnv } from '../prepare-loads/prepare-loads';
import { RetailLakeError } from '../../lib/errors';
import { workerEntry } from '../../lib/typescript-worker';
import { runOnWorker, startPoolWorker, type PoolWorker } from '../../lib/worker-pool';
import { addDays, DAY_MS, fitStores, type FitJob, type FittedStores, type StoreSeries } from './fit-stores';
import type { FitReply, FitTask } from './fit-worker';

export interface ForecastSettings {
  /** days of history each series is fitted on, ending with the as-of date */
  historyDays: number;
  /** a series' model is reviewed (refitted) this many days after its fit: the refit is weekly */
  refitDays: number;
  /** at most this many series are fitted by one run (default MAX_SERIES_PER_RUN); the rest wait for the next */
  maxSeries?: number;
  /** fit every series, due or not (the CLI's `forecast`) */
  force?: boolean;
  backtest?: BacktestSettings;
  /** demand-history rows one query reads at most (default HISTORY_ROWS_PER_QUERY) */
  historyRowsPerQuery?: number;
  /** with `workers` > 1, fewer due series than this are fitted on the calling thread (default MIN_SERIES_FOR_THREADS) */
  minSeriesForThreads?: number;
  /** due series per fitting task (default TASK_SERIES) */
  seriesPerTask?: number;
}

/** Series one run fits at most: about 2.5 minutes of fitting on a loaded 2-core machine (40k series took about 5),
 * well inside the Lambda's 15. A weekly refit of the seed's ~3M store-SKUs over 168 hourly runs needs ~18k a run. */
export const MAX_SERIES_PER_RUN = 20_000;

/** Demand-history rows (an upper bound, demandHistoryRowsSql) one query reads at most: the stores are read in groups
 * of about this many rows (a store with more alone), so a run makes few round trips and holds a bounded history.
 * A store with the seed's full history (~3,000 SKUs x 112 days) has ~340k. */
export const HISTORY_ROWS_PER_QUERY = 400_000;

export const DEFAULT_FORECAST_SETTINGS: ForecastSettings = { historyDays: 16 * WEEK, refitDays: WEEK, maxSeries: MAX_SERIES_PER_RUN };

export interface FitForecastsDeps {
  warehouse: Warehouse;
  store: ObjectStore;
  metrics?: MetricsPublisher;
  /** where the warehouse COPYs the models from (default: the environment's curated bucket and COPY role) */
  copySource?: CopySource;
  /** DuckDB's work folder and limits, for writing the Parquet file (default: from the environment) */
  duckdb?: DuckDbSettings;
  /** threads that fit the series (default 1: this thread; settings' forecastWorkers) */
  workers?: number;
}


const MODELS_CSV_COLUMNS = `{'store_id': 'VARCHAR', 'sku': 'VARCHAR', 'fitted_through': 'DATE', 'model': 'VARCHAR', 'level': 'DECIMAL(18,6)',
  'trend': 'DECIMAL(18,6)', 'season_1': 'DECIMAL(18,6)', 'season_2': 'DECIMAL(18,6)', 'season_3': 'DECIMAL(18,6)', 'season_4': 'DECIMAL(18,6)',
  'season_5': 'DECIMAL(18,6)', 'season_6': 'DECIMAL(18,6)', 'season_7': 'DECIMAL(18,6)', 'sigma': 'DECIMAL(18,6)', 'next_review': 'DATE'}`;

/** The models CSV as Parquet (columns typed as forecast_model's), read back as bytes. */
async function csvToParquet(settings: DuckDbSettings, csv: string, parquet: string): Promise<Buffer> {
  const db = await createDuckDb(settings);
  const conn = await db.connect();
  try {
    await conn.run(`COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = false, columns = ${MODELS_CSV_COLUMNS})) TO ${sqlString(parquet)} (FORMAT PARQUET)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return readFile(parquet);
}

/** A store's history rows (rows[from] .. rows[to - 1], ordered by sku, date) as its series, `due` marking the SKUs to fit. */
function storeSeriesOf(storeId: string, rows: Row[], from: number, to: number, historyStart: string, days: number, due: Set<string>): StoreSeries {
  const start = Date.parse(`${historyStart}T00:00:00Z`);
  const skus: string[] = [];
  for (let i = from; i < to; i++) if (i === from || rows[i].sku !== rows[i - 1].sku) skus.push(String(rows[i].sku));
  const values = new Float64Array(skus.length * days).fill(Number.NaN);
  for (let i = from, s = -1; i < to; i++) {
    if (i === from || rows[i].sku !== rows[i - 1].sku) s++;
    const day = Math.round((Date.parse(`${asIsoDate(rows[i].date_key)}T00:00:00Z`) - start) / DAY_MS);
    const censored = rows[i].censored === true || rows[i].censored === 'true' || rows[i].censored === 1;
    if (day >= 0 && day < days && !censored) values[s * days + day] = Number(rows[i].units);
  }
  return { storeId, skus, values, due: Uint8Array.from(skus, (sku) => (due.has(sku) ? 1 : 0)) };
}

/** Due series per fitting task: small enough that the threads share a group's work evenly, large enough that a
 * task's messages cost little beside its fitting (~70 µs a series). */
const TASK_SERIES = 1_000;
/** Fewer due series than this are fitted on the calling thread: starting the threads (0.2-0.4 s locally, where
 * they load TypeScript) would cost more than they save at ~0.1 ms a series: fitForecasts on the demo's 2,400 series took
 * 1.75-1.84 s on one thread and 1.88-2.13 s on two; on the seed's 19,758, two gained 0.4 s. */
export const MIN_SERIES_FOR_THREADS = 10_000;

/** The stores in consecutive jobs of about `seriesPerTask` due series (a store is never split), each store's series
 * made when its job is taken: a group's series are never all in memory at once (112 days of every SKU of a group of
 * 400k history rows would be hundreds of MB). */
function* fitJobs(stores: Iterable<() => StoreSeries>, base: Omit<FitJob, 'stores'>, seriesPerTask: number): Generator<FitJob> {
  let job: FitJob = { ...base, stores: [] };
  let due = 0;
  for (const seriesOf of stores) {
    const store = seriesOf();
    job.stores.push(store);
    due += store.due.reduce((a, d) => a + d, 0);
    if (due >= seriesPerTask) {
      yield job;
      job = { ...base, stores: [] };
      due = 0;
    }
  }
  if (job.stores.length > 0) yield job;
}

/**
 * Fits the jobs on this thread, or shares them among the pool's threads, and hands each result to `take` in the
 * jobs' order, as soon as the ones before it have been taken. A result that comes back before an earlier job's waits
 * for it: as many as the other threads finish meanwhile, few since the jobs are of about the same size.
 */
async function fitAll(jobs: Iterator<FitJob>, pool: PoolWorker[], take: (fitted: FittedStores) => Promise<void>): Promise<void> {
  if (pool.length === 0) {
    for (let job = jobs.next(); !job.done; job = jobs.next()) await take(fitStores(job.value));
    return;
  }
  const waiting = new Map<number, FittedStores>();
  let sent = 0;
  let taken = 0;
  // one chain of takes, in order, whichever thread finishes first
  let takes = Promise.resolve();
  await Promise.all(
    pool.map(async (worker) => {
      for (let job = jobs.next(); !job.done; job = jobs.next()) {
        const order = sent++;
        // the series' buffers are made for the job: moved to the thread, not copied
        const reply = await runOnWorker<FitReply>(worker, { ...job.value, order } satisfies FitTask, job.value.stores.map((st) => st.values.buffer as ArrayBuffer));
        if ('error' in reply) throw new RetailLakeError(`fitting the series of stores ${job.value.stores[0].storeId}..: ${reply.error}`);
        waiting.set(reply.order, reply);
        takes = takes.then(async () => {
          for (let next = waiting.get(taken); next !== undefined; next = waiting.get(taken)) {
            waiting.delete(taken++);
            await take(next);
          }
        });
        await takes;
      }
    }),
  );
  await takes;
}

/** A run that fitted nothing: the models in the warehouse stay, fitted through their latest date. */
async function skipped(warehouse: Warehouse): Promise<FitForecastsResult> {
  const [latestRow] = await warehouse.query(latestFitSql());
  return { skipped: true, fittedThrough: asIsoDate(latestRow?.fitted_through), series: 0, modelsKey: null, accuracy: [] };
}

/** The due series (dueSeriesSql) grouped by store, stores in order. */
async function dueByStore(warehouse: Warehouse, asOfDate: string, maxSeries: number, force: boolean): Promise<Map<string, Set<string>>> {
  const byStore = new Map<string, Set<string>>();
  for (const row of await warehouse.query(dueSeriesSql(asOfDate, maxSeries, force))) {
    const storeId = String(row.store_id);
    let skus = byStore.get(storeId);
    if (!skus) byStore.set(storeId, (skus = new Set()));
    skus.add(String(row.sku));
  }
  return new Map([...byStore].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The stores in their order, in groups whose demand history (its upper bound per store) is at most `maxRows`; a
 * store above it makes a group alone. */
async function storeGroups(warehouse: Warehouse, stores: Iterable<string>, asOfDate: string, historyStart: string, maxRows: number): Promise<string[][]> {
  const rowsOf = new Map<string, number>();
  for (const row of await warehouse.query(demandHistoryRowsSql(asOfDate, historyStart))) rowsOf.set(String(row.store_id), Number(row.history_rows));
  return packInOrder(stores, (storeId) => rowsOf.get(storeId) ?? 0, maxRows);
}

/** Where each store's rows are in history rows ordered by store_id: [from, to) by store. */
function storeRanges(rows: Row[]): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  let from = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && rows[i].store_id === rows[from].store_id) continue;
    ranges.set(String(rows[from].store_id), [from, i]);
    from = i;
  }
  return ranges;
}

/**
 * Fits a demand model to the store x SKU series that are due (no model yet, its review date reached, or fitted
 * after `asOfDate`), at most `maxSeries` of them per run, on the `historyDays` days ending with `asOfDate` (only
 * facts up to it: as-of correct); chooses each series' model by a rolling-origin backtest, writes the models to the
 * lake as Parquet (forecastModelsKey) and puts them in forecast_model in place of those series' old models, with the
 * backtest's accuracy over the last `evalWeeks` weeks of the fitted series in forecast_accuracy ('selected', each
 * candidate, the seasonal naive baseline among them). Each fitted model is reviewed `refitDays` later, so the
 * series of a backlog larger than one run stay spread over the runs. Publishes ForecastBias (the selected models'
 * bias %). Returns `skipped` when no series is due (every series with `force`). Reads the whole history of the
 * stores with a due series (a store's weekday profile pools all its SKUs), a group of stores per query of at most
 * HISTORY_ROWS_PER_QUERY rows (or one store), so memory is bounded by that or by one store's SKUs, and fitting time
 * grows with the due series.
 */
export async function fitForecasts(deps: FitForecastsDeps, asOfDate: string, settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS): Promise<FitForecastsResult> {
  const due = await dueByStore(deps.warehouse, asOfDate, settings.maxSeries ?? MAX_SERIES_PER_RUN, settings.force === true);
  if (due.size === 0) return skipped(deps.warehouse);
  const backtest = settings.backtest ?? DEFAULT_BACKTEST;
  const historyStart = addDays(asOfDate, 1 - settings.historyDays);
  const nextReview = addDays(asOfDate, settings.refitDays);
  const duckdb = deps.duckdb ?? settingsFromEnv();
  const totals = new Map<ModelName | 'selected', AccuracyTotals>([['selected', new AccuracyTotals()], ...MODEL_NAMES.map((m) => [m, new AccuracyTotals()] as const)]);
  const dir = await scratchDir(duckdb.workDir, 'fit-forecasts');
  // the threads start first, so that loading the models in each overlaps the history's query
  const dueSeries = [...due.values()].reduce((a, skus) => a + skus.size, 0);
  const workers = deps.workers ?? 1;
  const pool = workers > 1 && dueSeries >= (settings.minSeriesForThreads ?? MIN_SERIES_FOR_THREADS) ? Array.from({ length: workers }, () => startPoolWorker(workerEntry(__dirname, 'fit-worker'))) : [];
  try {
    const csv = join(dir, 'models.csv');
    const out = createWriteStream(csv);
    let series = 0;
    for (const group of await storeGroups(deps.warehouse, due.keys(), asOfDate, historyStart, settings.historyRowsPerQuery ?? HISTORY_ROWS_PER_QUERY)) {
      const rows = await deps.warehouse.query(demandHistorySql(asOfDate, historyStart, group));
      const ranges = storeRanges(rows);
      // the stores in the due order (the accuracy totals add up the series in the same order whatever the grouping)
      const stores = group.flatMap((storeId) => {
        const range = ranges.get(storeId);
        return range ? [() => storeSeriesOf(storeId, rows, range[0], range[1], historyStart, settings.historyDays, due.get(storeId) as Set<string>)] : [];
      });
      await fitAll(fitJobs(stores, { asOfDate, nextReview, days: settings.historyDays, backtest }, settings.seriesPerTask ?? TASK_SERIES), pool, async (fitted) => {
        series += fitted.holdouts.length;
        for (const holdout of fitted.holdouts) for (const [model, acc] of totals) acc.add(holdout.forecasts[model], holdout.actuals, holdout.scale);
        if (!out.write(fitted.lines)) await once(out, 'drain');
      });
    }
    out.end();
    await once(out, 'finish');
    if (series === 0) return skipped(deps.warehouse);
    const modelsKey = forecastModelsKey(asOfDate);
    await deps.store.put(modelsKey, await csvToParquet(duckdb, csv, join(dir, 'models.parquet')));
    const accuracy: AccuracyRow[] = [...totals].map(([model, acc]) => ({ model, ...acc.summary() }));
    await deps.warehouse.execute(loadForecastModelStatements(deps.copySource ?? copySourceFromEnv(), modelsKey, asOfDate, accuracy));
    const bias = accuracy.find((a) => a.model === 'selected')?.biasPct;
    if (deps.metrics && bias !== null && bias !== undefined) await deps.metrics.publish([{ name: 'ForecastBias', value: bias, unit: 'Percent' }]);
    return { skipped: false, fittedThrough: asOfDate, series, modelsKey, accuracy };
  } finally {
    await Promise.all(pool.map((w) => w.thread.terminate()));
    await rm(dir, { recursive: true, force: true });
  }
}
