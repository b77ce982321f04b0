import type { TopicName } from '../../../functions/lib/ports';

/** A pipeline Task implemented by a Lambda (functions/<name>/index.ts), and what it may touch. */
export interface PipelineStepSpec {
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
  workers?: string[];
  timeoutMinutes: number;
  /** lake zones read / written (written implies read) */
  reads: ('raw' | 'quarantine' | 'curated')[];
  writes: ('raw' | 'quarantine' | 'curated')[];
  athena?: boolean;
  warehouse?: boolean;
  topics?: TopicName[];
  quicksight?: boolean;
}

/**
 * The Task Lambdas of statemachines/pipeline.asl.json, one per `${...FunctionArn}` substitution. The access
 * each needs follows what the step does (docs/architecture.md §2); curated/ includes control/ and reference/.
 */
export const PIPELINE_STEPS: PipelineStepSpec[] = [
  {
    name: 'plan-batch',
    substitution: 'PlanBatchFunctionArn',
    description: 'PlanBatch: raw objects not yet in the processed-files manifest become the next batch',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: ['raw'],
    writes: ['curated'],
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
  },
  {
    name: 'commit-checkpoint',
    substitution: 'CommitCheckpointFunctionArn',
    description: 'CommitCheckpoint: adds the batch to the processed-files manifest, removes staging',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: [],
    writes: ['curated'],
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
  },
  {
    name: 'stock-risk',
    substitution: 'StockRiskFunctionArn',
    description: 'StockRisk: on-hand, average daily demand and days of supply per store and SKU; the alert list',
    duckdb: false,
    sql: true,
    timeoutMinutes: 15,
    reads: [],
    writes: ['curated'],
    athena: true,
    warehouse: true,
  },
  {
    name: 'publish-alerts',
    substitution: 'PublishAlertsFunctionArn',
    description: 'PublishAlerts: one low-stock message per store with store_id and severity attributes',
    duckdb: false,
    sql: false,
    timeoutMinutes: 5,
    reads: [],
    writes: ['curated'],
    topics: ['low-stock', 'data-quality', 'ops'],
  },
  {
    name: 'reconcile',
    substitution: 'ReconcileFunctionArn',
    description: 'Reconcile: raw vs curated vs quarantine vs warehouse, counts and revenue',
    duckdb: false,
    sql: true,
    timeoutMinutes: 15,
    reads: ['raw', 'quarantine'],
    writes: ['curated'],
    athena: true,
    warehouse: true,
    topics: ['ops', 'data-quality'],
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
  },
];
