import { mkdirSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { settingsFromEnv } from '../pipeline/pipeline-settings';
import { workPaths } from '../pipeline/work-dir';
import type { PipelineSettings } from '../ports';

/** What every DuckDB is opened with: where it may spill, how much memory and how many threads it may use. */
export type DuckDbSettings = Pick<PipelineSettings, 'workDir' | 'duckdbMemoryMb' | 'duckdbThreads'>;

/**
 * DuckDB's configuration from the settings. temp_directory is always set: DuckDB's default (`.tmp` under the
 * working directory, or beside a database file) is read-only in Lambda (/var/task), so it could not spill there.
 */
export function duckDbConfig(settings: DuckDbSettings): Record<string, string> {
  const config: Record<string, string> = { temp_directory: workPaths(settings.workDir).duckdb };
  if (settings.duckdbMemoryMb > 0) config.memory_limit = `${settings.duckdbMemoryMb}MB`;
  if (settings.duckdbThreads > 0) config.threads = String(settings.duckdbThreads);
  return config;
}

/** The one way this code base opens a DuckDB database (`:memory:` or a file), configured by duckDbConfig
 * (plus `extra` options, such as `access_mode`). */
export async function createDuckDb(settings: DuckDbSettings = settingsFromEnv(), path = ':memory:', extra: Record<string, string> = {}): Promise<DuckDBInstance> {
  const config = { ...duckDbConfig(settings), ...extra };
  mkdirSync(config.temp_directory, { recursive: true });
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
