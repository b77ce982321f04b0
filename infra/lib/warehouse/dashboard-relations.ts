import type { Migration } from '../../../functions/lib/warehouse/migrations';
import { maskSql } from '../../../functions/lib/warehouse/sql-text';

const CREATE = /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/i;
const DROP = /^DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?([a-z_][a-z0-9_]*)/i;
const RENAME = /^ALTER\s+TABLE\s+([a-z_][a-z0-9_]*)\s+RENAME\s+TO\s+([a-z_][a-z0-9_]*)/i;
/** a name after FROM or JOIN (CTE names match too: only the warehouse's relations count) */
const READ = /\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b/gi;
/** EXTRACT(part FROM column): its FROM names a column */
const EXTRACT_FROM = /\b(EXTRACT\s*\(\s*[a-z_]+\s+)FROM\b/gi;

/** The SQL's code alone: comments gone, and string literals and quoted identifiers masked (sql-text.ts's lexer), so
 * neither a comment nor a literal can name a relation. */
const codeOf = (sql: string): string => maskSql(sql).code.trim();

/** The tables and views the migrations leave in the warehouse, in lower case. */
export function warehouseRelations(migrations: readonly Migration[]): Set<string> {
  const relations = new Set<string>();
  for (const m of migrations) {
    for (const statement of m.statements.map(codeOf)) {
      const created = CREATE.exec(statement);
      const dropped = DROP.exec(statement);
      const renamed = RENAME.exec(statement);
      if (created) relations.add(created[1].toLowerCase());
      if (dropped) relations.delete(dropped[1].toLowerCase());
      if (renamed) {
        relations.delete(renamed[1].toLowerCase());
        relations.add(renamed[2].toLowerCase());
      }
    }
  }
  return relations;
}

/**
 * The warehouse relations the queries read (named after FROM or JOIN), sorted: what the dashboards' database role
 * is granted SELECT on. A view is enough on its own: Redshift reads a (schema-bound) view's tables with its owner's
 * privileges, as PostgreSQL does.
 */
export function relationsRead(queries: readonly string[], relations: ReadonlySet<string>): string[] {
  const read = new Set<string>();
  for (const sql of queries) for (const m of codeOf(sql).replace(EXTRACT_FROM, '$1OF').matchAll(READ)) if (relations.has(m[1].toLowerCase())) read.add(m[1].toLowerCase());
  return [...read].sort();
}
