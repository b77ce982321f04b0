import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { columnDefinitions } from '../../functions/lib/curated-schema';
import { createDuckDb, type DuckDbSettings } from '../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { LAKE_TABLES, type CsvLakeTable, type ParquetLakeTable } from '../../functions/lib/lake-tables';
import type { QueryEngine, Row } from '../../functions/lib/ports';
import { sqlRoot } from '../../functions/lib/sql-files';
import { assertSingleSelect, lockExternalAccess } from './read-only-sql';

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some(
    (d) => d.isDirectory() && readdirSync(join(dir, d.name)).some((f) => f.endsWith('.parquet')),
  );
}

function parquetView(lakeRoot: string, t: ParquetLakeTable): string {
  const dir = join(lakeRoot, t.prefix);
  if (!hasParquet(dir)) return `CREATE OR REPLACE TABLE ${t.name} (${columnDefinitions(t.name)})`;
  const glob = sqlString(join(dir, '*', '*.parquet'));
  return `CREATE OR REPLACE VIEW ${t.name} AS SELECT * FROM read_parquet(${glob}, hive_partitioning = true, union_by_name = true)`;
}

/** Columns by name, converted to the catalog's types (Athena's CSV table reads them by position and converts). */
function csvView(lakeRoot: string, t: CsvLakeTable): string {
  const path = join(lakeRoot, t.key);
  if (!existsSync(path)) return `CREATE OR REPLACE TABLE ${t.name} (${t.columns.map(([c, type]) => `${c} ${type}`).join(', ')})`;
  const columns = t.columns.map(([c, type]) => `CAST(${c} AS ${type}) AS ${c}`).join(', ');
  return `CREATE OR REPLACE VIEW ${t.name} AS SELECT ${columns} FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`;
}

/**
 * What the registered relations depend on: whether each Parquet table has a file (a view over its glob, else an
 * empty table) and whether each reference file exists. Nothing finer: a DuckDB view is bound again by every query
 * that reads it, so a view over a glob sees the files put, replaced or deleted since it was made (and, with
 * union_by_name, their new columns) without being made again. Registering on every file that came or went bound
 * each view at once, reading every file's footer: a history's 1,200 date files cost the pipeline's Athena refresh
 * and its reconcile 0.1-0.2 s each, for views they then bound again.
 */
export function lakeTablesShape(lakeRoot: string): Map<string, boolean> {
  return new Map(LAKE_TABLES.map((t) => [t.name, t.format === 'parquet' ? hasParquet(join(lakeRoot, t.prefix)) : existsSync(join(lakeRoot, t.key))]));
}

/** A table's files come and go (the quarantine lifecycle deletes them), so its relation switches between a view
 * and an empty table: DuckDB replaces neither with the other kind, nor drops one as the other. */
async function dropIf(conn: DuckDBConnection, name: string, kind: 'VIEW' | 'BASE TABLE'): Promise<void> {
  const found = await readRows(conn, `SELECT 1 FROM information_schema.tables WHERE table_name = ${sqlString(name)} AND table_type = ${sqlString(kind)}`);
  if (found.length > 0) await conn.run(`DROP ${kind === 'VIEW' ? 'VIEW' : 'TABLE'} ${name}`);
}

/**
 * Registers the lake's tables (functions/lib/lake-tables.ts, what the Glue catalog is to Athena) as views over
 * their Parquet partitions and reference CSVs. A table with no files yet is an empty table of the right columns,
 * so queries never fail for lack of data. With `only`, just those tables, made again after their shape changed
 * (lakeTablesShape): the derived views, made with all of them, read them by name in each query.
 */
export async function registerCuratedViews(conn: DuckDBConnection, lakeRoot: string, only?: ReadonlySet<string>): Promise<void> {
  for (const t of LAKE_TABLES) {
    if (only !== undefined && !only.has(t.name)) continue;
    const statement = t.format === 'parquet' ? parquetView(lakeRoot, t) : csvView(lakeRoot, t);
    await dropIf(conn, t.name, /^CREATE OR REPLACE VIEW/.test(statement) ? 'BASE TABLE' : 'VIEW');
    await conn.run(statement);
  }
  if (only !== undefined) return;
  // Derived views (sql/athena/views/): the statements the pipeline's Athena refresh runs in the cloud.
  const viewsDir = join(sqlRoot(), 'athena', 'views');
  if (existsSync(viewsDir)) {
    for (const file of readdirSync(viewsDir).filter((f) => f.endsWith('.sql')).sort()) {
      await conn.run(readFileSync(join(viewsDir, file), 'utf8'));
    }
  }
}

/** The local Athena: DuckDB over the lake's curated Parquet. */
export class CuratedQueryEngine implements QueryEngine {
  /** the lake's tables' shape (lakeTablesShape) when the views were last registered */
  private registered: Map<string, boolean> | undefined;
  /** queries under way, and what to do when the last of them ends (close, when it was asked for meanwhile) */
  private inFlight = 0;
  private idle: (() => void) | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly lakeRoot: string,
    private readonly readOnly: boolean,
  ) {}

  static async open(lakeRoot: string, settings?: DuckDbSettings): Promise<CuratedQueryEngine> {
    const instance = await createDuckDb(settings);
    const conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    // the views are bound again before every query (union_by_name reads every file's footer): cached footers make
    // that cost follow the new files, not all of them (an entry is dropped when its file's modification time changes)
    await conn.run(`SET parquet_metadata_cache = true`);
    return new CuratedQueryEngine(instance, conn, lakeRoot, false);
  }

  /**
   * The analyst's engine, read-only as Athena is: the views are registered once, then file access is limited to
   * the lake's folder and the configuration locked; only a single SELECT runs.
   */
  static async openReadOnly(lakeRoot: string, settings?: DuckDbSettings): Promise<CuratedQueryEngine> {
    const engine = await CuratedQueryEngine.open(lakeRoot, settings);
    try {
      await registerCuratedViews(engine.conn, lakeRoot);
      await lockExternalAccess(engine.conn, [resolve(lakeRoot) + sep]);
    } catch (err) {
      engine.close();
      throw err;
    }
    return new CuratedQueryEngine(engine.instance, engine.conn, lakeRoot, true);
  }

  /** Before a query, the tables that got their first file or lost their last, or whose reference file came or
   * went, since the last registration (lakeTablesShape) are registered again, unless read-only. */
  async query(sql: string): Promise<Row[]> {
    this.inFlight++;
    try {
      return await this.run(sql);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  private async run(sql: string): Promise<Row[]> {
    if (this.readOnly) {
      await assertSingleSelect(this.conn, sql);
    } else {
      const shape = lakeTablesShape(this.lakeRoot);
      const before = this.registered;
      // the tables whose shape changed since the last registration; all of them and the derived views the first time
      const changed = before === undefined ? undefined : new Set([...shape].filter(([name, files]) => before.get(name) !== files).map(([name]) => name));
      if (changed === undefined || changed.size > 0) {
        this.registered = undefined; // a registration that fails half way is not one
        await registerCuratedViews(this.conn, this.lakeRoot, changed);
        this.registered = shape;
      }
    }
    return readRows(this.conn, sql);
  }

  /**
   * Closes the database now, or when the queries under way have ended: a failed execution can end while a branch of
   * its Parallel state still has a query running here (the local runner does not wait for the other branches), and
   * closing a DuckDB under a running query crashes the process.
   */
  close(): void {
    const closeNow = (): void => {
      this.conn.closeSync();
      this.instance.closeSync();
    };
    if (this.inFlight === 0) closeNow();
    else this.idle = closeNow;
  }
}
