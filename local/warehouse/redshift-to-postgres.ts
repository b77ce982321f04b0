import {
  commonFunctions,
  copyReadSql,
  rewriteDateFunctions,
  translateScriptWith,
  translateWith,
  unboundedVarchar,
  RedshiftTranslationError,
  type DatePart,
  type DialectRules,
  type TranslateOptions,
} from './redshift-dialect';

/**
 * Redshift -> PostgreSQL, the rule set of the dialect seam (local/warehouse/redshift-dialect.ts) that lets the
 * tests run sql/redshift/ on real PostgreSQL (PGlite), where ownership, grants, roles, transactions and MERGE
 * behave as on Redshift (Redshift descends from PostgreSQL and keeps its privilege model). Rules (each has a
 * test in test/local/warehouse/redshift-to-postgres.test.ts):
 *
 *  1. Physical design is dropped: DISTSTYLE, DISTKEY, SORTKEY, ENCODE, BACKUP (PostgreSQL has no such clauses).
 *  2. IDENTITY(seed, step) and GENERATED ... AS IDENTITY are dropped, as for DuckDB.
 *  3. PRIMARY KEY, UNIQUE and FOREIGN KEY are dropped: Redshift does not enforce them, PostgreSQL would (a load
 *     that Redshift accepts must not fail here). NOT NULL is kept: Redshift enforces it.
 *  4. Types: VARCHAR(MAX) -> VARCHAR, NVARCHAR -> VARCHAR, NCHAR -> CHAR, SUPER -> JSONB,
 *     VARBYTE / VARBINARY -> BYTEA; GEOMETRY, GEOGRAPHY, HLLSKETCH are refused. (VARCHAR(n) counts bytes in
 *     Redshift and characters in PostgreSQL: a test of byte bounds cannot rely on this harness.)
 *  5. COPY (Parquet or CSV) -> a PostgresCopy: the rows of the files, read by DuckDB exactly as the DuckDB rule set
 *     reads them (copyReadSql, every value as text), inserted by position with INSERT ... VALUES. Redshift's COPY
 *     needs only INSERT on the table; PostgreSQL's COPY FROM a file needs a server-file role, so an INSERT keeps
 *     the privileges the same.
 *  6. Functions: GETDATE() and SYSDATE -> the current UTC timestamp; NVL( -> COALESCE(;
 *     DATEADD(part, n, x) -> (CAST(x AS TIMESTAMP) + (n) * INTERVAL '1 part');
 *     DATEDIFF(part, a, b) counts the boundaries crossed, as Redshift does (day: a date subtraction; month,
 *     quarter, year: from the calendar fields; hour, minute, second: from truncated timestamps); week is refused.
 *  7. VACUUM and ANALYZE are skipped (PostgreSQL cannot VACUUM inside the transaction a batch runs in).
 *  8. Access control runs: GRANT / REVOKE / ALTER DEFAULT PRIVILEGES ... TO ROLE r -> ... TO r (Redshift names
 *     a role grantee with ROLE; PostgreSQL does not), GRANT ROLE r TO u -> GRANT r TO u, CREATE ROLE and
 *     CREATE / ALTER USER as they are.
 *
 * Integer division truncates in both. Literals, quoted identifiers and comments are never rewritten.
 */
export type PostgresStatement = { sql: string } | { copy: PostgresCopy };

/** Rule 5: rows to insert, read from lake files by DuckDB. */
export interface PostgresCopy {
  /** `INSERT INTO t [(cols)]`, to be followed by VALUES */
  insertInto: string;
  /** a DuckDB SELECT of the rows, every column as VARCHAR (NULL stays NULL) */
  rowsSql: string;
}

const INTERVAL_UNITS: Partial<Record<DatePart, string>> = { year: '1 year', quarter: '3 months', month: '1 month', week: '7 days', day: '1 day', hour: '1 hour', minute: '1 minute', second: '1 second' };
const SECONDS: Partial<Record<DatePart, number>> = { hour: 3600, minute: 60, second: 1 };

function dateDiff(part: DatePart, a: string, b: string, statement: string): string {
  const ts = (x: string): string => `CAST(${x} AS TIMESTAMP)`;
  const field = (f: string, x: string): string => `EXTRACT(${f} FROM ${ts(x)})`;
  const years = `(${field('YEAR', b)} - ${field('YEAR', a)})`;
  switch (part) {
    case 'day':
      return `(CAST(${b} AS DATE) - CAST(${a} AS DATE))`;
    case 'year':
      return `CAST(${years} AS BIGINT)`;
    case 'month':
      return `CAST(${years} * 12 + ${field('MONTH', b)} - ${field('MONTH', a)} AS BIGINT)`;
    case 'quarter':
      return `CAST(${years} * 4 + ${field('QUARTER', b)} - ${field('QUARTER', a)} AS BIGINT)`;
    case 'week':
      throw new RedshiftTranslationError(statement, 'DATEDIFF(week, ...) is not supported by the PostgreSQL translator');
    default:
      return `CAST(EXTRACT(EPOCH FROM date_trunc('${part}', ${ts(b)}) - date_trunc('${part}', ${ts(a)})) / ${SECONDS[part]} AS BIGINT)`;
  }
}

const POSTGRES_RULES: DialectRules<PostgresStatement> = {
  engine: 'PostgreSQL',
  access: (code) => code.replace(/\b(TO|FROM)\s+ROLE\s+/gi, '$1 ').replace(/\bGRANT\s+ROLE\s+/gi, 'GRANT '),
  copy: (copy) => ({
    copy: {
      insertInto: `INSERT INTO ${copy.table}${copy.columns ? ` ${copy.columns}` : ''}`,
      rowsSql: `SELECT COLUMNS(*)::VARCHAR FROM (${copyReadSql(copy)})`,
    },
  }),
  statement: (sql) => ({ sql }),
  types: (code) =>
    unboundedVarchar(code)
      .replace(/\bNVARCHAR\b/gi, 'VARCHAR')
      .replace(/\bNCHAR\b/gi, 'CHAR')
      .replace(/\bSUPER\b/gi, 'JSONB')
      .replace(/\b(?:VARBYTE|VARBINARY|BINARY\s+VARYING)\b(?:\s*\(\s*\d+\s*\))?/gi, 'BYTEA'),
  functions: (code, restore, statement) =>
    rewriteDateFunctions(commonFunctions(code), restore, statement, {
      dateAdd: (part, n, x) => `(CAST(${x} AS TIMESTAMP) + (${n}) * INTERVAL '${INTERVAL_UNITS[part]}')`,
      dateDiff: (part, a, b) => dateDiff(part, a, b, statement),
    }),
};

/** A Redshift statement for PostgreSQL, or null when it has no meaning there (rule 7). */
export function translateForPostgres(sql: string, options: TranslateOptions): PostgresStatement | null {
  return translateWith(POSTGRES_RULES, sql, options);
}

/** Every statement of a Redshift SQL text for PostgreSQL; skipped statements left out. */
export function translateScriptForPostgres(script: string, options: TranslateOptions): PostgresStatement[] {
  return translateScriptWith(POSTGRES_RULES, script, options);
}
