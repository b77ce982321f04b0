import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createDuckDb, type DuckDbSettings } from '../../functions/lib/duckdb/duckdb-factory';
import { readRows } from '../../functions/lib/duckdb/duckdb-rows';
import { withSettings } from '../../functions/lib/duckdb/duckdb-settings';
import { RetailLakeError, TransientError, withContext } from '../../functions/lib/errors';
import type { Row, Warehouse } from '../../functions/lib/ports';
import { applyMigrations, readMigrations, type Migration } from '../../functions/lib/warehouse/migrations';
import { previewSql, splitSqlStatements } from '../../functions/lib/warehouse/sql-text';
import { assertSingleSelect, lockExternalAccess } from '../engine/read-only-sql';
import { faultPoint } from '../adapters/fault-point';
import { listLakeKeys } from './lake-keys';
import { stagingTableOf } from './redshift-dialect';
import { stagingViews, stagingViewSql } from './staging-views';
import { translateStatement, type TranslateOptions } from './redshift-to-duckdb';

/** `<lake>/warehouse/warehouse.duckdb`: the local stand-in for Redshift Serverless. */
export function warehousePath(lakeRoot: string): string {
  return join(resolve(lakeRoot), 'warehouse', 'warehouse.duckdb');
}

export interface DuckDbWarehouseOptions {
  lakeRoot: string;
  /** a database file, or ':memory:' (tests: the data lives as long as the object) */
  path: string;
  /** how long to wait for another process's lock on the file (ms) */
  lockWaitMs?: number;
  /** the migrations to bring it up to (default: all of sql/redshift/migrations/; fewer build an older warehouse) */
  migrations?: Migration[];
  /** where DuckDB spills and how much memory it may use (functions/lib/duckdb/duckdb-factory.ts)
   * @default - settingsFromEnv()'s */
  duckdb?: DuckDbSettings;
  /** open the file read-only, with no file access and a locked configuration, and run only SELECTs (`query --warehouse`);
   * the migrations are not applied */
  readOnly?: boolean;
  /** the average file size from which a batch's staging table is read in place (staging-views.ts)
   * @default VIEW_MIN_BYTES_PER_FILE */
  stagingViewMinBytesPerFile?: number;
}

