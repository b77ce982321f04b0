import {
  commonFunctions,
  copyReadSql,
  rewriteDateFunctions,
  translateScriptWith,
  translateWith,
  unboundedVarchar,
  type DialectRules,
  type TranslateOptions,
} from './redshift-dialect';

export { RedshiftTranslationError, type TranslateOptions } from './redshift-dialect';

/**
 * Redshift -> DuckDB, the local warehouse's rule set of the dialect seam (local/warehouse/redshift-dialect.ts;
 * Redshift -> PostgreSQL, for the tests, is beside it). sql/redshift/ stays the only copy of the warehouse SQL.
 * Rules (each has a test in test/local/warehouse/redshift-to-duckdb.test.ts):
 *
 *  1. Physical design is dropped: DISTSTYLE, DISTKEY, [COMPOUND|INTERLEAVED] SORTKEY, ENCODE, BACKUP.
 *  2. IDENTITY(seed, step) and GENERATED ... AS IDENTITY are dropped (write explicit keys).
 *  3. Constraints are dropped: PRIMARY KEY, UNIQUE, FOREIGN KEY / REFERENCES. Redshift only declares them for
 *     the planner; DuckDB would enforce them (and refuse to delete a dimension row a fact refers to), so the
 *     local warehouse would behave differently from the real one. NOT NULL is kept (Redshift enforces it).
 *  4. Types: VARCHAR(MAX) -> VARCHAR, NVARCHAR / NCHAR / BPCHAR -> VARCHAR, SUPER -> JSON,
 *     VARBYTE / VARBINARY -> BLOB; GEOMETRY, GEOGRAPHY, HLLSKETCH are refused.
 *  5. COPY t [(cols)] FROM 's3://<any bucket>/<prefix>' ... FORMAT AS PARQUET
 *     -> INSERT INTO t [(cols)] SELECT * FROM read_parquet([<the *.parquet files under lakeRoot/<prefix>>],
 *        hive_partitioning = false): columns by position, as Redshift maps them; partition folders add none.
 *     The prefix has S3 semantics (any key starting with it); no file is an error, as it is for Redshift.
 *  6. COPY ... CSV [IGNOREHEADER n] [DELIMITER 'c'] [QUOTE [AS] 'c'] -> INSERT INTO ... SELECT * FROM
 *     read_csv([...], all_varchar = true, ...): fields by position, converted by the INSERT to the column types;
 *     with a column list, exactly that many fields (FILLRECORD: missing trailing fields load as NULL).
 *     Credentials, region and load-tuning options are ignored; MANIFEST and other formats are refused.
 *  7. Functions: GETDATE() and SYSDATE -> the current UTC timestamp; NVL( -> COALESCE(;
 *     DATEADD(part, n, x) -> (CAST(x AS TIMESTAMP) + INTERVAL (n) part) (Redshift returns a TIMESTAMP too);
 *     DATEDIFF(part, a, b) -> date_diff('part', a, b) (both count boundaries crossed).
 *  8. VACUUM, ANALYZE and access control (GRANT, REVOKE, ALTER DEFAULT PRIVILEGES, CREATE ROLE, CREATE / ALTER USER) have no local
 *     meaning: the statement is skipped (null).
 *  9. CREATE [TEMP] TABLE t (LIKE parent) -> CREATE [TEMP] TABLE t AS SELECT * FROM parent LIMIT 0: DuckDB has no
 *     LIKE; the parent's columns and types (the staging tables it is used with have no constraints to carry over).
 *
 * Division: Redshift divides integers as integers; DuckDbWarehouse sets DuckDB's `integer_division` so `/`
 * agrees. Decimal division differs in result scale between the two: the SQL casts such results explicitly.
 * Literals, quoted identifiers and comments are never rewritten.
 */
const DUCKDB_RULES: DialectRules<string> = {
  engine: 'DuckDB',
  access: () => null,
  copy: (copy) => `INSERT INTO ${copy.table}${copy.columns ? ` ${copy.columns}` : ''} ${copyReadSql(copy)}`,
  statement: (sql) => sql,
  tableLike: (create, parent) => `${create} AS SELECT * FROM ${parent} LIMIT 0`,
  types: (code) =>
    unboundedVarchar(code)
      .replace(/\b(?:NVARCHAR|NCHAR|BPCHAR)\b/gi, 'VARCHAR')
      .replace(/\bSUPER\b/gi, 'JSON')
      .replace(/\b(?:VARBYTE|VARBINARY|BINARY\s+VARYING)\b(?:\s*\(\s*\d+\s*\))?/gi, 'BLOB'),
  functions: (code, restore, statement) =>
    rewriteDateFunctions(commonFunctions(code), restore, statement, {
      dateAdd: (part, n, x) => {
        const [count, unit] = part === 'quarter' ? [`(${n}) * 3`, 'MONTH'] : [n, part.toUpperCase()];
        return `(CAST(${x} AS TIMESTAMP) + INTERVAL (${count}) ${unit})`;
      },
      dateDiff: (part, a, b) => `date_diff('${part}', ${a}, ${b})`,
    }),
};

/** A Redshift statement as DuckDB SQL, or null when it has no local meaning (rule 8). */
export function translateStatement(sql: string, options: TranslateOptions): string | null {
  return translateWith(DUCKDB_RULES, sql, options);
}

/** Every statement of a Redshift SQL text, translated; skipped statements left out. */
export function translateScript(script: string, options: TranslateOptions): string[] {
  return translateScriptWith(DUCKDB_RULES, script, options);
}
