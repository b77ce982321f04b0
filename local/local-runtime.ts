import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { localMemoryLimitMb, MIN_DUCKDB_MEMORY_MB, WAREHOUSE_RSS_PER_LIMIT_MB } from '../functions/lib/duckdb/duckdb-factory';
import { LOCAL_MAX_BATCH_BYTES } from '../functions/lib/pipeline/batch-sizing';
import { settingsFromEnv } from '../functions/lib/pipeline/pipeline-settings';
import type { IngestBuffer, PipelineSettings, Runtime } from '../functions/lib/ports';
import { FsObjectStore } from './adapters/fs-object-store';
import { MetricLog } from './adapters/metric-log';
import { OutboxNotifier } from './adapters/outbox-notifier';
import { HtmlDashboardPublisher } from './dashboards/html-dashboard';
import { CuratedQueryEngine } from './engine/curated-engine';
import { LocalIngestBuffer } from './ingest/ingest-buffer';
import { DuckDbWarehouse } from './warehouse/duckdb-warehouse';

export { warehousePath } from './warehouse/duckdb-warehouse';

export interface LocalRuntime extends Runtime {
  /** what `serve` acknowledged and left in the lake's stream (`run` delivers it before planning) */
  ingest: IngestBuffer;
  close(): Promise<void>;
}

/** The pipeline settings of a local lake: Validate and FitForecasts work on all cores unless VALIDATE_WORKERS and
 * FORECAST_WORKERS say otherwise, a batch takes at most LOCAL_MAX_BATCH_BYTES of raw objects unless MAX_BATCH_BYTES says otherwise
 * (0: no cap), and the work folder (DuckDB's spill files, step scratch) is `<lake>/.work` unless WORK_DIR says
 * otherwise: on the lake's disk, so a step's output is renamed into place. */
export function localSettings(lakeRoot: string, env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  return settingsFromEnv({ VALIDATE_WORKERS: String(availableParallelism()), FORECAST_WORKERS: String(availableParallelism()), WORK_DIR: join(resolve(lakeRoot), '.work'), MAX_BATCH_BYTES: String(LOCAL_MAX_BATCH_BYTES), ...env });
}

/** The local warehouse's settings: a memory_limit of its own under the process budget (WAREHOUSE_RSS_PER_LIMIT_MB),
 * less the floor that SummarizeBaskets' DuckDB holds beside its load (besideWarehouse), unless DUCKDB_MEMORY_MB sets
 * one for every DuckDB. */
export function warehouseSettings(settings: PipelineSettings, env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  if (settings.duckdbMemoryMb > 0) return settings;
  return { ...settings, duckdbMemoryMb: localMemoryLimitMb(WAREHOUSE_RSS_PER_LIMIT_MB, env, MIN_DUCKDB_MEMORY_MB) };
}

/** The local adapters behind the ports: the lake on the file system, DuckDB for Athena and Redshift, an outbox
 * file for SNS, an HTML page for the dashboards, the lake's stream for the ingest buffer. */
export async function createLocalRuntime(lakeRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalRuntime> {
  const root = resolve(lakeRoot);
  const store = new FsObjectStore(root);
  const settings = localSettings(root, env);
  const warehouse = DuckDbWarehouse.forLake(root, warehouseSettings(settings, env));
  const curatedQuery = await CuratedQueryEngine.open(root, settings);
  return {
    mode: 'local',
    store,
    files: store,
    notifier: new OutboxNotifier(root),
    warehouse,
    curatedQuery,
    dashboards: new HtmlDashboardPublisher(root, warehouse),
    metrics: new MetricLog(root),
    ingest: new LocalIngestBuffer(root),
    settings,
    close: async () => {
      curatedQuery.close();
      await warehouse.close();
    },
  };
}

/** The warehouse for `query --warehouse` (the file is opened per call, so a running pipeline and a query take turns). */
export async function openLocalWarehouse(lakeRoot: string, opts: { readOnly?: boolean } = {}): Promise<DuckDbWarehouse> {
  return DuckDbWarehouse.forLake(resolve(lakeRoot), warehouseSettings(localSettings(lakeRoot)), opts.readOnly);
}
