import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNamedQuery, NamedQueryError, readNamedQueries, renderNamedQuery, type NamedQuery } from '../../functions/lib/athena/named-queries';
import { sqlRoot } from '../../functions/lib/sql-files';
import { MIGRATIONS_FOLDER } from '../../functions/lib/warehouse/migrations';
import { UsageError } from './errors';

/** Where `retail-lake query` takes its SQL from: the argument (`-` = stdin), `--file`, or `--named` with `--param`s. */
export interface QuerySource {
  /** the SQL argument(s) as typed (one expected); `-` reads stdin */
  sql?: string[];
  file?: string;
  named?: string;
  /** `name=value`, as typed */
  param?: string[];
  warehouse?: boolean;
}

/** A warehouse metric view (sql/redshift/migrations/, `CREATE OR REPLACE VIEW v_metric_<name>`) and its comment. */
export interface MetricView {
  view: string;
  description: string;
}

const METRIC_VIEW = /((?:^--.*\n)*)CREATE OR REPLACE VIEW (v_metric_\w+)/gm;

/** The metric views the migrations create, in file order, each once: a later migration that redefines a view
 * (how it is computed, not what it means) leaves it the description of the migration that created it. */
export function warehouseMetricViews(): MetricView[] {
  const dir = join(sqlRoot(), MIGRATIONS_FOLDER);
  const views = new Map<string, string>();
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.sql')).sort()) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(METRIC_VIEW)) {
      if (!views.has(m[2])) views.set(m[2], m[1].replace(/^--\s?/gm, '').replace(/\s+/g, ' ').trim());
    }
  }
  return [...views].map(([view, description]) => ({ view, description }));
}

/** `--list`: the lake's named queries with their parameters, then the warehouse's metric views. */
export function listNamedSql(): string {
  const out = ['Named lake queries (retail-lake query --named <name> [--param name=value ...]):', ''];
  for (const q of readNamedQueries()) {
    out.push(`  ${q.name}`, `    ${q.description}`);
    for (const p of q.params) out.push(`    --param ${p.name}=<${p.type}>  ${p.description}`);
    out.push('');
  }
  out.push('Warehouse metric views (retail-lake query --warehouse --named <name>, or SELECT ... FROM v_metric_<name>):', '');
  for (const v of warehouseMetricViews()) out.push(`  ${v.view.replace(/^v_metric_/, '')}`, `    ${v.description}`, '');
  return out.join('\n');
}

/** `--param name=value` pairs as a record; a malformed or repeated one is a usage error. */
export function parseParams(params: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    const m = /^(\w+)=(.*)$/s.exec(p);
    if (!m) throw new UsageError(`query: --param must be name=value, got "${p}"`);
    if (m[1] in out) throw new UsageError(`query: --param ${m[1]} is given twice`);
    out[m[1]] = m[2];
  }
  return out;
}

/** The SQL to run, from exactly one source. `readStdin` is called only for `-`. */
export async function resolveQuerySql(src: QuerySource, readStdin: () => Promise<string>): Promise<string> {
  // commander passes unknown options through (allowUnknownOption) so that SQL starting with a `--` comment is SQL:
  // a word that looks like an option and holds no space is taken for the mistyped option it is
  const args = src.sql ?? [];
  const option = args.find((a) => /^-./.test(a) && !/\s/.test(a));
  if (option) throw new UsageError(`query: unknown option '${option}'`);
  if (args.length > 1) throw new UsageError(`query: expected the SQL as one argument, got ${args.length} (quote it)`);
  const sql = args[0];
  const given = [sql !== undefined && 'an SQL argument', src.file !== undefined && '--file', src.named !== undefined && '--named'].filter(Boolean);
  if (given.length === 0) throw new UsageError('query: give the SQL as an argument, - for stdin, --file <path>, --named <name>, or --list');
  if (given.length > 1) throw new UsageError(`query: give only one of ${given.join(', ')}`);
  if (src.param?.length && src.named === undefined) throw new UsageError('query: --param goes with --named');
  if (src.named !== undefined) return namedSql(src.named, parseParams(src.param), src.warehouse === true);
  if (src.file !== undefined) {
    if (!existsSync(src.file)) throw new UsageError(`query: --file ${src.file} does not exist`);
    return nonEmpty(readFileSync(src.file, 'utf8'), `--file ${src.file}`);
  }
  if (sql === '-') return nonEmpty(await readStdin(), 'stdin');
  return sql as string;
}

/** The named lake query and its values that `src` asks for (resolveQuerySql has checked them), if it asks for one:
 * the engine answers its date defaults before it runs (query-command.ts). */
export function namedLakeQuery(src: QuerySource): { query: NamedQuery; values: Record<string, string> } | undefined {
  if (src.named === undefined || src.warehouse === true) return undefined;
  return { query: findNamedQuery(src.named), values: parseParams(src.param) };
}

function nonEmpty(sql: string, from: string): string {
  if (sql.trim() === '') throw new UsageError(`query: no SQL in ${from}`);
  return sql;
}

function namedSql(name: string, params: Record<string, string>, warehouse: boolean): string {
  if (warehouse) {
    const views = warehouseMetricViews().map((v) => v.view);
    const view = views.find((v) => v === name || v === `v_metric_${name}`);
    if (!view) throw new UsageError(`query: no warehouse metric view "${name}" (there are: ${views.map((v) => v.replace(/^v_metric_/, '')).join(', ')})`);
    if (Object.keys(params).length > 0) throw new UsageError('query: a warehouse metric view takes no --param (filter it with SQL: SELECT ... FROM ' + view + ' WHERE ...)');
    return `SELECT * FROM ${view}`;
  }
  try {
    return renderNamedQuery(findNamedQuery(name), params);
  } catch (err) {
    if (err instanceof NamedQueryError) throw new UsageError(`query: ${err.message}`);
    throw err;
  }
}
