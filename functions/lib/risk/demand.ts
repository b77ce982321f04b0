import { readSql, renderSql } from '../sql-files';
import { ConfigurationError } from '../errors';

/**
 * The forecasting seam: a SELECT returning (store_id, sku, avg_daily_demand) as of a date, which
 * sql/redshift/stock_risk.sql uses as its demand estimate. Today the average of the last `windowDays`
 * business days (sql/redshift/demand_average.sql); a forecasting model replaces this function (or the file).
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
