import type { Row } from '../../functions/lib/ports';
import { toCsv } from '../../functions/lib/reference/reference-data';

export type OutputFormat = 'table' | 'json' | 'csv';

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A cell a spreadsheet would run as a formula (CSV injection) gets a leading quote, so it shows as text. */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rows as an aligned text table (numbers right-aligned), JSON lines, or CSV (formula cells neutralised unless `rawCsv`). */
export function formatRows(rows: Row[], format: OutputFormat, opts: { rawCsv?: boolean } = {}): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  const columns = rows.length ? Object.keys(rows[0]) : [];
  if (format === 'csv') {
    const csvCell = opts.rawCsv ? cell : (v: unknown): string => neutralizeFormula(cell(v));
    return toCsv(columns, rows.map((r) => Object.fromEntries(columns.map((c) => [c, csvCell(r[c])]))));
  }
  if (rows.length === 0) return '(no rows)\n';
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const line = (values: string[]): string =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))];
  return out.join('\n') + `\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
}
