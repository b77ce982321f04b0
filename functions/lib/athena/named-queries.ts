import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, RetailLakeError } from '../errors';
import type { QueryEngine } from '../ports';
import { sqlRoot } from '../sql-files';

/**
 * The analysts' named queries, sql/athena/queries/<name>.sql: Athena SQL with `{{param}}` placeholders, each
 * declared in the leading comment by a line
 *
 *   -- @param <name> <type> = <default SQL expression> | <what it is>
 *
 * type `date` (a value YYYY-MM-DD, rendered DATE 'YYYY-MM-DD'), `integer` (1..100000, rendered as is) or `store`
 * (a store_id, rendered as a string literal). A parameter not given takes its default expression, rendered as it
 * is (so an Athena named query holds the defaults and runs as it is). A default may name another parameter whose own
 * default names none (`from`'s: 27 days before `{{to}}`, given or not). The same rendering serves
 * `retail-lake query --named` (local/cli/query-command.ts) and the Athena named queries (infra/lib/consumers);
 * the local engine answers the date defaults first (withDateDefaultsAnswered).
 */
export type NamedQueryParamType = 'date' | 'integer' | 'store';

export interface NamedQueryParam {
  name: string;
  type: NamedQueryParamType;
  /** SQL expression used when no value is given */
  defaultSql: string;
  description: string;
}

export interface NamedQuery {
  /** file name without .sql */
  name: string;
  /** the leading comment, @param lines left out */
  description: string;
  params: NamedQueryParam[];
  /** the file's text, placeholders unrendered */
  template: string;
}

/** A bad value or name given for a named query (the user's to fix). */
export class NamedQueryError extends RetailLakeError {
  constructor(message: string) {
    super(message);
    this.name = 'NamedQueryError';
  }
}

const PARAM_LINE = /^--\s*@param\s+(\w+)\s+(date|integer|store)\s*=\s*(.+?)\s*\|\s*(.+)$/;
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
export const NAMED_QUERIES_FOLDER = join('athena', 'queries');

/** Parses a named query's text; a placeholder without its @param line (or the reverse) is a configuration error. */
export function parseNamedQuery(name: string, text: string): NamedQuery {
  const lines = text.split('\n');
  const header = lines.slice(0, Math.max(0, lines.findIndex((l) => !l.startsWith('--')))).map((l) => l.trimEnd());
  const params: NamedQueryParam[] = [];
  const description: string[] = [];
  for (const line of header) {
    if (/^--\s*@param\b/.test(line)) {
      const m = PARAM_LINE.exec(line);
      if (!m) throw new ConfigurationError(`named query ${name}: malformed parameter line "${line}" (expected "-- @param <name> date|integer|store = <default SQL> | <description>")`);
      params.push({ name: m[1], type: m[2] as NamedQueryParamType, defaultSql: m[3], description: m[4] });
    } else {
      description.push(line.replace(/^--\s?/, ''));
    }
  }
  const declared = new Set(params.map((p) => p.name));
  const used = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]));
  for (const u of used) if (!declared.has(u)) throw new ConfigurationError(`named query ${name}: {{${u}}} has no @param line`);
  for (const d of declared) if (!used.has(d)) throw new ConfigurationError(`named query ${name}: parameter ${d} is declared but not used`);
  for (const p of params) {
    for (const [, ref] of p.defaultSql.matchAll(PLACEHOLDER)) {
      const target = params.find((x) => x.name === ref);
      // a default naming its own parameter names one whose default names one
      if (!target || target.defaultSql.match(PLACEHOLDER) !== null) {
        throw new ConfigurationError(`named query ${name}: the default of ${p.name} names {{${ref}}}, which is not another parameter whose default names none`);
      }
    }
  }
  return { name, description: description.join(' ').replace(/\s+/g, ' ').trim(), params, template: text };
}