// One queue per database file (a process never opens the same file twice at once: DuckDB would refuse) and
// one per in-memory warehouse (one connection, one statement at a time).
const queues = new Map<unknown, Promise<unknown>>();
function serialized<T>(key: unknown, work: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  // forget an idle queue so the map does not grow with every warehouse object
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A batch's statements, each with its position in the batch (1-based). */
type Numbered = [number, string][];

/**
 * A batch split in two: first the statements that fill the batch's own temporary tables from the lake (CREATE TEMP
 * TABLE, and COPY into such a table), in their order; then the rest, in theirs. DuckDBWarehouse commits the first
 * part before the rest, because DuckDB scans the rows its running transaction wrote with one thread, and committed
 * ones with all of them (the seed's load: fact_sales' insert from tmp_sales_lines 1.8 s on one thread, 1.05 s on
 * two). The split changes no result: those statements read only the lake and write only tables no other statement
 * writes, and temporary tables are the call's connection's own, so committing them first shows nothing to anyone,
 * and a failure of the rest still leaves the warehouse as it was.
 */
export function stagingFirst(statements: string[]): { staging: Numbered; rest: Numbered } {
  const temporary = new Set<string>();
  const staging: Numbered = [];
  const rest: Numbered = [];
  statements.forEach((statement, i) => {
    const target = stagingTableOf(statement);
    if (target?.creates) temporary.add(target.table);
    (target !== null && temporary.has(target.table) ? staging : rest).push([i + 1, statement]);
  });
  return { staging, rest };
}

/**
 * The star-schema warehouse as a DuckDB database. Statements arrive in Redshift's dialect (sql/redshift/) and
 * pass through the translator; the first use applies the migrations it lacks (sql/redshift/migrations/, as the
 * deploy does for Redshift).
 * A file warehouse is opened for each call and closed after it, because only one process may have a DuckDB
 * file open for writing: the CLI's `query --warehouse` and a pipeline run in another process take turns
 * (a call waits up to `lockWaitMs` for the other to finish).
 */
export class DuckDbWarehouse implements Warehouse {
  private memory: DuckDBInstance | undefined;
  private readonly translate: TranslateOptions;
  private migrated = false;

  constructor(private readonly options: DuckDbWarehouseOptions) {
    this.translate = { lakeRoot: resolve(options.lakeRoot) };
  }

  /** The lake's warehouse file. */
  static forLake(lakeRoot: string, duckdb?: DuckDbSettings, readOnly = false): DuckDbWarehouse {
    return new DuckDbWarehouse({ lakeRoot, path: warehousePath(lakeRoot), duckdb, readOnly });
  }

  /** A warehouse in memory that still reads COPY sources from the lake folder (tests). */
  static inMemory(lakeRoot: string, options: Pick<DuckDbWarehouseOptions, 'stagingViewMinBytesPerFile'> = {}): DuckDbWarehouse {
    return new DuckDbWarehouse({ ...options, lakeRoot, path: ':memory:' });
  }

  get path(): string {
    return this.options.path;
  }

  /** Runs the statements in one transaction: all of them apply, or none (as a Data API batch). */
  async execute(statements: string[]): Promise<void> {
    faultPoint('execute', previewSql(statements[0] ?? ''));
    await this.withConnection((conn) => this.runBatch(conn, statements));
  }

  async query(sql: string): Promise<Row[]> {
    return this.withConnection((conn) => this.runQuery(conn, sql));
  }

  /** Releases an in-memory database (a file warehouse holds nothing open between calls). */
  async close(): Promise<void> {
    this.memory?.closeSync();
    this.memory = undefined;
  }

  /** Each call has a connection of its own, as each Data API call is a session of its own: a load's temporary
   * staging tables go with it. */
  private async withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.options.path === ':memory:') {
      return serialized(this, async () => {
        this.memory ??= await createDuckDb(this.options.duckdb);
        const conn = await this.memory.connect();
        try {
          await this.prepare(conn);
          return await work(conn);
        } finally {
          conn.closeSync();
        }
      });
    }
    const path = resolve(this.options.path);
    return serialized(path, async () => {
      mkdirSync(dirname(path), { recursive: true });
      const instance = await this.openFile(path);
      const conn = await instance.connect();
      try {
        await this.prepare(conn);
        const result = await work(conn);
        // the checkpoint that closing would write, on DuckDB's thread: closeSync holds the event loop while it writes
        // (0.14 s after a history's load, with the Athena refresh and SummarizeBaskets running beside it)
        if (!this.options.readOnly) await conn.run('CHECKPOINT');
        return result;
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
    });
  }

  private async openFile(path: string): Promise<DuckDBInstance> {
    const deadline = Date.now() + (this.options.lockWaitMs ?? 10_000);
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        return await createDuckDb(this.options.duckdb, path, this.options.readOnly ? { access_mode: 'READ_ONLY' } : {});
      } catch (err) {
        const locked = /lock/i.test((err as Error).message);
        if (!locked || Date.now() > deadline) {
          // a lock still held by another process (a long query, a pipeline run) is worth another try later
          throw withContext(`cannot open the warehouse ${path}`, err, locked ? TransientError : RetailLakeError);
        }
        await sleep(wait);
      }
    }
  }

  private async runBatch(conn: DuckDBConnection, statements: string[]): Promise<void> {
    statements.forEach((s, i) => {
      if (splitSqlStatements(s).length > 1) throw new RangeError(`warehouse statement ${i + 1} holds more than one statement (the Data API takes one per entry): "${previewSql(s)}"`);
    });
    // Rows in a table have no order (Redshift keeps none): without keeping the order they arrive in, DuckDB appends
    // a COPY's files in parallel instead of one after another (a long history's load reads a file per date). Queries
    // keep the default.
    const { staging, rest } = stagingFirst(statements);
    // each COPY prefix listed once a batch: a staging table that stays a table is listed for its size first
    const listed = new Map<string, string[]>();
    const list = this.translate.listKeys ?? ((prefix: string): string[] => listLakeKeys(this.translate.lakeRoot, prefix));
    const translate: TranslateOptions = {
      ...this.translate,
      listKeys: (prefix) => listed.get(prefix) ?? listed.set(prefix, list(prefix)).get(prefix)!,
    };
    await withSettings(conn, { preserve_insertion_order: false }, async () => {
      // staging tables read in place (staging-views.ts) are views; the others are filled as the statements say
      const viewed = new Set<string>();
      for (const view of stagingViews(staging.map(([, s]) => s), rest.map(([, s]) => s))) {
        const n = staging.find(([, s]) => s === view.copies[0])?.[0] ?? 0;
        try {
          const sql = await stagingViewSql(conn, view, translate, this.options.stagingViewMinBytesPerFile);
          if (sql === null) continue;
          await conn.run(sql);
          viewed.add(view.table);
        } catch (err) {
          throw withContext(`warehouse statement ${n} of ${statements.length} failed ("${previewSql(view.copies[0])}")`, err);
        }
      }
      const tables = staging.filter(([, s]) => !viewed.has(stagingTableOf(s)?.table ?? ''));
      if (tables.length > 0) await this.runTransaction(conn, tables, statements.length, translate);
      await this.runTransaction(conn, rest, statements.length, translate);
    });
  }

  private async runTransaction(conn: DuckDBConnection, statements: Numbered, total: number, translate: TranslateOptions): Promise<void> {
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const [n, statement] of statements) {
        try {
          const sql = translateStatement(statement, translate);
          if (sql !== null) await conn.run(sql);
        } catch (err) {
          throw withContext(`warehouse statement ${n} of ${total} failed ("${previewSql(statement)}")`, err);
        }
      }
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async runQuery(conn: DuckDBConnection, sql: string): Promise<Row[]> {
    const translated = translateStatement(sql, this.translate);
    if (translated === null) return [];
    if (this.options.readOnly) await assertSingleSelect(conn, translated);
    return readRows(conn, translated);
  }

  /** Session settings that make DuckDB answer as Redshift does; on first use, the migrations. */
  private async prepare(conn: DuckDBConnection): Promise<void> {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run('SET integer_division = true');
    if (this.options.readOnly) return lockExternalAccess(conn, []);
    if (this.migrated) return;
    await applyMigrations({ execute: (s) => this.runBatch(conn, s), query: (sql) => this.runQuery(conn, sql) }, this.options.migrations ?? readMigrations());
    this.migrated = true;
  }
}
