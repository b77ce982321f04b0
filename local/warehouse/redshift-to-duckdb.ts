import { join } from 'node:path';
import { sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { ConfigurationError } from '../../functions/lib/errors';
import { maskSql, previewSql, splitSqlStatements, unquoteString } from '../../functions/lib/warehouse/sql-text';
import { listLakeKeys } from './lake-keys';

/**
 * The one place where Redshift's dialect becomes DuckDB's, so sql/redshift/ is the only copy of the warehouse
 * SQL. Rules (each has a test in test/local/warehouse/redshift-to-duckdb.test.ts):
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
 *     read_csv([...], all_varchar = true, ...): fields by position, converted by the INSERT to the column types.
 *     Credentials, region and load-tuning options are ignored; MANIFEST and other formats are refused.
 *  7. Functions: GETDATE() and SYSDATE -> the current UTC timestamp; NVL( -> COALESCE(;
 *     DATEADD(part, n, x) -> (CAST(x AS TIMESTAMP) + INTERVAL (n) part) (Redshift returns a TIMESTAMP too);
 *     DATEDIFF(part, a, b) -> date_diff('part', a, b) (both count boundaries crossed).
 *  8. VACUUM, ANALYZE, GRANT and REVOKE have no local meaning: the statement is skipped (null).
 *
 * Division: Redshift divides integers as integers; DuckDbWarehouse sets DuckDB's `integer_division` so `/`
 * agrees. Decimal division differs in result scale between the two: the SQL casts such results explicitly.
 * Literals, quoted identifiers and comments are never rewritten.
 */
export interface TranslateOptions {
  /** the folder that stands for every S3 bucket the statements name */
  lakeRoot: string;
  /** keys under an S3 prefix (default: the files in the lake folder, see listLakeKeys) */
  listKeys?: (prefix: string) => string[];
}

/** A Redshift statement the local translator cannot run in DuckDB. */
export class RedshiftTranslationError extends ConfigurationError {
  constructor(statement: string, reason: string) {
    super(`cannot run locally: ${reason} (in "${previewSql(statement)}")`);
    this.name = 'RedshiftTranslationError';
  }
}

/** A Redshift statement as DuckDB SQL, or null when it has no local meaning (rule 8). */
export function translateStatement(sql: string, options: TranslateOptions): string | null {
  const masked = maskSql(sql);
  let code = masked.code.trim().replace(/;\s*$/, '');
  if (/^(?:VACUUM|ANALYZE|GRANT|REVOKE)\b/i.test(code)) return null;
  if (/^COPY\b/i.test(code)) return translateCopy(masked.restore(code), options);
  const unsupported = /\b(GEOMETRY|GEOGRAPHY|HLLSKETCH)\b/i.exec(code);
  if (unsupported) throw new RedshiftTranslationError(sql, `type ${unsupported[1].toUpperCase()} has no DuckDB equivalent`);
  if (/^(?:CREATE|ALTER)\s+(?:(?:LOCAL\s+)?(?:TEMP|TEMPORARY)\s+)?TABLE\b/i.test(code)) code = dropPhysicalDesign(code);
  code = mapTypes(code);
  code = mapFunctions(code, masked.restore, sql);
  return masked.restore(code);
}

/** Every statement of a Redshift SQL text, translated; skipped statements left out. */
export function translateScript(script: string, options: TranslateOptions): string[] {
  return splitSqlStatements(script)
    .map((s) => translateStatement(s, options))
    .filter((s): s is string => s !== null);
}

// Rules 1-3 (CREATE / ALTER TABLE only).
function dropPhysicalDesign(code: string): string {
  return (
    code
      // table-level constraints, with the comma before them
      .replace(/,\s*(?:CONSTRAINT\s+\w+\s+)?(?:PRIMARY\s+KEY|UNIQUE)\s*\([^)]*\)/gi, '')
      .replace(/,\s*(?:CONSTRAINT\s+\w+\s+)?FOREIGN\s+KEY\s*\([^)]*\)\s*REFERENCES\s+[\w.\uE000]+\s*(?:\([^)]*\))?/gi, '')
      // column-level constraints
      .replace(/\s+REFERENCES\s+[\w.\uE000]+\s*(?:\([^)]*\))?/gi, '')
      .replace(/\s+(?:PRIMARY\s+KEY|UNIQUE)\b/gi, '')
      // identity columns
      .replace(/\s+GENERATED\s+(?:BY\s+DEFAULT|ALWAYS)\s+AS\s+IDENTITY\s*(?:\([^)]*\))?/gi, '')
      .replace(/\s+IDENTITY\s*\(\s*-?\d+\s*,\s*-?\d+\s*\)/gi, '')
      // distribution, sort keys, compression, backup (table or column level)
      .replace(/\s*\bDISTSTYLE\s+(?:ALL|EVEN|KEY|AUTO)\b/gi, '')
      .replace(/\s*\bDISTKEY\b(?:\s*\([^)]*\))?/gi, '')
      .replace(/\s*\b(?:COMPOUND\s+|INTERLEAVED\s+)?SORTKEY\b(?:\s*\([^)]*\)|\s+AUTO\b)?/gi, '')
      .replace(/\s*\bENCODE\s+\w+/gi, '')
      .replace(/\s*\bBACKUP\s+(?:YES|NO)\b/gi, '')
  );
}

