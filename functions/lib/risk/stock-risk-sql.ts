import type { PipelineSettings } from '../ports';
import { readSql, renderSql } from '../sql-files';
import { splitSqlStatements } from '../warehouse/sql-text';
import { demandEstimateSql, windowStart } from './demand';
import { serviceLevelZ } from './service-level';
import { ConfigurationError, DataError } from '../errors';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The review period: days past the lead time an order must also cover (the next order can wait this long). */
export const REVIEW_DAYS = 7;
/** The lead time of a product whose reference data has none. */
export const DEFAULT_LEAD_DAYS = 7;
/** Batch ids go into SQL string literals: only the characters PlanBatch's ids (and the tests') use. */
const BATCH_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function checkBatchId(batchId: string): string {
  if (!BATCH_ID.test(batchId)) throw new RangeError(`batch id "${batchId}" is not [A-Za-z0-9._-]{1,128}`);
  return batchId;
}

/** A store-SKU evaluated without new events is looked at again at the latest this many days later. */
export const REVIEW_INTERVAL_DAYS = 7;

export type StockRiskSettings = Pick<PipelineSettings, 'serviceLevel' | 'deadStockDays' | 'overstockCover' | 'demandWindowDays'>;

/** A business date from a warehouse value (DuckDB and the Data API both give 'YYYY-MM-DD...'), or null. */
export function asIsoDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  const date = text.slice(0, 10);
  if (!ISO_DATE.test(date)) throw new DataError(`not a date: ${text}`);
  return date;
}

export function checkIsoDate(date: string): string {
  if (!ISO_DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new RangeError(`as-of date "${date}" is not YYYY-MM-DD`);
  return date;
}

function positive(name: string, value: number): string {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a number > 0, got ${value}`);
  return String(value);
}

/** The statements that (re)write fact_inventory_snapshot for `asOfDate` (one transaction). */
export function stockRiskStatements(asOfDate: string, settings: StockRiskSettings): string[] {
  checkIsoDate(asOfDate);
  if (!Number.isInteger(settings.deadStockDays) || settings.deadStockDays < 1) throw new ConfigurationError(`deadStockDays must be a whole number >= 1, got ${settings.deadStockDays}`);
  const sql = renderSql(readSql('redshift/stock_risk.sql'), {
    as_of_date: asOfDate,
    fallback_demand_sql: demandEstimateSql(asOfDate, settings.demandWindowDays),
    z: serviceLevelZ(settings.serviceLevel).toFixed(6),
    review_days: REVIEW_DAYS,
    default_lead_days: DEFAULT_LEAD_DAYS,
    dead_stock_start: windowStart(asOfDate, settings.deadStockDays),
    overstock_cover: positive('overstockCover', settings.overstockCover),
  });
  return splitSqlStatements(sql);
}

export function asOfDateSql(): string {
  return readSql('redshift/risk_as_of.sql');
}

export function atRiskSql(asOfDate: string): string {
  return renderSql(readSql('redshift/at_risk_skus.sql'), { as_of_date: checkIsoDate(asOfDate) });
}

/** A SQL list of DATE literals for IN (...); an empty list matches nothing. */
function dateList(dates: string[]): string {
  const unique = [...new Set(dates.map(checkIsoDate))].sort();
  return unique.length ? unique.map((d) => `CAST('${d}' AS DATE)`).join(', ') : 'CAST(NULL AS DATE)';
}

/** The run's scope (stock_risk_scope) for an incremental run of `batchId`: the store-SKUs with new rows on the
 * batch's dates (`changedDates`) plus those due for review on `asOfDate`; a retry keeps its first attempt's. */
export function incrementalScopeStatements(asOfDate: string, changedDates: string[], batchId: string): string[] {
  return splitSqlStatements(
    renderSql(readSql('redshift/stock_risk_scope.sql'), { as_of_date: checkIsoDate(asOfDate), changed_dates: dateList(changedDates), batch_id: checkBatchId(batchId) }),
  );
}

/** The scope of a full run: every store-SKU with a stock count; the date's old rows all go. */
export function fullScopeStatements(asOfDate: string, batchId: string): string[] {
  checkIsoDate(asOfDate);
  return [
    ...splitSqlStatements(renderSql(readSql('redshift/stock_risk_scope_all.sql'), { as_of_date: asOfDate, batch_id: checkBatchId(batchId) })),
    `DELETE FROM fact_inventory_snapshot WHERE date_key = CAST('${asOfDate}' AS DATE)`,
  ];
}

/** An incremental run's first on a new date: the latest earlier date's rows outside the scope, carried over. */
export function carryForwardStatements(asOfDate: string): string[] {
  return splitSqlStatements(renderSql(readSql('redshift/stock_risk_carry_forward.sql'), { as_of_date: checkIsoDate(asOfDate) }));
}

/** After stock_risk.sql: the next review date of each store-SKU of the scope (stock_review). */
export function stockReviewStatements(asOfDate: string, settings: Pick<StockRiskSettings, 'deadStockDays'>): string[] {
  return splitSqlStatements(
    renderSql(readSql('redshift/stock_review_update.sql'), {
      as_of_date: checkIsoDate(asOfDate),
      dead_stock_start: windowStart(asOfDate, settings.deadStockDays),
      dead_stock_days: settings.deadStockDays,
      review_interval_days: REVIEW_INTERVAL_DAYS,
    }),
  );
}

/** How many store-SKUs have a review plan, and the latest as-of date one was evaluated on. */
export const reviewPlanSql = (): string => 'SELECT COUNT(*) AS planned, MAX(evaluated_on) AS latest FROM stock_review';

/** How many store-SKUs the last run evaluated. */
export const scopeSizeSql = (): string => 'SELECT COUNT(*) AS evaluated FROM stock_risk_scope';
