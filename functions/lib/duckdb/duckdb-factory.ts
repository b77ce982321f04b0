import { mkdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ConfigurationError } from '../errors';
import { duckdbMemoryLimitMb } from '../pipeline/batch-sizing';
import { settingsFromEnv } from '../pipeline/pipeline-settings';
import { workPaths } from '../pipeline/work-dir';
import type { PipelineSettings } from '../ports';

/** What every DuckDB is opened with: where it may spill, how much memory and how many threads it may use. */
export type DuckDbSettings = Pick<PipelineSettings, 'workDir' | 'duckdbMemoryMb' | 'duckdbThreads'>;

/**
 * A local run is one process: Node (its heap, Validate's buffers and workers: 300-450 MB once Validate has run),
 * the DuckDB at work (Curate's, the warehouse load's) and the idle ones (the curated-query engine, the warehouse).
 * Its peak RSS is held under MEMORY_BUDGET_MB (default DEFAULT_MEMORY_BUDGET_MB, issue 12's 2 GB) by giving each
 * DuckDB a memory_limit of what the budget leaves after NODE_RESERVE_MB, divided by DUCKDB_RSS_PER_LIMIT_MB.
 */
export const DEFAULT_MEMORY_BUDGET_MB = 2048;
/** What the process holds besides the DuckDB at work (Node, the idle DuckDBs). */
export const NODE_RESERVE_MB = 512;
/**
 * RSS of a DuckDB at work per MB of its memory_limit: its buffer pool, plus what it allocates outside it (hash
 * tables' and sorts' pointers, Parquet writers' pages, the allocator's freed but kept pages), which grows with the
 * batch. Measured on Curate's process (bench/run.ts --lines 10000000, 10.6M sale lines in one batch; the month,
 * 30.8M lines in one batch): see docs/scale.md, "Memory budget of a local run".
 */
export const DUCKDB_RSS_PER_LIMIT_MB = 2.4;
/** At most this share of the machine's memory, on a machine smaller than the budget. */
const MACHINE_SHARE = 0.5;
/** DuckDB fails below a few hundred MB on a batch's joins; the floor of a derived limit. */
export const MIN_DUCKDB_MEMORY_MB = 256;

/**
 * The same for the local warehouse (local/warehouse/): its load, stock risk and forecasts' queries peaked at 1.3 MB of
 * RSS per MB of limit over the month's batches (1,515 MB in its load at a 1 GB limit), and its load needs more than
 * Curate's limit (the open purchase-order lines of a month's history failed at 640 MB). Curate's DuckDB is closed
 * by then, so the two never work at once; SummarizeBaskets' DuckDB works beside the load, at the floor
 * (besideWarehouse), and the warehouse's limit leaves that floor out of the budget (local/local-runtime.ts).
 */
export const WAREHOUSE_RSS_PER_LIMIT_MB = 1.4;

/** A local DuckDB's memory_limit (MB) under a process budget of `budgetMb` on a machine of `machineMb`. */
export function localDuckDbMemoryMb(budgetMb: number, machineMb: number, rssPerLimitMb = DUCKDB_RSS_PER_LIMIT_MB): number {
  const byBudget = (budgetMb - NODE_RESERVE_MB) / rssPerLimitMb;
  return Math.floor(Math.max(MIN_DUCKDB_MEMORY_MB, Math.min(byBudget, machineMb * MACHINE_SHARE)));
}

/**
 * DuckDB's memory_limit in MB: DUCKDB_MEMORY_MB's (settings.duckdbMemoryMb) when set; in Lambda (infra sets
 * DUCKDB_MEMORY_MB, but a function deployed otherwise may not) the share of the function's memory
 * batch-sizing.ts leaves to DuckDB; elsewhere the process budget's (localDuckDbMemoryMb; MEMORY_BUDGET_MB).
 * DuckDB's own default is 80% of the machine's memory, whatever else the process holds.
 */
export function duckDbMemoryMb(settings: Pick<DuckDbSettings, 'duckdbMemoryMb'>, env: NodeJS.ProcessEnv = process.env): number {
  if (settings.duckdbMemoryMb > 0) return settings.duckdbMemoryMb;
  const lambdaMb = lambdaMemoryMb(env);
  if (lambdaMb !== undefined) return duckdbMemoryLimitMb(lambdaMb);
  return localMemoryLimitMb(DUCKDB_RSS_PER_LIMIT_MB, env);
}

/** The memory of the Lambda function this runs in, or undefined outside Lambda. */
function lambdaMemoryMb(env: NodeJS.ProcessEnv): number | undefined {
  const mb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(mb) && mb > 0 ? mb : undefined;
}