// Rule 4.
function mapTypes(code: string): string {
  return code
    .replace(/\b(?:CHARACTER\s+VARYING|NVARCHAR|VARCHAR|NCHAR|BPCHAR|CHARACTER|CHAR)\s*\(\s*MAX\s*\)/gi, 'VARCHAR')
    .replace(/\b(?:NVARCHAR|NCHAR|BPCHAR)\b/gi, 'VARCHAR')
    .replace(/\bSUPER\b/gi, 'JSON')
    .replace(/\b(?:VARBYTE|VARBINARY|BINARY\s+VARYING)\b(?:\s*\(\s*\d+\s*\))?/gi, 'BLOB');
}

const DATE_PARTS: Record<string, string> = {};
for (const [part, aliases] of Object.entries({
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
})) {
  for (const alias of aliases) DATE_PARTS[alias] = part;
}

function datePart(arg: string, restore: (code: string) => string, statement: string): string {
  let text = restore(arg).trim();
  if (text.startsWith("'")) text = unquoteString(text);
  const part = DATE_PARTS[text.toLowerCase()];
  if (!part) throw new RedshiftTranslationError(statement, `date part "${text}" is not supported by the translator`);
  return part;
}

/** Rewrites every call of `name(...)` (nested calls included) with `rewrite(args)`. */
function rewriteCalls(code: string, name: string, rewrite: (args: string[]) => string): string {
  const re = new RegExp(`\\b${name}\\s*\\(`, 'gi');
  let out = '';
  let from = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) !== null) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let i = open; i < code.length; i++) {
      const c = code[i];
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) {
          close = i;
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(i);
    }
    if (close === -1) return code; // unbalanced: leave it for DuckDB to report
    const bounds = [open, ...commas, close];
    const args = bounds.slice(0, -1).map((b, i) => rewriteCalls(code.slice(b + 1, bounds[i + 1]), name, rewrite).trim());
    out += code.slice(from, m.index) + rewrite(args);
    from = close + 1;
    re.lastIndex = from;
  }
  return out + code.slice(from);
}

// Rule 7.
function mapFunctions(code: string, restore: (code: string) => string, statement: string): string {
  const utcNow = `CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP)`;
  let out = code.replace(/\bGETDATE\s*\(\s*\)/gi, utcNow).replace(/\bSYSDATE\b/gi, utcNow).replace(/\bNVL\s*\(/gi, 'COALESCE(');
  const arity = (fn: string, args: string[]): void => {
    if (args.length !== 3) throw new RedshiftTranslationError(statement, `${fn} takes 3 arguments, got ${args.length}`);
  };
  out = rewriteCalls(out, 'DATEADD', (args) => {
    arity('DATEADD', args);
    const part = datePart(args[0], restore, statement);
    const [n, unit] = part === 'quarter' ? [`(${args[1]}) * 3`, 'MONTH'] : [args[1], part.toUpperCase()];
    return `(CAST(${args[2]} AS TIMESTAMP) + INTERVAL (${n}) ${unit})`;
  });
  out = rewriteCalls(out, 'DATEDIFF', (args) => {
    arity('DATEDIFF', args);
    return `date_diff('${datePart(args[0], restore, statement)}', ${args[1]}, ${args[2]})`;
  });
  return out;
}

type CopyFormat = 'parquet' | 'csv';

/** What a COPY's options say about reading its files. */
interface CopyReadOptions {
  format: CopyFormat;
  csv: { header: number; delim: string; quote: string; nullPadding: boolean };
}

/** The words of a COPY's options, read one at a time. */
class CopyOptionTokens {
  private readonly tokens: string[];
  private at = -1;

  constructor(
    private readonly statement: string,
    optionText: string,
  ) {
    this.tokens = optionText.match(/'(?:[^']|'')*'|[^\s']+/g) ?? [];
  }

  next(): string | undefined {
    return this.tokens[++this.at];
  }

  /** the value after an option word, past an optional AS */
  value(): string | undefined {
    if (this.tokens[++this.at]?.toUpperCase() === 'AS') this.at++;
    return this.tokens[this.at];
  }

  /** a value that must be a quoted string, unquoted */
  quoted(what: string): string {
    const t = this.value();
    if (!t || !t.startsWith("'")) throw new RedshiftTranslationError(this.statement, `${what} needs a quoted value`);
    return unquoteString(t);
  }

  skip(): void {
    this.at++;
  }

  /** skips the next token if it is a quoted string (an optional value) */
  skipQuoted(): void {
    if (this.tokens[this.at + 1]?.startsWith("'")) this.at++;
  }
}

