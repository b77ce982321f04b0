import { curatedDatePrefix, curatedPartitionPrefix, curatedTablePrefix, EXCHANGE_RATES_KEY, PRODUCTS_KEY, STORES_KEY, type CuratedTable } from '../lake-layout';
import { CURRENCY_CODE } from '../reference/reference-data';
import { readSql, renderSql } from '../sql-files';
import { splitSqlStatements } from './sql-text';
import { ConfigurationError, PipelineStateError } from '../errors';

/** BatchExecuteStatement takes at most 40 statements, and the pipeline sends the load as one batch (one
 * transaction), then the derived tables' refresh as a second one. */
export const DATA_API_BATCH_LIMIT = 40;

/**
 * The derived tables' refresh, the second batch after every load and reload: each file rebuilds its table for the
 * work list the load (or reload) added to, then empties that list. The lists are tables, so a refresh that failed
 * after its load committed is made whole by the next one; and the load's batch keeps its 40 statements for the facts.
 */
const DERIVED_FILES = ['redshift/load_sales_aggregates.sql', 'redshift/refresh_open_order_lines.sql'];

export interface CopySource {
  /** the bucket holding curated/ and reference/ */
  bucket: string;
  /** the IAM role Redshift assumes to read it */
  role: string;
}

/** What the reference load needs beyond the files' keys. */
export interface ReferenceLoad {
  /** ISO 4217 code written to dim_reporting_currency and given to stores without a currency */
  reportingCurrency: string;
  /** the exchange rates file exists (COPY fails on a missing key, so without it dim_exchange_rate is emptied) */
  exchangeRates: boolean;
}

/** How finely the COPY prefixes select partitions: the finest that fits in one batch is used. */
export type PrefixLevel = 'day' | 'month' | 'year' | 'table';
const LEVELS: PrefixLevel[] = ['day', 'month', 'year', 'table'];

const LOAD_FILES: Record<CuratedTable, string> = {
  sales_lines: 'redshift/load_sales_lines.sql',
  inventory_events: 'redshift/load_inventory_events.sql',
  purchase_orders: 'redshift/load_purchase_orders.sql',
};

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** S3 key prefixes that together cover the partitions of `dates` (and, above day level, their neighbours). */
export function partitionPrefixes(table: CuratedTable, dates: string[], level: PrefixLevel): string[] {
  for (const d of dates) if (!ISO_DATE.test(d)) throw new PipelineStateError(`affected date "${d}" of ${table} is not YYYY-MM-DD`);
  if (dates.length === 0) return [];
  if (level === 'table') return [curatedTablePrefix(table)];
  const cut = level === 'day' ? 10 : level === 'month' ? 8 : 5; // '2024-01-05' | '2024-01-' | '2024-'
  const keys = [...new Set(dates.map((d) => d.slice(0, cut)))].sort();
  return keys.map((k) => (level === 'day' ? curatedPartitionPrefix(table, k) : curatedDatePrefix(table, k)));
}

/** Past this many affected dates of a table its load keeps every date it stages (a date list would near the Data
 * API's 100 KB statement: about 26 bytes a date; replacing more dates than needed is still exact). */
export const MAX_FILTERED_DATES = 1000;

/** The load templates' {{date_filter}}: business_date among the table's affected dates (checked ISO dates). */
export function dateFilter(dates: string[]): string {
  if (dates.length === 0 || dates.length > MAX_FILTERED_DATES) return 'TRUE';
  return `business_date IN (${[...new Set(dates)].sort().map((d) => `CAST('${d}' AS DATE)`).join(', ')})`;
}

/** A template's statements; the ones using {{prefix}} repeated for each prefix. */
function renderTemplate(file: string, params: Record<string, string>, prefixes: string[] = []): string[] {
  const out: string[] = [];
  for (const statement of splitSqlStatements(readSql(file))) {
    if (statement.includes('{{prefix}}')) {
      for (const prefix of prefixes) out.push(renderSql(statement, { ...params, prefix }));
    } else out.push(renderSql(statement, params));
  }
  return out;
}

function checkSource(source: CopySource): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(source.bucket)) throw new ConfigurationError(`"${source.bucket}" is not an S3 bucket name`);
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(source.role)) throw new ConfigurationError(`"${source.role}" is not an IAM role ARN`);
}

/** The reference load's statements: the rates COPY (its {{prefix}}) only when the file exists. */
function referenceStatements(params: Record<string, string>, reference: ReferenceLoad): string[] {
  // rendered into the SQL as a literal: only a checked code may get there
  if (!CURRENCY_CODE.test(reference.reportingCurrency)) throw new ConfigurationError(`reporting currency "${reference.reportingCurrency}" is not an ISO 4217 code`);
  const withCurrency = { ...params, reporting_currency: reference.reportingCurrency };
  return renderTemplate('redshift/load_reference.sql', withCurrency, reference.exchangeRates ? [EXCHANGE_RATES_KEY] : []);
}

export interface LoadPlan {
  statements: string[];
  prefixLevel: PrefixLevel;
}

/** The derived tables' refresh (DERIVED_FILES): the batch that follows every load, in a transaction of its own. */
export function buildDerivedStatements(): string[] {
  return DERIVED_FILES.flatMap((file) => renderTemplate(file, {}));
}

/**
 * The Redshift statements that bring the warehouse's facts up to date after a batch: dimensions from the reference
 * CSVs (stores, products, exchange rates when the file exists, the reporting currency), the affected dates of each
 * fact from the curated Parquet, then the calendar for the date range; the dates and order lines whose derived rows
 * change are added to the work lists that buildDerivedStatements' batch then rebuilds. DML (COPY, DELETE, INSERT),
 * besides each fact's temporary staging table of the batch's session (CREATE TEMP TABLE ... (LIKE stg_...)): the
 * pipeline's database role owns no table of the schema and may not create or replace one, so the schema comes from
 * the migrations (./migrations.ts), applied at deploy and when the local warehouse opens.
 * At most `limit` statements: with many affected dates the COPY prefixes coarsen to months, years or the
 * whole table, and the statements after each COPY keep the affected dates of what it staged (dateFilter).
 */
export function buildLoadStatements(
  affectedDates: Partial<Record<CuratedTable, string[]>>,
  source: CopySource,
  reference: ReferenceLoad,
  limit = DATA_API_BATCH_LIMIT,
): LoadPlan {
  checkSource(source);
  const params = { bucket: source.bucket, role: source.role, stores_key: STORES_KEY, products_key: PRODUCTS_KEY };
  const tables = Object.keys(LOAD_FILES) as CuratedTable[];
  for (const level of LEVELS) {
    const statements = referenceStatements(params, reference);
    for (const table of tables) {
      const prefixes = partitionPrefixes(table, affectedDates[table] ?? [], level);
      // the prefixes checked the dates: only ISO dates reach the filter
      if (prefixes.length) statements.push(...renderTemplate(LOAD_FILES[table], { ...params, date_filter: dateFilter(affectedDates[table] ?? []) }, prefixes));
    }
    statements.push(...renderTemplate('redshift/load_calendar.sql', params));
    if (statements.length <= limit) return { statements, prefixLevel: level };
  }
  throw new ConfigurationError(`the warehouse load needs more than ${limit} statements even at table level`);
}
