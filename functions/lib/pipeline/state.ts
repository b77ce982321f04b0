import type { RejectReason } from '../contract/types';
import type { CuratedTable } from '../lake-layout';
import type { PrefixLevel } from '../warehouse/load-statements';

/** What flows between the pipeline's Tasks (kept small: Step Functions caps a state at 256 KB). */
export interface BatchPlan {
  batchId: string;
  objectCount: number;
  bytes: number;
  useGlue: boolean;
  manifestKey: string;
  /** true when an interrupted batch is being finished rather than a new one planned */
  resumed: boolean;
  /** true when the batch committed but its post-commit steps (load, stock risk, alerts, reconcile) did not all
   * finish: the state machine goes to CommitCheckpoint (which returns the batch's committed record) and on from
   * there, before any new batch is planned */
  resumePostCommit?: boolean;
  /** set (to the execution that holds the run lease) when another execution is working on the lake: this one
   * ends at once, touching nothing */
  alreadyRunning?: string;
}

export interface BatchManifest {
  batchId: string;
  createdAt: string;
  objects: { key: string; size: number; lastModified: string }[];
}

export interface ValidationResult {
  batchId: string;
  received: number;
  valid: number;
  quarantined: number;
  /** rejected records recognised as redelivered (already quarantined): counted, not quarantined again; absent in
   * validation records written before it existed */
  duplicates?: number;
  byReason: Partial<Record<RejectReason, number>>;
  quarantineRate: number;
  /** quarantineRate above the stage's threshold: the state machine publishes dataQualityMessage */
  dataQualityAlert: boolean;
  dataQualityMessage: string;
  stagedKey: string;
}

/** What a batch added to the curated zone on one business date: the lake side of reconcile, summed over the run
 * records instead of scanning the lake. Revenue in integer cents, so sums are exact. */
export interface DateTotal {
  salesLines: number;
  netRevenueCents: number;
  /** inventory events and purchase orders (a receipt's link row in purchase_orders is not counted again) */
  inventoryEvents: number;
}

/** By business date (YYYY-MM-DD). */
export type DateTotals = Record<string, DateTotal>;

export interface CurateResult {
  batchId: string;
  curatedEvents: number;
  duplicates: number;
  /** rows added per table (purchase_orders absent in run records written before it existed) */
  rows: Record<CuratedTable, number>;
  netRevenue: number;
  /** (purchase_orders absent in run records written before it existed) */
  affectedDates: Record<CuratedTable, string[]>;
  /** per business date; absent in run records written before it existed */
  dateTotals?: DateTotals;
}

export interface CommitResult extends CurateResult {
  received: number;
  quarantined: number;
  byReason: Partial<Record<RejectReason, number>>;
  committedAt: string;
}

/** PrepareLoads: the statements the state machine runs itself (Athena, Redshift Data API). */
export interface LoadsResult {
  /** one statement for athena:startQueryExecution (it takes a single statement) */
  athenaRefreshSql: string;
  /** the Sqls of redshiftdata:batchExecuteStatement: at most 40, one transaction */
  redshiftSqls: string[];
  /** the second batch, run once the load has committed: the derived tables rebuilt from their work lists */
  redshiftDerivedSqls: string[];
  /** how finely the COPYs select partitions (day unless the batch touched many dates) */
  prefixLevel: PrefixLevel;
}

/** A Redshift Data API batch as the state machine tracks it: its id, and its status once described. */
export interface DataApiStatus {
  Id: string;
  Status?: string;
}

/** FitForecasts: the weekly refit of the demand models (forecast_model, forecast_accuracy). */
export interface FitForecastsResult {
  /** true when nothing was fitted: no series is due (each model is reviewed 7 days after its fit), or there is no
   * history yet */
  skipped: boolean;
  /** the as-of date of this run's fit; when skipped, the latest fit in the warehouse (null while there is none) */
  fittedThrough: string | null;
  /** series fitted by this run */
  series: number;
  /** forecast/models/fitted_through=<date>/models.parquet, null when skipped */
  modelsKey: string | null;
  /** the backtest's accuracy over the last 4 weeks: 'selected', each candidate and the seasonal naive baseline
   * (wape a fraction, biasPct in percent) */
  accuracy: { model: string; series: number; wape: number | null; biasPct: number | null; mase: number | null }[];
}

