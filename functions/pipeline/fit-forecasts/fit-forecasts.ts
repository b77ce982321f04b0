import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createDuckDb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { sqlString } from '../../lib/duckdb/duckdb-rows';
import { AccuracyTotals } from '../../lib/forecast/accuracy';
import { backtestSeries, DEFAULT_BACKTEST, type BacktestSettings } from '../../lib/forecast/backtest';
import { demandHistoryRowsSql, demandHistorySql, dueSeriesSql, latestFitSql, loadForecastModelStatements, type AccuracyRow } from '../../lib/forecast/forecast-sql';
import { MODEL_NAMES, type ModelName } from '../../lib/forecast/models';
import { WEEK } from '../../lib/forecast/series';
import { StoreDailyTotals } from '../../lib/forecast/weekday-profile';
import { forecastModelsKey } from '../../lib/lake-layout';
import { packInOrder } from '../../lib/pack-in-order';
import { settingsFromEnv } from '../../lib/pipeline/pipeline-settings';
import type { FitForecastsResult } from '../../lib/pipeline/state';
import { scratchDir } from '../../lib/pipeline/work-dir';
import type { MetricsPublisher, ObjectStore, Row, Warehouse } from '../../lib/ports';
import { asIsoDate } from '../../lib/risk/stock-risk-sql';
import type { CopySource } from '../../lib/warehouse/load-statements';
import { copySourceFromEnv } from '../prepare-loads/prepare-loads';

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
}

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** ISO day of week, 1 = Monday .. 7 = Sunday */
const isoDow = (date: string): number => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** One CSV line of the models file, in forecast_model's column order. */
function modelLine(storeId: string, sku: string, asOfDate: string, nextReview: string, fit: NonNullable<ReturnType<typeof backtestSeries>>): string {
  const seasons = new Array<number>(WEEK).fill(0);
  for (let h = 1; h <= WEEK; h++) seasons[isoDow(addDays(asOfDate, h)) - 1] = fit.state.seasonByHorizon[h - 1];
  const num = (v: number): string => v.toFixed(6);
  const text = (v: string): string => `"${v.replace(/"/g, '""')}"`;
  return [text(storeId), text(sku), asOfDate, fit.state.model, num(fit.state.level), num(fit.state.trend), ...seasons.map(num), num(fit.sigma), nextReview].join(',');
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

/** Groups a store's history rows (rows[from] .. rows[to - 1], ordered by sku, date) into series, one at a time. */
function* seriesOf(rows: Row[], from: number, to: number, historyStart: string, days: number): Generator<{ sku: string; y: Float64Array }> {
  const start = Date.parse(`${historyStart}T00:00:00Z`);
  let i = from;
  while (i < to) {
    const sku = String(rows[i].sku);
    const y = new Float64Array(days).fill(Number.NaN);
    for (; i < to && String(rows[i].sku) === sku; i++) {
      const day = Math.round((Date.parse(`${asIsoDate(rows[i].date_key)}T00:00:00Z`) - start) / DAY_MS);
      const censored = rows[i].censored === true || rows[i].censored === 'true' || rows[i].censored === 1;
      if (day >= 0 && day < days && !censored) y[day] = Number(rows[i].units);
    }
    yield { sku, y };
  }
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
  try {
    const csv = join(dir, 'models.csv');
    const out = createWriteStream(csv);
    let series = 0;
    for (const group of await storeGroups(deps.warehouse, due.keys(), asOfDate, historyStart, settings.historyRowsPerQuery ?? HISTORY_ROWS_PER_QUERY)) {
      const rows = await deps.warehouse.query(demandHistorySql(asOfDate, historyStart, group));
      const ranges = storeRanges(rows);
      // the stores in the due order (the accuracy totals add up the series in the same order whatever the grouping)
      for (const storeId of group) {
        const range = ranges.get(storeId);
        if (!range) continue;
        const dueSkus = due.get(storeId) as Set<string>;
        // two passes over the store's series: the pooled weekday profile first (all its SKUs), then each due series' fit
        const storeSeries = [...seriesOf(rows, range[0], range[1], historyStart, settings.historyDays)];
        const storeTotals = new StoreDailyTotals(settings.historyDays);
        for (const { y } of storeSeries) storeTotals.add(y);
        for (const { sku, y } of storeSeries) {
          if (!dueSkus.has(sku)) continue;
          const fit = backtestSeries(y, backtest, storeTotals);
          if (!fit) continue;
          series++;
          for (const [model, acc] of totals) acc.add(fit.holdout.forecasts[model], fit.holdout.actuals, fit.holdout.scale);
          if (!out.write(`${modelLine(storeId, sku, asOfDate, nextReview, fit)}\n`)) await once(out, 'drain');
        }
      }
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
    await rm(dir, { recursive: true, force: true });
  }
}
