import { parse } from 'csv-parse/sync';
import { DataError } from '../errors';

export interface Store {
  store_id: string;
  store_name: string;
  region: string;
  manager_email: string;
  timezone: string;
  target_daily_revenue: number;
  /** ISO 4217 code of the store's amounts (prices, revenue, target); absent: the stage's reporting currency */
  currency?: string;
}

export interface Product {
  sku: string;
  product_name: string;
  category: string;
  brand: string;
  unit_cost: number;
  list_price: number;
  supplier: string;
  lead_time_days: number;
}

/** One row of exchange_rates.csv: 1 unit of `currency` is worth `rate` units of the reporting currency on
 * `rate_date` (a date without a row takes the latest earlier rate, in the warehouse's v_exchange_rate_daily). */
export interface ExchangeRate {
  rate_date: string;
  currency: string;
  rate: number;
}

export interface ReferenceData {
  stores: Map<string, Store>;
  products: Map<string, Product>;
}

export const STORE_COLUMNS = ['store_id', 'store_name', 'region', 'manager_email', 'timezone', 'target_daily_revenue'] as const;
/** stores.csv may end with this column (existing lakes' files do not have it). */
export const STORE_OPTIONAL_COLUMN = 'currency';
/** The stores file's full layout, as written: the warehouse COPY maps its fields by position, in this order. */
export const STORE_FILE_COLUMNS = [...STORE_COLUMNS, STORE_OPTIONAL_COLUMN] as const;
export const PRODUCT_COLUMNS = ['sku', 'product_name', 'category', 'brand', 'unit_cost', 'list_price', 'supplier', 'lead_time_days'] as const;
export const EXCHANGE_RATE_COLUMNS = ['rate_date', 'currency', 'rate'] as const;

