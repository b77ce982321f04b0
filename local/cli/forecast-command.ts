import { existsSync } from 'node:fs';
import type { FitForecastsResult } from '../../functions/lib/pipeline/state';
import { asIsoDate, asOfDateSql } from '../../functions/lib/risk/stock-risk-sql';
import { DEFAULT_FORECAST_SETTINGS, fitForecasts } from '../../functions/pipeline/fit-forecasts/fit-forecasts';
import { UsageError } from './errors';
import { formatRows } from './format-rows';
import { withLockedRuntime } from './locked-runtime';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The accuracy table: the selected models, each candidate and the seasonal naive baseline. */
export function formatAccuracy(result: FitForecastsResult): string {
  const round = (v: number | null, digits: number): number | null => (v === null ? null : Number(v.toFixed(digits)));
  const rows = result.accuracy.map((a) => ({
    model: a.model,
    series: a.series,
    wape_pct: round(a.wape === null ? null : 100 * a.wape, 1),
    bias_pct: round(a.biasPct, 1),
    mase: round(a.mase, 3),
  }));
  const selected = result.accuracy.find((a) => a.model === 'selected')?.wape;
  const naive = result.accuracy.find((a) => a.model === 'seasonal_naive')?.wape;
  const gain = selected !== null && selected !== undefined && naive ? `WAPE ${(100 * (1 - selected / naive)).toFixed(1)}% lower than seasonal naive\n` : '';
  return `fitted ${result.series} series through ${result.fittedThrough} (backtest: the last 28 days, one week ahead from weekly origins)\n${formatRows(rows, 'table')}${gain}`;
}

/** `retail-lake forecast [--as-of DATE]`: fits the demand models now (as of the latest business date, or DATE) and
 * prints the backtest's accuracy. */
export async function forecastCommand(lakeRoot: string, opts: { asOf?: string }): Promise<string> {
  if (!existsSync(lakeRoot)) throw new UsageError(`lake ${lakeRoot} does not exist`);
  if (opts.asOf !== undefined && !ISO_DATE.test(opts.asOf)) throw new UsageError(`--as-of must be YYYY-MM-DD, got ${opts.asOf}`);
  return withLockedRuntime(lakeRoot, async (rt) => {
    const [row] = await rt.warehouse.query(asOfDateSql());
    const asOfDate = opts.asOf ?? asIsoDate(row?.as_of_date);
    if (!asOfDate) throw new UsageError('the warehouse has no facts yet: run the pipeline first');
    const result = await fitForecasts({ warehouse: rt.warehouse, store: rt.store, metrics: rt.metrics, duckdb: rt.settings }, asOfDate, { ...DEFAULT_FORECAST_SETTINGS, force: true });
    if (result.series === 0) return `no series with stock data up to ${asOfDate}: nothing fitted\n`;
    return formatAccuracy(result);
  });
}
