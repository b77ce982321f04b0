import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../ports';

/** Column types whose JSON form is a string but whose meaning is a number (counts, sums, money). */
const NUMERIC_AS_STRING = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/;

/** Runs a query and returns plain rows: numbers as numbers, dates and timestamps as ISO-like strings. */
export async function readRows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const numeric = reader.columnTypes().map((t) => NUMERIC_AS_STRING.test(t.toString()));
  return reader.getRowObjectsJson().map((row) => {
    const out: Row = {};
    names.forEach((name, i) => {
      const v = row[name];
      out[name] = numeric[i] && typeof v === 'string' ? Number(v) : v;
    });
    return out;
  });
}

/** A single-quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