/** Every named query of sql/athena/queries/, by name. */
export function readNamedQueries(dir = join(sqlRoot(), NAMED_QUERIES_FOLDER)): NamedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseNamedQuery(f.slice(0, -'.sql'.length), readFileSync(join(dir, f), 'utf8')));
}

/** The named query called `name`, or an error listing the ones there are. */
export function findNamedQuery(name: string, queries = readNamedQueries()): NamedQuery {
  const q = queries.find((x) => x.name === name);
  if (!q) throw new NamedQueryError(`no named query "${name}" (there are: ${queries.map((x) => x.name).join(', ')})`);
  return q;
}

const isRealDate = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/** A parameter's value as SQL, after checking it has the parameter's type. */
function literal(q: NamedQuery, p: NamedQueryParam, value: string): string {
  const bad = (expected: string): NamedQueryError => new NamedQueryError(`named query ${q.name}: parameter ${p.name} must be ${expected}, got "${value}"`);
  switch (p.type) {
    case 'date':
      if (!isRealDate(value)) throw bad('a date YYYY-MM-DD');
      return `DATE '${value}'`;
    case 'integer':
      if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > 100000) throw bad('a whole number from 1 to 100000');
      return String(Number(value));
    case 'store':
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) throw bad('a store id (letters, digits, _ and -, up to 32)');
      return `'${value}'`;
  }
}

/**
 * The query's SQL with the given values (name -> text as typed) and the defaults of the others. An unknown
 * name, a value of the wrong type or `from` after `to` is a NamedQueryError.
 */
export function renderNamedQuery(q: NamedQuery, values: Record<string, string> = {}): string {
  for (const name of Object.keys(values)) {
    if (!q.params.some((p) => p.name === name)) {
      const known = q.params.map((p) => p.name).join(', ') || 'none';
      throw new NamedQueryError(`named query ${q.name} has no parameter "${name}" (its parameters: ${known})`);
    }
  }
  if (values.from !== undefined && values.to !== undefined && values.from > values.to && isRealDate(values.from) && isRealDate(values.to)) {
    throw new NamedQueryError(`named query ${q.name}: from (${values.from}) is after to (${values.to})`);
  }
  const sql = paramsSql(q, values);
  return q.template.replace(PLACEHOLDER, (_m, name: string) => sql[name]);
}

/** Each parameter's SQL: the value given as a literal, or the default with the parameters it names rendered. */
function paramsSql(q: NamedQuery, values: Record<string, string>): Record<string, string> {
  const own = Object.fromEntries(q.params.map((p) => [p.name, values[p.name] === undefined ? p.defaultSql : literal(q, p, values[p.name])]));
  return Object.fromEntries(q.params.map((p) => [p.name, values[p.name] === undefined ? p.defaultSql.replace(PLACEHOLDER, (_m, name: string) => own[name]) : own[p.name]]));
}

/**
 * The values to render `q` with on `engine` now: those given, and each date parameter left to its default answered
 * first, in one query (the latest business date in sales_lines, 27 days before it). A date range of constants is
 * one each engine prunes partitions by and compares cheaply; DuckDB runs a range whose ends are scalar subqueries as
 * two nested-loop joins over every row of each scan (over a month of 1M sale lines a day, a quarter of top_skus'
 * time). A default that answers NULL (no rows yet) stays the expression it is, and the query answers nothing.
 */
export async function withDateDefaultsAnswered(q: NamedQuery, values: Record<string, string>, engine: QueryEngine): Promise<Record<string, string>> {
  const open = q.params.filter((p) => p.type === 'date' && values[p.name] === undefined);
  if (open.length === 0) return values;
  const sql = paramsSql(q, values);
  const [answers] = await engine.query(`SELECT ${open.map((p, i) => `CAST(${sql[p.name]} AS VARCHAR) AS d${i}`).join(', ')}`);
  const out = { ...values };
  open.forEach((p, i) => {
    const answer = answers?.[`d${i}`];
    if (typeof answer === 'string' && isRealDate(answer)) out[p.name] = answer;
  });
  return out;
}
