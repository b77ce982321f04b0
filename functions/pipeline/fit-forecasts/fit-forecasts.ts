import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { createDuckDb, type DuckDbSettings } from '../../lib/duckdb/duckdb-factory';
import { sqlString } from '../../lib/duckdb/duckdb-rows';
import { AccuracyTotals } from '../../lib/forecast/accuracy';
import { backtestSeries, DEFAULT_BACKTEST, type BacktestSettings } from '../../lib/forecast/backtest';
import { demandHistorySql, forecastStoresSql, latestFitSql, loadForecastModelStatements, type AccuracyRow } from '../../lib/forecast/forecast-sql';
import { MODEL_NAMES, type ModelName } from '../../lib/forecast/models';
import { WEEK } from '../../lib/forecast/series';
import { StoreDailyTotals } from '../../lib/forecast/weekday-profile';
import { forecastModelsKey } from '../../lib/lake-layout';
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
  /** models fitted this many days or fewer before the as-of date are kept: the refit is weekly */
  refitDays: number;
  /** fit even when the models are fresh (the CLI's `forecast`) */
  force?: boolean;
  backtest?: BacktestSettings;
}

export const DEFAULT_FORECAST_SETTINGS: ForecastSettings = { historyDays: 16 * WEEK, refitDays: WEEK };

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

/** Whether the models in the warehouse (fitted through `latest`) still serve `asOfDate`: fitted on or before it,
 * fewer than refitDays days before. */
export function modelsAreFresh(latest: string | null, asOfDate: string, refitDays: number): boolean {
  return latest !== null && latest <= asOfDate && latest > addDays(asOfDate, -refitDays);
}

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

/** Groups a store's history rows (ordered by sku, date) into series, one at a time. */
function* seriesOf(rows: Row[], historyStart: string, days: number): Generator<{ sku: string; y: Float64Array }> {
  const start = Date.parse(`${historyStart}T00:00:00Z`);
  let i = 0;
  while (i < rows.length) {
    const sku = String(rows[i].sku);
    const y = new Float64Array(days).fill(Number.NaN);
    for (; i < rows.length && String(rows[i].sku) === sku; i++) {
      const day = Math.round((Date.parse(`${asIsoDate(rows[i].date_key)}T00:00:00Z`) - start) / DAY_MS);
      const censored = rows[i].censored === true || rows[i].censored === 'true' || rows[i].censored === 1;
      if (day >= 0 && day < days && !censored) y[day] = Number(rows[i].units);
    }
    yield { sku, y };
  }
}

/**
 * Fits a demand model to every store x SKU with stock data, on the `historyDays` days ending with `asOfDate` (only
 * facts up to it: as-of correct), chooses each series' model by a rolling-origin backtest, writes the models to the
 * lake as Parquet (forecastModelsKey) and loads them into forecast_model, with the backtest's accuracy over the last
 * `evalWeeks` weeks in forecast_accuracy ('selected', each candidate, the seasonal naive baseline among them).
 * Publishes ForecastBias (the selected models' bias %). Returns at once, `skipped`, while the models in the warehouse
 * are fresh (fitted fewer than refitDays days before the as-of date) unless `force`. Reads one store's history at a
 * time, so memory grows with the SKUs of a store, not with the whole warehouse.
 */
export async function fitForecasts(deps: FitForecastsDeps, asOfDate: string, settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS): Promise<FitForecastsResult> {
  const [latestRow] = await deps.warehouse.query(latestFitSql());
  const latest = asIsoDate(latestRow?.fitted_through);
  if (!settings.force && modelsAreFresh(latest, asOfDate, settings.refitDays)) {
    return { skipped: true, fittedThrough: latest, series: 0, modelsKey: null, accuracy: [] };
  }
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
    for (const { store_id: storeId } of await deps.warehouse.query(forecastStoresSql(asOfDate))) {
      const rows = await deps.warehouse.query(demandHistorySql(asOfDate, historyStart, String(storeId)));
      // two passes over the store's series: the pooled weekday profile first, then each series' fit
      const storeSeries = [...seriesOf(rows, historyStart, settings.historyDays)];
      const storeTotals = new StoreDailyTotals(settings.historyDays);
      for (const { y } of storeSeries) storeTotals.add(y);
      for (const { sku, y } of storeSeries) {
        const fit = backtestSeries(y, backtest, storeTotals);
        if (!fit) continue;
        series++;
        for (const [model, acc] of totals) acc.add(fit.holdout.forecasts[model], fit.holdout.actuals, fit.holdout.scale);
        if (!out.write(`${modelLine(String(storeId), sku, asOfDate, nextReview, fit)}\n`)) await once(out, 'drain');
      }
    }
    out.end();
    await once(out, 'finish');
    if (series === 0) return { skipped: true, fittedThrough: latest, series: 0, modelsKey: null, accuracy: [] };
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