/** The options after COPY ... FROM '...' (rules 5 and 6). */
function parseCopyOptions(statement: string, optionText: string): CopyReadOptions {
  const tokens = new CopyOptionTokens(statement, optionText);
  let format: CopyFormat | null = null;
  const csv = { header: 0, delim: ',', quote: '"', nullPadding: false };
  for (let token = tokens.next(); token !== undefined; token = tokens.next()) {
    const word = token.toUpperCase();
    switch (word) {
      case 'IAM_ROLE':
      case 'CREDENTIALS':
      case 'REGION':
      case 'TIMEFORMAT':
      case 'DATEFORMAT':
        tokens.value(); // no local effect
        break;
      case 'STATUPDATE':
      case 'COMPUPDATE':
        tokens.skip(); // ON / OFF: no local effect
        break;
      case 'FORMAT': {
        const f = (tokens.value() ?? '').toUpperCase();
        if (f !== 'PARQUET' && f !== 'CSV') throw new RedshiftTranslationError(statement, `COPY format ${f || '(none)'} is not supported locally`);
        format = f === 'PARQUET' ? 'parquet' : 'csv';
        break;
      }
      case 'PARQUET':
      case 'CSV':
        format = word === 'PARQUET' ? 'parquet' : 'csv';
        break;
      case 'QUOTE':
        csv.quote = tokens.quoted('QUOTE');
        break;
      case 'DELIMITER':
        csv.delim = tokens.quoted('DELIMITER');
        break;
      case 'IGNOREHEADER':
        csv.header = Number(tokens.value());
        if (!Number.isInteger(csv.header) || csv.header < 0) throw new RedshiftTranslationError(statement, 'IGNOREHEADER needs a whole number');
        break;
      case 'FILLRECORD':
        csv.nullPadding = true;
        break;
      case 'ACCEPTINVCHARS':
        tokens.skipQuoted();
        break;
      case 'EMPTYASNULL':
      case 'BLANKSASNULL':
      case 'TRIMBLANKS':
      case 'GZIP':
      case 'EXPLICIT_IDS':
        break;
      default:
        throw new RedshiftTranslationError(statement, `COPY option ${token} is not supported locally`);
    }
  }
  if (!format) throw new RedshiftTranslationError(statement, 'COPY needs FORMAT AS PARQUET or CSV locally');
  return { format, csv };
}

/** The DuckDB read of the files, as its INSERT's SELECT. */
function readFilesSql(files: string, { format, csv }: CopyReadOptions): string {
  if (format === 'parquet') return `SELECT * FROM read_parquet(${files}, hive_partitioning = false)`;
  const csvOptions = [
    `header = false`,
    `skip = ${csv.header}`,
    `delim = ${sqlString(csv.delim)}`,
    `quote = ${sqlString(csv.quote)}`,
    `all_varchar = true`,
    `null_padding = ${csv.nullPadding}`,
  ];
  return `SELECT * FROM read_csv(${files}, ${csvOptions.join(', ')})`;
}

// Rules 5 and 6.
function translateCopy(statement: string, options: TranslateOptions): string {
  const m = /^COPY\s+([\w."]+)\s*(\([^)]*\))?\s*FROM\s+('(?:[^']|'')*')\s*([\s\S]*)$/i.exec(statement.trim());
  if (!m) throw new RedshiftTranslationError(statement, 'COPY must be COPY table [(columns)] FROM \'s3://bucket/prefix\' options');
  const [, table, columns = '', sourceLiteral, optionText] = m;
  const source = /^s3:\/\/[^/]+\/(.*)$/.exec(unquoteString(sourceLiteral));
  if (!source) throw new RedshiftTranslationError(statement, `COPY source must be an s3:// URL, got ${sourceLiteral}`);
  const prefix = source[1];
  const read = parseCopyOptions(statement, optionText);

  const list = options.listKeys ?? ((p: string) => listLakeKeys(options.lakeRoot, p));
  const keys = list(prefix).filter((k) => read.format !== 'parquet' || k.endsWith('.parquet'));
  if (keys.length === 0) throw new RedshiftTranslationError(statement, `no ${read.format === 'parquet' ? 'Parquet ' : ''}files under s3 prefix ${prefix}`);
  const files = `[${keys.map((k) => sqlString(join(options.lakeRoot, k))).join(', ')}]`;
  return `INSERT INTO ${table}${columns ? ` ${columns}` : ''} ${readFilesSql(files, read)}`;
}
