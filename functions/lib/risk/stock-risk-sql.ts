import type { PipelineSettings } from '../ports';
import { readSql, renderSql } from '../sql-files';
import { splitSqlStatements } from '../warehouse/sql-text';
import { demandEstimateSql } from './demand';
import { ConfigurationError, DataError } from '../errors';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A business date from a warehouse value (DuckDB and the Data API both give 'YYYY-MM-DD...'), or null. */
export function asIsoDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const date = text.slice(0, 10);
  if (!ISO_DATE.test(date)) throw new DataError(`not a date: ${text}`);
  return date;
}

function threshold(name: string, value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(`${name} must be a number >= 0, got ${value}`);
  return String(value);
}

/** The statements that (re)write fact_inventory_snapshot for `asOfDate` (one transaction). */
export function stockRiskStatements(asOfDate: string, settings: Pick<PipelineSettings, 'criticalDays' | 'highDays' | 'demandWindowDays'>): string[] {
  if (!ISO_DATE.test(asOfDate)) throw new RangeError(`as-of date "${asOfDate}" is not YYYY-MM-DD`);
  const sql = renderSql(readSql('redshift/stock_risk.sql'), {
    as_of_date: asOfDate,
    demand_sql: demandEstimateSql(asOfDate, settings.demandWindowDays),
    critical_days: threshold('criticalDays', settings.criticalDays),
    high_days: threshold('highDays', settings.highDays),
  });
  return splitSqlStatements(sql);
}

export function asOfDateSql(): string {
  return readSql('redshift/risk_as_of.sql');
}

export function atRiskSql(asOfDate: string): string {
  if (!ISO_DATE.test(asOfDate)) throw new RangeError(`as-of date "${asOfDate}" is not YYYY-MM-DD`);
  return renderSql(readSql('redshift/at_risk_skus.sql'), { as_of_date: asOfDate });
}
