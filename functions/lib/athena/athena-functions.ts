import { maskSql } from '../warehouse/sql-text';

/**
 * The functions the lake's SQL (sql/athena/) may call: the Athena engine v3 (Trino) functions it uses or is
 * expected to use, each of which the local engine (DuckDB) also runs with the same meaning. A function outside
 * this list is refused by test/sql/athena/athena-functions.test.ts: before adding one, check that Athena engine
 * version 3 (Trino) has it with the same signature and that DuckDB gives the same result.
 */
export const ATHENA_V3_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregates
  'avg', 'count', 'max', 'min', 'sum', 'approx_distinct',
  // window functions
  'dense_rank', 'lag', 'lead', 'rank', 'row_number',
  // conditional and conversion
  'cast', 'coalesce', 'greatest', 'least', 'nullif', 'try_cast',
  // arithmetic
  'abs', 'ceil', 'floor', 'round',
  // strings
  'concat', 'length', 'lower', 'substr', 'trim', 'upper',
  // dates
  'date_trunc', 'year', 'month', 'day',
]);

/**
 * Words followed by `(` that are not function calls: SQL keywords (`IN (`, `OVER (`, `EXISTS (`, `AS (` of a
 * CTE, `VALUES (`, `FILTER (`) and type names with a precision (`DECIMAL(18,2)`).
 */
const NOT_FUNCTIONS: ReadonlySet<string> = new Set([
  'and', 'as', 'by', 'decimal', 'else', 'exists', 'filter', 'from', 'in', 'join', 'not', 'on', 'or', 'over', 'select',
  'then', 'union', 'using', 'values', 'varchar', 'char', 'when', 'where', 'with',
]);

/** The functions a SQL text calls (lower case, sorted, once each), string literals and comments left out. */
export function functionsCalled(sql: string): string[] {
  const code = maskSql(sql).code;
  const names = new Set<string>();
  for (const m of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = m[1].toLowerCase();
    if (!NOT_FUNCTIONS.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** The functions a SQL text calls that are not in ATHENA_V3_FUNCTIONS. */
export function functionsOutsideAthena(sql: string): string[] {
  return functionsCalled(sql).filter((f) => !ATHENA_V3_FUNCTIONS.has(f));
}
