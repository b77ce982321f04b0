import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { RetailLakeError } from '../../functions/lib/errors';
import { sqlString } from '../../functions/lib/duckdb/duckdb-rows';

/** A statement the read-only query engines will not run (a write, COPY, ATTACH, INSTALL, SET, a file outside the lake). */
export class QueryRefused extends RetailLakeError {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}

/**
 * Refuses anything but one SELECT, before it runs. External access being off is not enough on its own: COPY TO a
 * file inside the lake's allowed directory would still write, and an in-memory view can be dropped or replaced.
 */
export async function assertSingleSelect(conn: DuckDBConnection, sql: string): Promise<void> {
  const statements = await conn.extractStatements(sql);
  if (statements.count !== 1) throw new QueryRefused(`expected one SELECT statement, got ${statements.count}`);
  const prepared = await statements.prepare(0);
  const type = prepared.statementType;
  prepared.destroySync();
  if (type !== StatementType.SELECT) throw new QueryRefused(`${StatementType[type]} statements are not allowed, only SELECT`);
}

/**
 * Locks a connection's database: no file access outside `allowedDirectories` (the views' own files), and no SET
 * that could turn it back on. DuckDB only checks a view's files when it reads them, so the directories the
 * views read must stay allowed.
 */
export async function lockExternalAccess(conn: DuckDBConnection, allowedDirectories: string[]): Promise<void> {
  if (allowedDirectories.length > 0) await conn.run(`SET allowed_directories = [${allowedDirectories.map(sqlString).join(', ')}]`);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}

/** DuckDB's own refusals of a locked or read-only database, as opposed to a query's mistakes. */
export function isDuckDbRefusal(err: unknown): boolean {
  const m = (err as Error).message ?? '';
  return /^Permission Error|read-only mode|configuration has been locked|disabled by configuration/m.test(m);
}
