import type { PipelineState } from '../lib/pipeline/state';
import type { Runtime, TopicName } from '../lib/ports';

/** The lake's buckets, as a step's access names them (curated/ includes control/ and reference/). */
export type LakeZone = 'raw' | 'quarantine' | 'curated';

/** What every step folder's index.ts exports beside its Lambda `handler`: the core both the handler and the local
 * runner call with a runtime. */
export interface StepModule {
  run(state: PipelineState, runtime: Runtime): Promise<unknown>;
}

/** A pipeline Task implemented by a Lambda (functions/pipeline/<name>/index.ts), and what it may touch. */
export interface PipelineStep {
  /** folder under functions/pipeline/ and the function's short name */
  name: string;
  /** the ASL substitution that receives the function's ARN */
  substitution: string;
  description: string;
  /** runs DuckDB: gets the DuckDB layer and the larger memory size */
  duckdb: boolean;
  /** reads sql/ at run time: the bundle ships the folder */
  sql: boolean;
  /** worker-thread entries the handler starts (functions/lib/typescript-worker.ts): bundled next to index.js */
  workers?: readonly string[];
  timeoutMinutes: number;
  /** lake zones read / written (written implies read) */
  reads: readonly LakeZone[];
  writes: readonly LakeZone[];
  athena?: boolean;
  warehouse?: boolean;
  topics?: readonly TopicName[];
  quicksight?: boolean;
  /** the step's module, loaded when it first runs (the local runner; CDK bundles the folder's index.ts instead) */
  load(): Promise<StepModule>;
}

/**
 * The Task Lambdas of statemachines/pipeline.asl.json, one per `${...FunctionArn}` substitution: the one list the
 * CDK app (one function per step, granted what the step touches) and the local runner (the same core in-process)
 * read. The access each needs follows what the step does (docs/architecture.md §2); curated/ includes control/ and reference/.
 */
const STEPS = [
  {
    name: 'plan-batch',
    substitution: 'PlanBatchFunctionArn',
    description: 'PlanBatch: takes the run lease; raw objects not yet in the processed-files manifest become the next batch',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: ['raw'],
    writes: ['curated'],
    load: () => import('./plan-batch/index'),
  },
  {
    name: 'validate-batch',
    substitution: 'ValidateBatchFunctionArn',
    description: 'Validate: schema and reference checks; rejects to quarantine/ with reason, valid events to staging',
    duckdb: true,
    sql: true,
    workers: ['functions/pipeline/validate-batch/validate-worker.ts'],
    timeoutMinutes: 15,
    reads: ['raw'],
    writes: ['quarantine', 'curated'],
    load: () => import('./validate-batch/index'),
  },
  {
    name: 'curate-batch',
    substitution: 'CurateBatchFunctionArn',
    description: 'Curate (small batches): staged events + existing partitions -> deduplicated Parquet (sql/transform/)',
    duckdb: true,
    sql: true,
    timeoutMinutes: 15,
    reads: [],
    writes: ['curated'],
    load: () => import('./curate-batch/index'),
  },
  {
    name: 'commit-checkpoint',
    substitution: 'CommitCheckpointFunctionArn',
    description: 'CommitCheckpoint: adds the batch to the processed-files manifest, removes staging (a committed batch: its record)',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: [],
    writes: ['curated'],
    load: () => import('./commit-checkpoint/index'),
  },
  {
    name: 'prepare-loads',
    substitution: 'PrepareLoadsFunctionArn',
    description: 'PrepareLoads: renders the Athena refresh and Redshift load statements for the affected dates',
    duckdb: false,
    sql: true,
    timeoutMinutes: 5,
    reads: [],
    writes: ['curated'],
    load: () => import('./prepare-loads/index'),
  },
  {
    name: 'summarize-baskets',
    substitution: 'SummarizeBasketsFunctionArn',
    description: 'SummarizeBaskets: store_day_baskets (sale baskets per store, date and payment method) for the dates the batch added sales lines to',
    duckdb: true,
    sql: true,
    timeoutMinutes: 15,
    reads: [],
    writes: ['curated'],
    load: () => import('./summarize-baskets/index'),
  },
  {
    name: 'fit-forecasts',
    substitution: 'FitForecastsFunctionArn',
    description: 'FitForecasts: weekly refit of the demand model per store and SKU (backtested), written to the lake and forecast_model',
    duckdb: true,
    sql: true,
    workers: ['functions/pipeline/fit-forecasts/fit-worker.ts'],
    timeoutMinutes: 15,
    reads: [],
    writes: ['curated'],
    warehouse: true,
    load: () => import('./fit-forecasts/index'),
  },
  {
    name: 'stock-risk',
    substitution: 'StockRiskFunctionArn',
    description: 'StockRisk: projected stock per store and SKU from the forecast and open orders; the alert list and lifecycle decisions',
    duckdb: false,
    sql: true,
    timeoutMinutes: 15,
    reads: [],
    writes: ['curated'],
    athena: true,
    warehouse: true,
    load: () => import('./stock-risk/index'),
  },
  {
    name: 'publish-alerts',
    substitution: 'PublishAlertsFunctionArn',
    description: 'PublishAlerts: escalations to critical at once, a daily digest per store otherwise (store_id and severity attributes); marks them notified',
    duckdb: false,
    sql: true,
    timeoutMinutes: 5,
    reads: [],
    writes: ['curated'],
    warehouse: true,
    topics: ['low-stock', 'data-quality', 'ops'],
    load: () => import('./publish-alerts/index'),
  },
  {
    name: 'reconcile',
    substitution: 'ReconcileFunctionArn',
    description: 'Reconcile: run records vs quarantine vs warehouse per business date, counts and revenue',
    duckdb: false,
    sql: true,
    timeoutMinutes: 15,
    reads: ['raw', 'quarantine'],
    writes: ['curated'],
    athena: true,
    warehouse: true,
    topics: ['ops', 'data-quality'],
    load: () => import('./reconcile/index'),
  },
  {
    name: 'refresh-dashboards',
    substitution: 'RefreshDashboardsFunctionArn',
    description: 'RefreshDashboards: starts the SPICE refresh of the QuickSight datasets',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: ['curated'],
    writes: [],
    quicksight: true,
    load: () => import('./refresh-dashboards/index'),
  },
  {
    name: 'park-batch',
    substitution: 'ParkBatchFunctionArn',
    description: 'ParkBatch: sets a batch that failed after its retries aside (control/parked/), so later batches go on',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: [],
    writes: ['quarantine', 'curated'],
    topics: ['ops'],
    load: () => import('./park-batch/index'),
  },
  {
    name: 'release-run-lease',
    substitution: 'ReleaseRunLeaseFunctionArn',
    description: 'ReleaseRunLease: gives back the run lease PlanBatch took, when the execution ends',
    duckdb: false,
    sql: false,
    timeoutMinutes: 1,
    reads: [],
    writes: ['curated'],
    load: () => import('./release-run-lease/index'),
  },
] as const satisfies readonly PipelineStep[];

export type PipelineStepName = (typeof STEPS)[number]['name'];

export const PIPELINE_STEPS: readonly (PipelineStep & { name: PipelineStepName })[] = STEPS;

export function pipelineStep(name: PipelineStepName): PipelineStep {
  const step = PIPELINE_STEPS.find((s) => s.name === name);
  if (!step) throw new RangeError(`no pipeline step ${name}`);
  return step;
}

/** The ASL substitutions that name topics, and the topic each one is. */
export const PIPELINE_TOPICS = { DataQualityTopicArn: 'data-quality', OpsTopicArn: 'ops' } as const satisfies Record<string, TopicName>;
