import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isDirectQuery, type DatasetDefinition } from '../../../dashboards/definition';
import { createDuckDb, type DuckDbSettings } from '../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../functions/lib/duckdb/duckdb-rows';
import { RetailLakeError, TransientError, withContext } from '../../../functions/lib/errors';
import type { Row } from '../../../functions/lib/ports';
import { translateStatement } from '../../warehouse/redshift-to-duckdb';

export interface DatasetSnapshotOptions {
  lakeRoot: string;
  warehouseFile: string;
  duckdb?: DuckDbSettings;
  /** how long to wait for a pipeline's write lock on the warehouse file (ms) */
  lockWaitMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The dashboards' data sets as of one version of the warehouse, copied into an in-memory DuckDB: the file is
 * attached read-only just long enough to run each data set's SQL (Redshift's dialect, translated) once, then
 * detached, so a pipeline run is not held up and every visual query after that aggregates the copy in
 * milliseconds instead of re-running the data set's joins. `invalidate` (the file changed) drops the copies.
 * A direct-query data set (definition.ts `queryMode`) is never copied: its `source` is its SQL as a subquery, and
 * the queries over it run with the file attached read-only (attached for those queries, detached after them), so
 * DuckDB pushes their filters down into the warehouse's tables.
 */
export class DatasetSnapshot {
  private db: { instance: DuckDBInstance; conn: DuckDBConnection } | undefined;
  private readonly loaded = new Set<string>();
  private readonly translations = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: DatasetSnapshotOptions) {}

  /** The table a data set's rows are copied into (qualified: queries over a direct-query data set run in the warehouse). */
  static relation(dataset: DatasetDefinition): string {
    return `memory.main."ds_${dataset.name.replace(/"/g, '""')}"`;
  }

  /** What a visual query reads a data set from: its copy, or (direct query) its translated SQL as a subquery. */
  source(dataset: DatasetDefinition): string {
    return isDirectQuery(dataset) ? `(\n${this.translated(dataset)}\n)` : DatasetSnapshot.relation(dataset);
  }

  /** What a visual query over every store reads a direct-query data set from: its `everyStore` SQL as a subquery. */
  everyStoreSource(dataset: DatasetDefinition): string {
    if (!isDirectQuery(dataset) || !dataset.everyStore) throw new Error(`data set ${dataset.name} has no everyStore SQL to query directly`);
    return `(\n${this.translatedSql(`${dataset.name} (every store)`, dataset.everyStore.sql)}\n)`;
  }

  /** The next load copies every data set again. */
  invalidate(): void {
    this.loaded.clear();
  }

  /**
   * Copies the data sets not copied since the last `invalidate`, then runs the queries (over the copies, and over
   * the warehouse file, attached read-only meanwhile, when a direct-query data set is among `datasets`).
   */
  async queryEach(datasets: DatasetDefinition[], sqls: string[]): Promise<Row[][]> {
    return this.serialized(async () => {
      const conn = await this.connection();
      const missing = datasets.filter((d, i) => !isDirectQuery(d) && !this.loaded.has(d.name) && datasets.findIndex((e) => e.name === d.name) === i);
      const direct = datasets.some(isDirectQuery);
      if (missing.length || direct) {
        await this.attach(conn);
        try {
          await conn.run('USE warehouse');
          await this.copy(conn, missing);
          if (direct) return await this.runAll(conn, sqls);
        } finally {
          await conn.run('USE memory');
          await conn.run('DETACH DATABASE IF EXISTS warehouse');
        }
      }
      // over the copies only: run with the file detached, not holding up a pipeline run
      return this.runAll(conn, sqls);
    });
  }

  private async runAll(conn: DuckDBConnection, sqls: string[]): Promise<Row[][]> {
    const out: Row[][] = [];
    for (const sql of sqls) out.push(await readRows(conn, sql));
    return out;
  }

  close(): void {
    this.db?.conn.closeSync();
    this.db?.instance.closeSync();
    this.db = undefined;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async connection(): Promise<DuckDBConnection> {
    if (!this.db) {
      const instance = await createDuckDb(this.opts.duckdb);
      const conn = await instance.connect();
      // the session settings the warehouse's SQL expects (as DuckDbWarehouse sets them)
      await conn.run(`SET TimeZone = 'UTC'`);
      await conn.run('SET integer_division = true');
      this.db = { instance, conn };
    }
    return this.db.conn;
  }

  /** Copies the data sets' rows (the warehouse attached and in use). */
  private async copy(conn: DuckDBConnection, datasets: DatasetDefinition[]): Promise<void> {
    for (const d of datasets) {
      await conn.run(`CREATE OR REPLACE TABLE ${DatasetSnapshot.relation(d)} AS\n${this.translated(d)}`);
      this.loaded.add(d.name);
    }
  }

  /** The data set's SQL in DuckDB's dialect, over the warehouse's tables (translated once per data set). */
  private translated(dataset: DatasetDefinition): string {
    return this.translatedSql(dataset.name, dataset.sql);
  }

  private translatedSql(name: string, redshiftSql: string): string {
    const known = this.translations.get(name);
    if (known !== undefined) return known;
    const sql = translateStatement(redshiftSql.trim().replace(/;\s*$/, ''), { lakeRoot: this.opts.lakeRoot });
    if (sql === null) throw new Error(`data set ${name}: its SQL is not a query`);
    this.translations.set(name, sql);
    return sql;
  }

  /** Attaches the file read-only, waiting (up to lockWaitMs) while a pipeline run has it open for writing. */
  private async attach(conn: DuckDBConnection): Promise<void> {
    const deadline = Date.now() + (this.opts.lockWaitMs ?? 10_000);
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        await conn.run(`ATTACH ${sqlString(this.opts.warehouseFile)} AS warehouse (READ_ONLY)`);
        return;
      } catch (err) {
        const locked = /lock/i.test((err as Error).message);
        if (!locked || Date.now() > deadline) throw withContext(`cannot open the warehouse ${this.opts.warehouseFile}`, err, locked ? TransientError : RetailLakeError);
        await sleep(wait);
      }
    }
  }
}