export interface StockRiskResult {
  /** the latest business date in the warehouse; null while it holds no facts */
  asOfDate: string | null;
  critical: number;
  high: number;
  /** control/runs/<batchId>/alerts.json: every flagged store-SKU */
  alertsKey: string;
  /** control/runs/<batchId>/alert-transitions.json: the level changes and what PublishAlerts announces */
  transitionsKey: string;
  /** store-SKUs to announce (entered or escalated a level, or cleared) */
  notices: number;
  /** store-SKUs the run evaluated (the batch's changed ones and those due for review; all on a full run) */
  evaluated?: number;
}

export interface PublishAlertsResult {
  messages: number;
  stores: number;
  skus: number;
  /** of the messages: escalations to critical sent at once (the rest are daily digests) */
  immediate: number;
}

/** What the run records of every committed batch add up to. */
export interface LakeTotals {
  batches: number;
  received: number;
  curatedEvents: number;
  quarantined: number;
  duplicates: number;
  salesLines: number;
  /** inventory events and purchase orders */
  inventoryEvents: number;
  netRevenue: number;
  byReason: Record<string, number>;
}

/** Reconcile's per business date comparison of the run records' dateTotals with the warehouse. */
export interface DateCheck {
  /** dates compared (every date some committed batch touched, and every date the warehouse holds) */
  checked: number;
  /** the dates where lake and warehouse disagree, oldest first */
  gapDates: string[];
  /** dates touched by a batch whose run record predates dateTotals: not compared one by one (the whole-lake
   * totals still cover them) */
  unchecked: string[];
}

export interface ReconcileResult {
  balanced: boolean;
  summary: string;
  gaps: string[];
  totals: LakeTotals;
  warehouse: { salesLines: number; netRevenue: number };
  dates: DateCheck;
  /** the batch whose execution reconciled; '' when the execution had nothing new */
  batchId: string;
  reconciledAt: string;
}

/** ParkBatch: the batch set aside (control/parked/<batch>.json) so later batches go on. */
export interface ParkResult {
  batchId: string;
  parkedKey: string;
  objects: number;
  error: PipelineError;
}

export interface RefreshDashboardsResult {
  /** where the refreshed dashboards are: local HTML file paths, or QuickSight ingestions */
  locations: string[];
}

/** What a Catch (or the ReconciliationFailed Pass) puts at $.error for NotifyFailure. */
export interface PipelineError {
  Error: string;
  Cause: string;
}

/**
 * The state statemachines/pipeline.asl.json passes from Task to Task: each key is a ResultPath of the definition
 * ($.plan, $.validation, ...), set once its step has run.
 */
export interface PipelineState {
  /** set by the first state: the execution (its ARN in the cloud), which holds the run lease while it works */
  execution?: { id: string };
  plan: BatchPlan;
  validation?: ValidationResult;
  commit?: CommitResult;
  loads?: LoadsResult;
  /** inside the LoadWarehouse branch only (the Parallel state drops its branches' output): the Data API
   * statement of the load's batch, then of the derived tables' batch, as DescribeStatement last reported it */
  load?: DataApiStatus;
  derived?: DataApiStatus;
  forecast?: FitForecastsResult;
  risk?: StockRiskResult;
  alerts?: PublishAlertsResult;
  reconcile?: ReconcileResult;
  dashboards?: RefreshDashboardsResult;
  error?: PipelineError;
  parked?: ParkResult;
}

// A Record over keyof PipelineState: adding a key to the interface without listing it here (or listing one it
// does not have) fails to compile, so the list below is the interface's keys exactly.
const STATE_KEYS: Record<keyof PipelineState, true> = {
  execution: true,
  plan: true,
  validation: true,
  commit: true,
  loads: true,
  load: true,
  derived: true,
  forecast: true,
  risk: true,
  alerts: true,
  reconcile: true,
  dashboards: true,
  error: true,
  parked: true,
};

/** The keys of PipelineState (test/functions/lib/pipeline/state.test.ts checks them against the ASL's ResultPaths). */
export const PIPELINE_STATE_KEYS = Object.keys(STATE_KEYS) as (keyof PipelineState)[];
