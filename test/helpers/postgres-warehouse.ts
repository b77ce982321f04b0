import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb } from '../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { withContext } from '../../functions/lib/errors';
import type { Row, Warehouse } from '../../functions/lib/ports';
import { previewSql } from '../../functions/lib/warehouse/sql-text';
import { translateForPostgres, type PostgresCopy } from '../../local/warehouse/redshift-to-postgres';

type Reply = { id: number; rows?: Row[]; error?: { message: string; code?: string } };

/** One PostgreSQL session: PGlite in a worker thread (test/helpers/pglite-host.mjs says why), one statement at a time. */
export class PostgresSession {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (rows: Row[]) => void; reject: (err: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error) waiting?.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else waiting?.resolve(reply.rows ?? []);
    });
  }

  static async start(): Promise<PostgresSession> {
    const worker = new Worker(join(__dirname, 'pglite-host.mjs'));
    await new Promise<void>((ready, failed) => {
      worker.once('message', () => ready());
      worker.once('error', failed);
    });
    return new PostgresSession(worker);
  }

  /** Runs `work` with the session to itself (a transaction is never interleaved with another caller's). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One statement, as it is (no translation). */
  run(sql: string): Promise<Row[]> {
    const id = this.nextId++;
    return new Promise<Row[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql });
    });
  }

  async close(): Promise<void> {
    await this.run(null as unknown as string); // null asks the host to close the database (typed as a statement for postMessage)
    await this.worker.terminate();
  }
}

/**
 * The warehouse port on real PostgreSQL (PGlite, in-process), for tests of what Redshift enforces and DuckDB
 * does not: object ownership, grants and roles, transactions. Statements arrive in Redshift's dialect and go
 * through the PostgreSQL rule set of the dialect seam (local/warehouse/redshift-to-postgres.ts). Each call runs
 * in one transaction and session, as a Data API batch does (its temporary tables discarded after it), under `role` when one is given (SET LOCAL ROLE: the role's own
 * privileges, as a Data API session of that database user has).
 */
export class PostgresWarehouse implements Warehouse {
  constructor(
    private readonly session: PostgresSession,
    private readonly lakeRoot: string,
    private readonly role?: string,
  ) {}

  /** The same database, as another role. */
  as(role: string | undefined): PostgresWarehouse {
    return new PostgresWarehouse(this.session, this.lakeRoot, role);
  }

  async execute(statements: string[]): Promise<void> {
    await this.inTransaction(async () => {
      for (const [i, statement] of statements.entries()) {
        try {
          await this.runStatement(statement);
        } catch (err) {
          throw withContext(`warehouse statement ${i + 1} of ${statements.length} failed ("${previewSql(statement)}")`, err);
        }
      }
    });
  }

  async query(sql: string): Promise<Row[]> {
    return this.inTransaction(async () => {
      const translated = translateForPostgres(sql, { lakeRoot: resolve(this.lakeRoot) });
      if (translated === null) return [];
      if (!('sql' in translated)) throw new RangeError(`a query cannot be a COPY: "${previewSql(sql)}"`);
      return this.session.run(translated.sql);
    });
  }

  private inTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.session.exclusive(async () => {
      await this.session.run('BEGIN');
      try {
        if (this.role) await this.session.run(`SET LOCAL ROLE ${this.role}`);
        const out = await work();
        await this.session.run('COMMIT');
        return out;
      } catch (err) {
        await this.session.run('ROLLBACK');
        throw err;
      } finally {
        // each Data API call is a session of its own: a load's temporary tables end with it
        await this.session.run('DISCARD TEMP');
      }
    });
  }

  private async runStatement(statement: string): Promise<void> {
    const translated = translateForPostgres(statement, { lakeRoot: resolve(this.lakeRoot) });
    if (translated === null) return;
    if ('sql' in translated) await this.session.run(translated.sql);
    else await insertCopiedRows(this.session, translated.copy);
  }
}

/** Rows per INSERT ... VALUES statement of a translated COPY. */
const ROWS_PER_INSERT = 500;

/** The DuckDB that reads COPY sources for every session (in memory, holds nothing between reads). */
let reader: Promise<DuckDBConnection> | undefined;

/** A translated COPY: DuckDB reads the files (values as text), PostgreSQL inserts them by position. */
async function insertCopiedRows(session: PostgresSession, copy: PostgresCopy): Promise<void> {
  reader ??= openDuckDb();
  const rows = await readRows(await reader, copy.rowsSql);
  const tuple = (row: Row): string => `(${Object.values(row).map((v) => (v === null ? 'NULL' : sqlString(String(v)))).join(', ')})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await session.run(`${copy.insertInto} VALUES ${rows.slice(i, i + ROWS_PER_INSERT).map(tuple).join(', ')}`);
  }
}
