import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import type { FitForecastsResult, PipelineState } from '../../lib/pipeline/state';
import type { Runtime } from '../../lib/ports';
import { asIsoDate, asOfDateSql } from '../../lib/risk/stock-risk-sql';
import { fitForecasts } from './fit-forecasts';

/** FitForecasts: refits, as of the latest business date, the demand models that are missing or a week old, a
 * bounded number per run (with none due returns at once, skipped); StockRisk, next, applies them. */
export async function run(_state: PipelineState, rt: Runtime): Promise<FitForecastsResult> {
  const [row] = await rt.warehouse.query(asOfDateSql());
  const asOfDate = asIsoDate(row?.as_of_date);
  if (!asOfDate) return { skipped: true, fittedThrough: null, series: 0, modelsKey: null, accuracy: [] };
  return fitForecasts({ warehouse: rt.warehouse, store: rt.store, metrics: rt.metrics, duckdb: rt.settings, workers: rt.settings.forecastWorkers }, asOfDate);
}

export const handler = lambdaHandler(run);
