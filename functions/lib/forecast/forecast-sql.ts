import { ConfigurationError } from '../errors';
import { readSql, renderSql } from '../sql-files';
import type { CopySource } from '../warehouse/load-statements';
import { splitSqlStatements } from '../warehouse/sql-text';

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function isoDate(name: string, value: string): string {
  if (!ISO_DATE.test(value)) throw new RangeError(`${name} "${value}" is not YYYY-MM-DD`);
  return value;
}

/** A SQL string literal (single quotes doubled). */
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** sql/redshift/demand_history.sql for some stores (the caller reads a bounded number of stores at a time, see
 * demandHistoryRowsSql), ordered by store_id, sku and date. */
export function demandHistorySql(asOfDate: string, historyStart: string, storeIds: readonly string[]): string {
  if (storeIds.length === 0) throw new RangeError('demand history for no store');
  return renderSql(readSql('redshift/demand_history.sql'), {
    as_of_date: isoDate('as-of date', asOfDate),
    history_start: isoDate('history start', historyStart),
    store_ids: storeIds.map(literal).join(', '),
  });
}

/** sql/redshift/demand_history_rows.sql: per store_id, history_rows, an upper bound of its rows in demandHistorySql. */
export function demandHistoryRowsSql(asOfDate: string, historyStart: string): string {
  return renderSql(readSql('redshift/demand_history_rows.sql'), { as_of_date: isoDate('as-of date', asOfDate), history_start: isoDate('history start', historyStart) });
}

/** sql/redshift/forecast_due.sql: the (store_id, sku) series to refit as of `asOfDate`, at most `maxSeries`. */
export function dueSeriesSql(asOfDate: string, maxSeries: number, force = false): string {
  if (!Number.isInteger(maxSeries) || maxSeries < 1) throw new ConfigurationError(`maxSeries must be a whole number >= 1, got ${maxSeries}`);
  return renderSql(readSql('redshift/forecast_due.sql'), { as_of_date: isoDate('as-of date', asOfDate), max_series: maxSeries, force: force ? 1 : 0 });
}

/** The latest fit in the warehouse (NULL when there are no models). */
export const latestFitSql = (): string => 'SELECT MAX(fitted_through) AS fitted_through FROM forecast_model';

/** sql/redshift/forecast_daily.sql: store_id, sku, date_key, model, forecast_units, sigma per day of the range. */
export function forecastDailySql(fromDate: string, toDate: string): string {
  return renderSql(readSql('redshift/forecast_daily.sql'), { from_date: isoDate('from date', fromDate), to_date: isoDate('to date', toDate) });
}

export interface AccuracyRow {
  model: string;
  series: number;
  wape: number | null;
  biasPct: number | null;
  mase: number | null;
}

const decimal = (v: number | null): string => {
  if (v === null) return 'NULL';
  if (!Number.isFinite(v)) throw new ConfigurationError(`accuracy value ${v} is not a finite number`);
  // DECIMAL(12,6): at most 999999.999999
  return Math.max(-999999, Math.min(999999, v)).toFixed(6);
};

/** The statements of sql/redshift/load_forecast_model.sql: the models' Parquet into forecast_model, the accuracy rows. */
export function loadForecastModelStatements(source: CopySource, modelsKey: string, fittedThrough: string, accuracy: AccuracyRow[]): string[] {
  if (accuracy.length === 0) throw new RangeError('a fit has at least one accuracy row');
  const rows = accuracy
    .map((r) => `(CAST(${literal(isoDate('fitted_through', fittedThrough))} AS DATE), ${literal(r.model)}, ${Math.trunc(r.series)}, ${decimal(r.wape)}, ${decimal(r.biasPct)}, ${decimal(r.mase)})`)
    .join(',\n  ');
  const sql = renderSql(readSql('redshift/load_forecast_model.sql'), {
    bucket: source.bucket,
    role: source.role,
    models_key: modelsKey,
    fitted_through: fittedThrough,
    accuracy_rows: rows,
  });
  return splitSqlStatements(sql);
}