/**
 * The settings of a DuckDB that works while the local warehouse loads, in the same process (SummarizeBaskets, a
 * branch of the same Parallel state): this one gets the floor, MIN_DUCKDB_MEMORY_MB, and spills past it, and the
 * warehouse's limit is what the budget leaves after Node and this floor (WAREHOUSE_RSS_PER_LIMIT_MB). At 640 MB
 * the 10M-line day peaked at 1,902 MiB while the two worked; at the floor, 1,726 MiB, and SummarizeBaskets (which
 * ends well before the load) took no longer. Unchanged in Lambda, where a function's memory is its own, and when
 * DUCKDB_MEMORY_MB is set.
 */
export function besideWarehouse<T extends DuckDbSettings>(settings: T, env: NodeJS.ProcessEnv = process.env): T {
  if (settings.duckdbMemoryMb > 0 || lambdaMemoryMb(env) !== undefined) return settings;
  return { ...settings, duckdbMemoryMb: MIN_DUCKDB_MEMORY_MB };
}

const MIB = 1024 * 1024;

/** localDuckDbMemoryMb under MEMORY_BUDGET_MB on this machine, for a DuckDB of `rssPerLimitMb`, less `besideMb` that
 * another DuckDB working at the same time holds. */
export function localMemoryLimitMb(rssPerLimitMb: number, env: NodeJS.ProcessEnv = process.env, besideMb = 0): number {
  return localDuckDbMemoryMb(memoryBudgetMb(env) - besideMb, totalmem() / MIB, rssPerLimitMb);
}

/** MEMORY_BUDGET_MB, or DEFAULT_MEMORY_BUDGET_MB. */
export function memoryBudgetMb(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MEMORY_BUDGET_MB;
  if (raw === undefined || raw === '') return DEFAULT_MEMORY_BUDGET_MB;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw new ConfigurationError(`MEMORY_BUDGET_MB: must be a number of MB > 0, got "${raw}"`);
  return mb;
}

let opened = 0;

/**
 * DuckDB's configuration from the settings. memory_limit is always set (duckDbMemoryMb), so that work larger
 * than it spills instead of taking the machine. temp_directory is always set, to a folder of the instance's own
 * under `<work>/duckdb/`: DuckDB's default (`.tmp` under the working directory, or beside a database file) is
 * read-only in Lambda (/var/task), and instances of one process that shared a folder would share spill file
 * names. DuckDB creates the folder when it first spills and removes it when the instance closes.
 */
export function duckDbConfig(settings: DuckDbSettings, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const config: Record<string, string> = {
    temp_directory: join(workPaths(settings.workDir).duckdb, `${process.pid}-${++opened}`),
    memory_limit: `${duckDbMemoryMb(settings, env)}MB`,
    // jemalloc's background threads give freed pages back to the OS as the work goes on, instead of at the next
    // allocation on the thread that freed them: a batch's large sorts and joins free hundreds of MB at a time
    allocator_background_threads: 'true',
  };
  if (settings.duckdbThreads > 0) config.threads = String(settings.duckdbThreads);
  return config;
}

/** The one way this code base opens a DuckDB database (`:memory:` or a file), configured by duckDbConfig
 * (plus `extra` options, such as `access_mode`). */
export async function createDuckDb(settings: DuckDbSettings = settingsFromEnv(), path = ':memory:', extra: Record<string, string> = {}): Promise<DuckDBInstance> {
  const config = { ...duckDbConfig(settings), ...extra };
  mkdirSync(workPaths(settings.workDir).duckdb, { recursive: true });
  const db = await DuckDBInstance.create(path, config);
  const conn = await db.connect();
  try {
    // DuckDB prefetches a row group's column chunks (one read of the ranges it needs) only for remote files unless
    // told to: a local file's each column chunk is then a read of its own. A history's 1,200 small date files
    // (18 columns, a few rows each) read in 170-190 ms instead of 280-290, and the backfill's warehouse load took
    // 0.67 s instead of 0.89; the seed day's and the 10M-line day's steps were the same. Prefetched reads would also
    // be kept in DuckDB's cache of external files, which is for remote ones: the 10M-line day then peaked at 1,414 MB
    // against 1,204 MB, and without that cache at 1,204 MB again. The settings need the Parquet reader loaded,
    // which a DuckDB's configuration at open is not.
    await conn.run(`SET GLOBAL prefetch_all_parquet_files = true`);
    await conn.run(`SET GLOBAL enable_external_file_cache = false`);
  } finally {
    conn.closeSync();
  }
  return db;
}

/** A connection to a new in-memory database, for long-lived engines and tests; the instance lives as long as it. */
export async function openDuckDb(settings?: DuckDbSettings): Promise<DuckDBConnection> {
  return (await createDuckDb(settings)).connect();
}

/** Runs `work` on a new in-memory database, then closes it, so its spill files are gone when this returns. */
export async function withDuckDb<T>(settings: DuckDbSettings, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await createDuckDb(settings);
  const conn = await instance.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
