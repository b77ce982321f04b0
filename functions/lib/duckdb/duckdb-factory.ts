import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbMemoryLimitMb } from '../pipeline/batch-sizing';
import { settingsFromEnv } from '../pipeline/pipeline-settings';
import { workPaths } from '../pipeline/work-dir';
import type { PipelineSettings } from '../ports';

/** What every DuckDB is opened with: where it may spill, how much memory and how many threads it may use. */
export type DuckDbSettings = Pick<PipelineSettings, 'workDir' | 'duckdbMemoryMb' | 'duckdbThreads'>;

/**
 * memory_limit of a DuckDB when DUCKDB_MEMORY_MB does not set one, outside Lambda. A local run is one process
 * (Node's ~200-450 MB, Validate's workers, and at most a DuckDB at work plus the idle curated-query engine); with
 * 1 GB to DuckDB its peak RSS stays under 2 GB at any batch size, the work beyond it spilling to temp_directory.
 * DuckDB's own default is 80% of the machine's memory, whatever else the process holds.
 */
export const DEFAULT_DUCKDB_MEMORY_MB = 1024;

/**
 * DuckDB's memory_limit in MB: DUCKDB_MEMORY_MB's (settings.duckdbMemoryMb) when set; in Lambda (infra sets
 * DUCKDB_MEMORY_MB, but a function deployed otherwise may not) the share of the function's memory
 * batch-sizing.ts leaves to DuckDB; elsewhere DEFAULT_DUCKDB_MEMORY_MB.
 */
export function duckDbMemoryMb(settings: Pick<DuckDbSettings, 'duckdbMemoryMb'>, env: NodeJS.ProcessEnv = process.env): number {
  if (settings.duckdbMemoryMb > 0) return settings.duckdbMemoryMb;
  const lambdaMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (Number.isFinite(lambdaMb) && lambdaMb > 0) return duckdbMemoryLimitMb(lambdaMb);
  return DEFAULT_DUCKDB_MEMORY_MB;
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
  };
  if (settings.duckdbThreads > 0) config.threads = String(settings.duckdbThreads);
  return config;
}

/** The one way this code base opens a DuckDB database (`:memory:` or a file), configured by duckDbConfig
 * (plus `extra` options, such as `access_mode`). */
export async function createDuckDb(settings: DuckDbSettings = settingsFromEnv(), path = ':memory:', extra: Record<string, string> = {}): Promise<DuckDBInstance> {
  const config = { ...duckDbConfig(settings), ...extra };
  mkdirSync(workPaths(settings.workDir).duckdb, { recursive: true });
  return DuckDBInstance.create(path, config);
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
