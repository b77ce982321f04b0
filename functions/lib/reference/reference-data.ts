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

export interface ReferenceData {
  stores: Map<string, Store>;
  products: Map<string, Product>;
}

export const STORE_COLUMNS = ['store_id', 'store_name', 'region', 'manager_email', 'timezone', 'target_daily_revenue'] as const;
export const PRODUCT_COLUMNS = ['sku', 'product_name', 'category', 'brand', 'unit_cost', 'list_price', 'supplier', 'lead_time_days'] as const;

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

function readRows(file: string, text: string, columns: readonly string[]): Row[] {
  let rows: Row[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ReferenceDataError(file, e.lines ?? null, null, `not valid CSV (${e.message})`);
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].split(',').map((h) => h.trim());
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length) throw new ReferenceDataError(file, 1, missing[0], `missing column (expected ${columns.join(', ')})`);
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
  readRows(file, text, STORE_COLUMNS).forEach((row, i) => {
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
    });
  });
  return stores;
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

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends object>(columns: readonly (keyof T & string)[], rows: Iterable<T>): string {
  const out = [columns.join(',')];
  for (const row of rows) out.push(columns.map((c) => csvCell(row[c] as string | number)).join(','));
  return out.join('\n') + '\n';
}
