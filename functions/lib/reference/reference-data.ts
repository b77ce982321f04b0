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

type Row = Record<string, string>;

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
  let rows: Row[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
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
  readRows(file, text, STORE_COLUMNS, STORE_OPTIONAL_COLUMN).forEach((row, i) => {
    const line = i + 2;
    const store_id = requireText(file, line, row, 'store_id');
    checkUnique(file, stores, store_id, line, 'store_id');
    const manager_email = requireText(file, line, row, 'manager_email');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(manager_email)) throw new ReferenceDataError(file, line, 'manager_email', `not an e-mail address: "${manager_email}"`);
    const timezone = requireText(file, line, row, 'timezone');
    if (!isValidTimeZone(timezone)) throw new ReferenceDataError(file, line, 'timezone', `unknown IANA time zone "${timezone}"`);
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
