import { join } from 'node:path';
import { sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { ConfigurationError } from '../../functions/lib/errors';
import { maskSql, previewSql, splitSqlStatements, unquoteString } from '../../functions/lib/warehouse/sql-text';
import { listLakeKeys } from './lake-keys';

/**
 * The one dialect seam: sql/redshift/ is written for Redshift only, and each engine that stands in for Redshift
 * gets it through a rule set of its own (redshift-to-duckdb.ts for the local warehouse, redshift-to-postgres.ts for
 * the PostgreSQL harness of the tests). This module holds what both rule sets share: how a statement is taken
 * apart (literals and comments masked, so no rule ever rewrites them), the physical-design and constraint clauses
 * both drop, function-call rewriting, and the parsing of COPY. A rule set says what its engine does with each part.
 */

export interface TranslateOptions {
  /** the folder that stands for every S3 bucket the statements name */
  lakeRoot: string;
  /** keys under an S3 prefix (default: the files in the lake folder, see listLakeKeys) */
  listKeys?: (prefix: string) => string[];
}

/** A Redshift statement a stand-in engine cannot run. */
export class RedshiftTranslationError extends ConfigurationError {
  constructor(statement: string, reason: string) {
    super(`cannot run locally: ${reason} (in "${previewSql(statement)}")`);
    this.name = 'RedshiftTranslationError';
  }
}

/** What an engine's rule set does with each kind of statement and clause. */
export interface DialectRules<T> {
  /** the engine's name, for error messages */
  engine: string;
  /** GRANT, REVOKE, ALTER DEFAULT PRIVILEGES, CREATE ROLE (masked code): the engine's form, or null to skip */
  access(code: string): string | null;
  /** a parsed COPY */
  copy(copy: CopyCommand): T;
  /** a translated statement in the engine's result form */
  statement(sql: string): T;
  /** type names the engine lacks (masked code) */
  types(code: string): string;
  /** functions the engine lacks (masked code) */
  functions(code: string, restore: (code: string) => string, statement: string): string;
  /** CREATE [TEMP] TABLE t (LIKE parent), given as its head (`CREATE TEMP TABLE t`) and the parent: the engine's
   * form, when it has no LIKE of its own */
  tableLike?(create: string, parent: string): string;
}

const MAINTENANCE = /^(?:VACUUM|ANALYZE)\b/i;
const ACCESS = /^(?:GRANT|REVOKE|ALTER\s+DEFAULT\s+PRIVILEGES|CREATE\s+ROLE|(?:CREATE|ALTER)\s+USER)\b/i;
const TABLE_DDL = /^(?:CREATE|ALTER)\s+(?:(?:LOCAL\s+)?(?:TEMP|TEMPORARY)\s+)?TABLE\b/i;
const TABLE_LIKE = /^(CREATE\s+(?:(?:LOCAL\s+)?(?:TEMP|TEMPORARY)\s+)?TABLE\s+[\w.]+)\s*\(\s*LIKE\s+([\w.]+)\s*\)$/i;
const NO_STAND_IN = /\b(GEOMETRY|GEOGRAPHY|HLLSKETCH)\b/i;

/** A Redshift statement through an engine's rules; null when it has no meaning there. */
export function translateWith<T>(rules: DialectRules<T>, sql: string, options: TranslateOptions): T | null {
  const masked = maskSql(sql);
  let code = masked.code.trim().replace(/;\s*$/, '');
  if (MAINTENANCE.test(code)) return null;
  if (ACCESS.test(code)) {
    const access = rules.access(code);
    return access === null ? null : rules.statement(masked.restore(access));
  }
  if (/^COPY\b/i.test(code)) return rules.copy(parseCopyStatement(sql, options));
  const unsupported = NO_STAND_IN.exec(code);
  if (unsupported) throw new RedshiftTranslationError(sql, `type ${unsupported[1].toUpperCase()} has no ${rules.engine} equivalent`);
  const like = TABLE_LIKE.exec(code);
  if (like && rules.tableLike) return rules.statement(masked.restore(rules.tableLike(like[1], like[2])));
  if (TABLE_DDL.test(code)) code = dropPhysicalDesign(code);
  code = rules.types(code);
  code = rules.functions(code, masked.restore, sql);
  return rules.statement(masked.restore(code));
}

const CREATE_TEMP_TABLE = /^CREATE\s+(?:LOCAL\s+)?(?:TEMP|TEMPORARY)\s+TABLE\s+([\w.]+)/i;
const COPY_TABLE = /^COPY\s+([\w.]+)/i;

/** The table a Redshift statement creates as a temporary one, or COPYs into (lower-cased), read from its code
 * (comments and literals never count); null for any other statement. */
export function stagingTableOf(sql: string): { table: string; creates: boolean } | null {
  const code = maskSql(sql).code.trim();
  const created = CREATE_TEMP_TABLE.exec(code)?.[1];
  if (created !== undefined) return { table: created.toLowerCase(), creates: true };
  const copied = COPY_TABLE.exec(code)?.[1];
  return copied === undefined ? null : { table: copied.toLowerCase(), creates: false };
}

/** The template of `CREATE [TEMP] TABLE t (LIKE template)` (lower-cased), read from its code; null for any other
 * statement. */
export function likeTemplateOf(sql: string): string | null {
  const like = TABLE_LIKE.exec(maskSql(sql).code.trim().replace(/;\s*$/, ''));
  return like ? like[2].toLowerCase() : null;
}

/** A COPY statement (comments and a final semicolon aside) as parseCopy reads it. */
export function parseCopyStatement(sql: string, options: TranslateOptions): CopyCommand {
  const masked = maskSql(sql);
  return parseCopy(masked.restore(masked.code.trim().replace(/;\s*$/, '')), options);
}

/** Every statement of a Redshift SQL text through an engine's rules; skipped statements left out. */
export function translateScriptWith<T>(rules: DialectRules<T>, script: string, options: TranslateOptions): T[] {
  return splitSqlStatements(script)
    .map((s) => translateWith(rules, s, options))
    .filter((s): s is T => s !== null);
}

/**
 * Physical design, identity and constraints (CREATE / ALTER TABLE only). Redshift declares keys for the planner
 * and does not enforce them; an engine that enforced them would refuse what Redshift accepts (deleting a
 * dimension row a fact refers to), so both stand-ins drop them. NOT NULL is kept: Redshift enforces it.
 */
export function dropPhysicalDesign(code: string): string {
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

/** VARCHAR(MAX) and its spellings: both stand-ins have an unbounded VARCHAR. */
export function unboundedVarchar(code: string): string {
  return code.replace(/\b(?:CHARACTER\s+VARYING|NVARCHAR|VARCHAR|NCHAR|BPCHAR|CHARACTER|CHAR)\s*\(\s*MAX\s*\)/gi, 'VARCHAR');
}

/** GETDATE() and SYSDATE (the current UTC TIMESTAMP, without zone) and NVL, in SQL both stand-ins run. */
export function commonFunctions(code: string): string {
  const now = `CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP)`;
  return code.replace(/\bGETDATE\s*\(\s*\)/gi, now).replace(/\bSYSDATE\b/gi, now).replace(/\bNVL\s*\(/gi, 'COALESCE(');
}

export type DatePart = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

const DATE_PARTS: Record<string, DatePart> = {};
for (const [part, aliases] of Object.entries({
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
}) as [DatePart, string[]][]) {
  for (const alias of aliases) DATE_PARTS[alias] = part;
}

/** The date part a DATEADD / DATEDIFF names (a word or a quoted word, any of Redshift's abbreviations). */
export function datePart(arg: string, restore: (code: string) => string, statement: string): DatePart {
  let text = restore(arg).trim();
  if (text.startsWith("'")) text = unquoteString(text);
  const part = DATE_PARTS[text.toLowerCase()];
  if (!part) throw new RedshiftTranslationError(statement, `date part "${text}" is not supported by the translator`);
  return part;
}

/** Rewrites every call of `name(...)` (nested calls included) with `rewrite(args)`. */
export function rewriteCalls(code: string, name: string, rewrite: (args: string[]) => string): string {
  const re = new RegExp(`\\b${name}\\s*\\(`, 'gi');
  let out = '';
  let from = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) !== null) {
    const open = m.index + m[0].length - 1;
    const found = callArguments(code, open);
    if (!found) return code; // unbalanced: leave it for the engine to report
    const args = found.args.map((a) => rewriteCalls(a, name, rewrite).trim());
    out += code.slice(from, m.index) + rewrite(args);
    from = found.close + 1;
    re.lastIndex = from;
  }
  return out + code.slice(from);
}

/** The top-level arguments of the call whose `(` is at `open`, and where its `)` is. */
function callArguments(code: string, open: number): { args: string[]; close: number } | null {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        const bounds = [open, ...commas, i];
        return { args: bounds.slice(0, -1).map((b, k) => code.slice(b + 1, bounds[k + 1])), close: i };
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return null;
}

/** Rewrites DATEADD(part, n, x) and DATEDIFF(part, a, b) calls with an engine's forms. */
export function rewriteDateFunctions(
  code: string,
  restore: (code: string) => string,
  statement: string,
  forms: { dateAdd(part: DatePart, n: string, x: string): string; dateDiff(part: DatePart, a: string, b: string): string },
): string {
  const arity = (fn: string, args: string[]): void => {
    if (args.length !== 3) throw new RedshiftTranslationError(statement, `${fn} takes 3 arguments, got ${args.length}`);
  };
  const added = rewriteCalls(code, 'DATEADD', (args) => {
    arity('DATEADD', args);
    return forms.dateAdd(datePart(args[0], restore, statement), args[1], args[2]);
  });
  return rewriteCalls(added, 'DATEDIFF', (args) => {
    arity('DATEDIFF', args);
    return forms.dateDiff(datePart(args[0], restore, statement), args[1], args[2]);
  });
}

// ---- COPY -------------------------------------------------------------------------------------------------

type CopyFormat = 'parquet' | 'csv';

/** What a COPY's options say about reading its files. */
export interface CopyReadOptions {
  format: CopyFormat;
  csv: { header: number; delim: string; quote: string; nullPadding: boolean };
}

/** A COPY taken apart: where the rows go, and which lake files (absolute paths) hold them. */
export interface CopyCommand {
  statement: string;
  table: string;
  /** the column list with its parentheses, or '' */
  columns: string;
  files: string[];
  read: CopyReadOptions;
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

/** One COPY option word: updates `read` (format, CSV settings) or consumes an option without local effect. */
function readCopyOption(word: string, tokens: CopyOptionTokens, read: { format: CopyFormat | null; csv: CopyReadOptions['csv'] }, statement: string): void {
  switch (word) {
    case 'IAM_ROLE':
    case 'CREDENTIALS':
    case 'REGION':
    case 'TIMEFORMAT':
    case 'DATEFORMAT':
      tokens.value(); // no local effect
      return;
    case 'STATUPDATE':
    case 'COMPUPDATE':
      tokens.skip(); // ON / OFF: no local effect
      return;
    case 'FORMAT': {
      const f = (tokens.value() ?? '').toUpperCase();
      if (f !== 'PARQUET' && f !== 'CSV') throw new RedshiftTranslationError(statement, `COPY format ${f || '(none)'} is not supported locally`);
      read.format = f === 'PARQUET' ? 'parquet' : 'csv';
      return;
    }
    case 'PARQUET':
    case 'CSV':
      read.format = word === 'PARQUET' ? 'parquet' : 'csv';
      return;
    case 'QUOTE':
      read.csv.quote = tokens.quoted('QUOTE');
      return;
    case 'DELIMITER':
      read.csv.delim = tokens.quoted('DELIMITER');
      return;
    case 'IGNOREHEADER':
      read.csv.header = Number(tokens.value());
      if (!Number.isInteger(read.csv.header) || read.csv.header < 0) throw new RedshiftTranslationError(statement, 'IGNOREHEADER needs a whole number');
      return;
    case 'FILLRECORD':
      read.csv.nullPadding = true;
      return;
    case 'ACCEPTINVCHARS':
      tokens.skipQuoted();
      return;
    case 'EMPTYASNULL':
    case 'BLANKSASNULL':
    case 'TRIMBLANKS':
    case 'GZIP':
    case 'EXPLICIT_IDS':
      return;
    default:
      throw new RedshiftTranslationError(statement, `COPY option ${word} is not supported locally`);
  }
}

/** The options after COPY ... FROM '...'. */
function parseCopyOptions(statement: string, optionText: string): CopyReadOptions {
  const tokens = new CopyOptionTokens(statement, optionText);
  const read: { format: CopyFormat | null; csv: CopyReadOptions['csv'] } = { format: null, csv: { header: 0, delim: ',', quote: '"', nullPadding: false } };
  for (let token = tokens.next(); token !== undefined; token = tokens.next()) readCopyOption(token.toUpperCase(), tokens, read, statement);
  if (!read.format) throw new RedshiftTranslationError(statement, 'COPY needs FORMAT AS PARQUET or CSV locally');
  return { format: read.format, csv: read.csv };
}

/**
 * COPY t [(cols)] FROM 's3://<any bucket>/<prefix>' options: the files are every key under lakeRoot that starts
 * with <prefix> (S3 semantics: a prefix need not end at a folder; Parquet files only for PARQUET). No file is an
 * error, as it is for Redshift. Credentials, region and load tuning have no local effect; MANIFEST and formats
 * other than Parquet and CSV are refused.
 */
export function parseCopy(statement: string, options: TranslateOptions): CopyCommand {
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
  return { statement, table, columns, files: keys.map((k) => join(options.lakeRoot, k)), read };
}

/**
 * The DuckDB SELECT that reads a COPY's files the way Redshift does: Parquet columns by position (partition
 * folders add none), CSV fields by position as text (the target's column types convert them). The DuckDB rule set
 * inserts from it; the PostgreSQL harness reads its rows with DuckDB and inserts them.
 */
export function copyReadSql({ files, read, columns = '' }: Pick<CopyCommand, 'files' | 'read'> & { columns?: string }): string {
  const list = `[${files.map(sqlString).join(', ')}]`;
  if (read.format === 'parquet') return `SELECT * FROM read_parquet(${list}, hive_partitioning = false)`;
  const csvOptions = [
    `header = false`,
    `skip = ${read.csv.header}`,
    `delim = ${sqlString(read.csv.delim)}`,
    `quote = ${sqlString(read.csv.quote)}`,
    `all_varchar = true`,
    `null_padding = ${read.csv.nullPadding}`,
  ];
  // With a column list, the file has exactly that many fields, as Redshift reads it (FILLRECORD: trailing ones
  // may be missing and load as NULL); DuckDB's sniffer would instead take the count from the file.
  const names = columns.replace(/^\(|\)$/g, '').split(',').map((c) => c.trim()).filter(Boolean);
  if (names.length) csvOptions.push(`auto_detect = false`, `columns = {${names.map((_, i) => `'f${i + 1}': 'VARCHAR'`).join(', ')}}`);
  return `SELECT * FROM read_csv(${list}, ${csvOptions.join(', ')})`;
}