/** ISO 4217 alphabetic code: three upper-case letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** A reference file that cannot be used, with the file, line and field at fault. */
export class ReferenceDataError extends DataError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    readonly reason: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ''}${field ? ` ${field}` : ''}: ${reason}`);
    this.name = 'ReferenceDataError';
  }
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** isValidTimeZone, asked once per distinct zone: building a formatter costs ~0.2 ms, and stores share a few zones. */
function timeZoneChecker(): (tz: string) => boolean {
  const known = new Map<string, boolean>();
  return (tz) => {
    let valid = known.get(tz);
    if (valid === undefined) known.set(tz, (valid = isValidTimeZone(tz)));
    return valid;
  };
}

type Row = Record<string, string>;

/** How the reference files are read: a header row naming the columns, fields trimmed, empty lines skipped. */
export const CSV_OPTIONS = { columns: true, skip_empty_lines: true, trim: true, bom: true } as const;

/** What csv-parse's `trim` removes at a field's start (its end is trimmed as by String.prototype.trimEnd). */
const LEADING_TRIM = /^[ \t\f]+/;
function csvTrim(field: string): string {
  // the usual field starts with a character above space and ends in printable ASCII: nothing to trim
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(field.length - 1);
  if (first > 32 && last > 32 && last < 127) return field;
  return field.replace(LEADING_TRIM, '').trimEnd();
}

/** String.prototype.isWellFormed (Node 20; the compiler's lib here predates it): no lone surrogate. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The rows of a file with nothing for a CSV parser to interpret: no quote, no carriage return, every non-empty line
 * with as many fields as `header` (already checked: the expected columns). Read by splitting, they are the rows
 * csv-parse returns with CSV_OPTIONS, in a fraction of the time (a 50,000-SKU catalog: ~0.05 s, csv-parse ~0.25 s). Any other file:
 * undefined, and csv-parse reads it (and names the line at fault when it is not valid CSV).
 */
export function plainCsvRows(text: string, header: readonly string[]): Row[] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // csv-parse reads UTF-8 bytes: a lone surrogate would come back as U+FFFD
  if (body.includes('"') || body.includes('\r') || !isWellFormed(body)) return undefined;
  const lines = body.split('\n');
  if (lines[0].split(',').some((cell, i) => csvTrim(cell) !== header[i])) return undefined;
  const rows: Row[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n] === '') continue;
    const fields = lines[n].split(',');
    if (fields.length !== header.length) return undefined;
    const row: Row = {};
    for (let i = 0; i < fields.length; i++) row[header[i]] = csvTrim(fields[i]);
    rows.push(row);
  }
  return rows;
}

function headerOf(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].split(',').map((h) => h.trim());
}

/**
 * Files the warehouse COPYs map their fields by position, so their header must be exactly `columns` in that order,
 * optionally followed by `optional` (a file without it loads the column empty).
 */
function checkColumnOrder(file: string, header: string[], columns: readonly string[], optional?: string): void {
  const expected = optional && header.length > columns.length ? [...columns, optional] : columns;
  const at = expected.findIndex((c, i) => header[i] !== c);
  const extra = header.length > expected.length ? header[expected.length] : undefined;
  if (at >= 0 || extra !== undefined) {
    const layout = `${columns.join(',')}${optional ? ` and optionally ,${optional}` : ''}`;
    throw new ReferenceDataError(file, 1, at >= 0 ? header[at] || expected[at] : extra!, `columns must be ${layout}, in this order (the warehouse load maps them by position)`);
  }
}

function readRows(file: string, text: string, columns: readonly string[], optional?: string): Row[] {
  const header = headerOf(text);
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length) throw new ReferenceDataError(file, 1, missing[0], `missing column (expected ${columns.join(', ')})`);
  checkColumnOrder(file, header, columns, optional);
  let rows: Row[] | undefined = plainCsvRows(text, header);
  try {
    rows ??= parse(text, CSV_OPTIONS) as Row[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ReferenceDataError(file, e.lines ?? null, null, `not valid CSV (${e.message})`);
  }
  if (rows.length === 0) throw new ReferenceDataError(file, null, null, 'has no data rows');
  return rows;
}

function requireText(file: string, line: number, row: Row, field: string): string {
  const v = row[field];
  if (!v) throw new ReferenceDataError(file, line, field, 'is empty');
  return v;
}

function requireNumber(file: string, line: number, row: Row, field: string, opts: { integer?: boolean } = {}): number {
  const raw = requireText(file, line, row, field);
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (opts.integer && !Number.isInteger(n))) {
    throw new ReferenceDataError(file, line, field, `must be a ${opts.integer ? 'whole ' : ''}number >= 0, got "${raw}"`);
  }
  return n;
}

function checkUnique<T>(file: string, map: Map<string, T>, key: string, line: number, field: string): void {
  if (map.has(key)) throw new ReferenceDataError(file, line, field, `duplicate value "${key}"`);
}

export function parseStoresCsv(text: string, file = 'stores.csv'): Map<string, Store> {
  const stores = new Map<string, Store>();
  const isKnownTimeZone = timeZoneChecker();
  readRows(file, text, STORE_COLUMNS, STORE_OPTIONAL_COLUMN).forEach((row, i) => {
    const line = i + 2;
    const store_id = requireText(file, line, row, 'store_id');
    checkUnique(file, stores, store_id, line, 'store_id');
    const manager_email = requireText(file, line, row, 'manager_email');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(manager_email)) throw new ReferenceDataError(file, line, 'manager_email', `not an e-mail address: "${manager_email}"`);
    const timezone = requireText(file, line, row, 'timezone');
    if (!isKnownTimeZone(timezone)) throw new ReferenceDataError(file, line, 'timezone', `unknown IANA time zone "${timezone}"`);
    stores.set(store_id, {
      store_id,
      store_name: requireText(file, line, row, 'store_name'),
      region: requireText(file, line, row, 'region'),
      manager_email,
      timezone,
      target_daily_revenue: requireNumber(file, line, row, 'target_daily_revenue'),
      ...optionalCurrency(file, line, row),
    });
  });
  return stores;
}

/** The store's `currency` when the file has the column and the row a value (empty: the reporting currency). */
function optionalCurrency(file: string, line: number, row: Row): { currency?: string } {
  const v = row[STORE_OPTIONAL_COLUMN];
  if (!v) return {};
  if (!CURRENCY_CODE.test(v)) throw new ReferenceDataError(file, line, STORE_OPTIONAL_COLUMN, `must be an ISO 4217 code (3 upper-case letters) or empty, got "${v}"`);
  return { currency: v };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
function isRealDate(v: string): boolean {
  const m = ISO_DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}

/** exchange_rates.csv: rate_date (YYYY-MM-DD), currency (ISO 4217), rate (> 0); one row per date and currency. */
export function parseExchangeRatesCsv(text: string, file = 'exchange_rates.csv'): ExchangeRate[] {
  const rates: ExchangeRate[] = [];
  const seen = new Set<string>();
  readRows(file, text, EXCHANGE_RATE_COLUMNS).forEach((row, i) => {
    const line = i + 2;
    const rate_date = requireText(file, line, row, 'rate_date');
    if (!isRealDate(rate_date)) throw new ReferenceDataError(file, line, 'rate_date', `must be a date YYYY-MM-DD, got "${rate_date}"`);
    const currency = requireText(file, line, row, 'currency');
    if (!CURRENCY_CODE.test(currency)) throw new ReferenceDataError(file, line, 'currency', `must be an ISO 4217 code (3 upper-case letters), got "${currency}"`);
    const rawRate = requireText(file, line, row, 'rate');
    const rate = Number(rawRate);
    // dim_exchange_rate.rate is DECIMAL(18,8): below 10^10
    if (!Number.isFinite(rate) || rate <= 0 || rate >= 1e10) throw new ReferenceDataError(file, line, 'rate', `must be a number > 0 and < 10000000000, got "${rawRate}"`);
    const key = `${rate_date} ${currency}`;
    if (seen.has(key)) throw new ReferenceDataError(file, line, 'rate_date', `duplicate rate for ${currency} on ${rate_date}`);
    seen.add(key);
    rates.push({ rate_date, currency, rate });
  });
  return rates;
}

export function parseProductsCsv(text: string, file = 'products.csv'): Map<string, Product> {
  const products = new Map<string, Product>();
  readRows(file, text, PRODUCT_COLUMNS).forEach((row, i) => {
    const line = i + 2;
    const sku = requireText(file, line, row, 'sku');
    checkUnique(file, products, sku, line, 'sku');
    products.set(sku, {
      sku,
      product_name: requireText(file, line, row, 'product_name'),
      category: requireText(file, line, row, 'category'),
      brand: requireText(file, line, row, 'brand'),
      unit_cost: requireNumber(file, line, row, 'unit_cost'),
      list_price: requireNumber(file, line, row, 'list_price'),
      supplier: requireText(file, line, row, 'supplier'),
      lead_time_days: requireNumber(file, line, row, 'lead_time_days', { integer: true }),
    });
  });
  return products;
}

/** A CSV field; an absent optional value (undefined) is written empty. */
function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends object>(columns: readonly (keyof T & string)[], rows: Iterable<T>): string {
  const out = [columns.join(',')];
  for (const row of rows) out.push(columns.map((c) => csvCell(row[c] as string | number | undefined)).join(','));
  return out.join('\n') + '\n';
}
