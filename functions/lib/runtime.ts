import type { MetricsPublisher, Notifier, ObjectStore, QueryEngine, Warehouse } from './ports';

/** Local directory access to lake prefixes, for the steps that run DuckDB over files. */
export interface LakeFiles {
  /** A local directory holding the objects under `prefix` (locally the lake folder itself; in Lambda a /tmp copy). */
  materialize(prefix: string): Promise<string>;
  /** Make the objects under `prefix` exactly the files of `localDir` (locally a rename; in AWS an upload, then a
   * delete of the keys that are no longer there). */
  replacePrefix(prefix: string, localDir: string): Promise<void>;
}

export interface PipelineSettings {
  /** days of supply below which a SKU is critical / high */
  criticalDays: number;
  highDays: number;
  /** share of a batch quarantined above which a data-quality alert is sent */
  quarantineAlertRate: number;
  /** batches larger than this (bytes of raw objects) are curated by the Glue job in the cloud */
  glueThresholdBytes: number;
  /** days of sales history used for average daily demand */
  demandWindowDays: number;
  /** worker threads that validate raw objects in parallel (1: on the calling thread, as in a small Lambda) */
  validateWorkers: number;
}

/** Refreshes what executives look at: local HTML pages; QuickSight datasets in the cloud. */
export interface DashboardPublisher {
  /** returns where the refreshed dashboards can be seen (file paths or dashboard ids) */
  refresh(): Promise<string[]>;
}

export interface Runtime {
  mode: 'local' | 'aws';
  store: ObjectStore;
  files: LakeFiles;
  notifier: Notifier;
  warehouse: Warehouse;
  curatedQuery: QueryEngine;
  dashboards: DashboardPublisher;
  metrics: MetricsPublisher;
  settings: PipelineSettings;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: must be a number >= 0, got "${raw}"`);
    return n;
  };
  return {
    criticalDays: num('RISK_CRITICAL_DAYS', 3),
    highDays: num('RISK_HIGH_DAYS', 7),
    quarantineAlertRate: num('QUARANTINE_ALERT_RATE', 0.05),
    glueThresholdBytes: num('GLUE_THRESHOLD_BYTES', 512 * 1024 * 1024),
    demandWindowDays: num('DEMAND_WINDOW_DAYS', 28),
    validateWorkers: Math.max(1, Math.floor(num('VALIDATE_WORKERS', 1))),
  };
}

let current: Runtime | undefined;

/** The local runner installs its adapters here before running handlers. */
export function setRuntime(runtime: Runtime | undefined): void {
  current = runtime;
}

/** The runtime handlers use: the one installed locally, else the AWS adapters built from the environment. */
export async function getRuntime(): Promise<Runtime> {
  if (!current) {
    // Loaded lazily so the local path never loads the AWS adapters and the Lambdas never load local code.
    const { createAwsRuntime } = await import('./aws/aws-runtime');
    current = createAwsRuntime(process.env);
  }
  return current as Runtime;
}
