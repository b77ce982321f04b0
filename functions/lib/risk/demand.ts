import { readSql, renderSql } from '../sql-files';
import { ConfigurationError } from '../errors';

/**
 * The fallback demand of stock risk: a SELECT returning (store_id, sku, avg_daily_demand, sigma_daily) as of a
 * date, the average of the last `windowDays` business days and its daily variation
 * (sql/redshift/demand_average.sql). sql/redshift/stock_risk.sql uses it for a store-SKU without a fitted
 * forecast model (a new SKU, or before the first fit).
 */
export function demandEstimateSql(asOfDate: string, windowDays: number): string {
  return renderSql(readSql('redshift/demand_average.sql'), {
    as_of_date: asOfDate,
    window_start: windowStart(asOfDate, windowDays),
  }).trim();
}

/** The first business date of a window of `days` dates ending with `asOfDate` (inclusive). */
export function windowStart(asOfDate: string, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new ConfigurationError(`demand window must be a whole number of days >= 1, got ${days}`);
  const t = Date.parse(`${asOfDate}T00:00:00Z`);
  return new Date(t - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}
