/**
 * The small ports handlers talk to (docs/architecture.md §6). Each has an AWS SDK v3 adapter (functions/lib/aws/)
 * and a local adapter (local/adapters/). A step's core gets them as a `Runtime`: its Lambda handler from
 * functions/lib/aws/lambda-runtime.ts, the local runner from local/local-runtime.ts; it never knows where it runs.
 */
import type { PipelineMetricName } from './metric-names';

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface TaggedObject {
  body: Buffer;
  /** changes whenever the object is written (S3's ETag) */
  tag: string;
}

/** One bucket-like namespace of keys (the lake root locally; the lake buckets in the cloud). */
export interface ObjectStore {
  put(key: string, body: Buffer | string): Promise<void>;
  /**
   * Writes only if the key is as the caller last saw it: `expectedTag` null, only if no object has the key (S3's
   * `If-None-Match: *`); else only if it still has that tag (S3's `If-Match`). false when it is not so.
   */
  putIf(key: string, body: Buffer | string, expectedTag: string | null): Promise<boolean>;
  /** The object with its version tag (S3's ETag); null when the key does not exist. */
  getTagged(key: string): Promise<TaggedObject | null>;
  get(key: string): Promise<Buffer>;
  /** null when the key does not exist */
  getIfExists(key: string): Promise<Buffer | null>;
  /** every object under the prefix, sorted by key */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(keys: string[]): Promise<void>;
  /** Writes the object at `fromKey` to `toKey` as well, without passing it through this process (S3's CopyObject,
   * up to 5 GB); fails when `fromKey` does not exist. */
  copy(fromKey: string, toKey: string): Promise<void>;
  /**
   * Optional: puts many objects as `put` puts each (atomic each; all durable once it returns; on a failure some may
   * be in place), where the store can do it cheaper than one put at a time (the local lake flushes them together).
   * `body` is called once per object, when its bytes are needed. Callers use putObjects (for-each-limited.ts).
   */
  putMany?(objects: PendingObject[]): Promise<void>;
  /** Optional: `copy` for each pair (all durable once it returns; on a failure some may be in place), where the store
   * can do it cheaper than one copy at a time. Callers use copyObjects (for-each-limited.ts). */
  copyMany?(copies: { from: string; to: string }[]): Promise<void>;
}

/** An object to put whose bytes are read when they are needed (a file's, say). */
export interface PendingObject {
  key: string;
  body: () => Promise<Buffer | string>;
  /** the local file that holds the same bytes, which the store may take as it is instead of calling `body` (the
   * local lake links it in: no new file); nothing may change the file afterwards */
  path?: string;
  /** with `path`: the caller gives the file up, so the store may move it in instead of linking it (the local lake
   * then has no second name of it to remove afterwards); the file may be gone once the put has begun */
  handOver?: boolean;
}

export type TopicName = 'low-stock' | 'data-quality' | 'ops';

export interface Notification {
  topic: TopicName;
  subject: string;
  message: string;
  /** carried as SNS MessageAttributes (String), e.g. store_id and severity for subscription filters */
  attributes: Record<string, string>;
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

export type Row = Record<string, unknown>;

/** The star-schema warehouse; statements are written in Redshift's dialect (sql/redshift/). */
export interface Warehouse {
  execute(statements: string[]): Promise<void>;
  query(sql: string): Promise<Row[]>;
}

/** Analyst SQL over the curated tables (Athena in the cloud). */
export interface QueryEngine {
  query(sql: string): Promise<Row[]>;
}

export interface Metric {
  name: PipelineMetricName;
  value: number;
  unit: 'Count' | 'Percent' | 'None';
}

/** The pipeline's own health figures (CloudWatch namespace RetailLake in the cloud; the metric log locally). */
export interface MetricsPublisher {
  publish(metrics: Metric[]): Promise<void>;
}

/** Local directory access to lake prefixes, for the steps that run DuckDB over files. */
export interface LakeFiles {
  /** A local directory holding the objects under `prefix` (locally the lake folder itself; in Lambda a /tmp copy). */
  materialize(prefix: string): Promise<string>;
  /** Make the objects under `prefix` exactly the files of `localDir`: a put of each file, then a delete of the keys
   * that are no longer there (Validate's staging; the curated zone changes only through
   * functions/lib/pipeline/curated-commit.ts). */
  replacePrefix(prefix: string, localDir: string): Promise<void>;
  /** Optional: gives up the local copy `materialize(prefix)` made (in Lambda, /tmp space); locally nothing to do. */
  release?(prefix: string): Promise<void>;
}

/** Refreshes what executives look at: local HTML pages; QuickSight datasets in the cloud. */
export interface DashboardPublisher {
  /** returns where the refreshed dashboards can be seen (file paths or dashboard ids) */
  refresh(): Promise<string[]>;
}

/** The pipeline's tunables (functions/lib/pipeline/pipeline-settings.ts reads them from the environment). */
export interface PipelineSettings {
  /** the share of replenishment cycles that should not run out: sets the safety stock's z (0.5 <= level < 1) */
  serviceLevel: number;
  /** days without a sale after which a store-SKU with stock is flagged dead stock */
  deadStockDays: number;
  /** cover (on hand / daily forecast) above this many lead times is flagged overstock */
  overstockCover: number;
  /** share of a batch quarantined above which a data-quality alert is sent */
  quarantineAlertRate: number;
  /** batches larger than this (bytes of raw objects) are curated by the Glue job in the cloud */
  glueThresholdBytes: number;
  /** the most bytes of raw objects one batch takes (0: no cap); the cloud sets what Validate's /tmp holds */
  maxBatchBytes: number;
  /** days of sales history of the fallback demand estimate (a store-SKU without a fitted forecast) */
  demandWindowDays: number;
  /** worker threads that validate raw objects in parallel (1: on the calling thread, as in a small Lambda) */
  validateWorkers: number;
  /** a batch of fewer bytes of raw objects (as stored) is validated on the calling thread, whatever validateWorkers
   * says: starting the threads, each loading the validator, costs more than they save on it */
  validateThreadsFromBytes: number;
  /** worker threads that fit FitForecasts' series in parallel (1: on the calling thread, as in a small Lambda) */
  forecastWorkers: number;
  /** the one writable folder the steps use: DuckDB's spill files (`duckdb/`), step scratch, and in Lambda the
   * copy of the lake prefixes they read (`lake/`). `/tmp` in Lambda, `<lake>/.work` locally. */
  workDir: string;
  /** DuckDB's memory_limit in MB (0: the default of functions/lib/duckdb/duckdb-factory.ts duckDbMemoryMb) */
  duckdbMemoryMb: number;
  /** DuckDB's worker threads (0: DuckDB's own default, one per core) */
  duckdbThreads: number;
  /** days the quarantine zone keeps an object before its lifecycle deletes it; 0: kept forever (the local lake) */
  quarantineRetentionDays: number;
  /** how long PlanBatch's run lease lasts, in seconds (longer than an execution can run); 0: no lease (locally
   * `run` holds a lock file instead) */
  runLeaseSeconds: number;
  /** ISO 4217 code every total across stores is converted into (REPORTING_CURRENCY, default USD); a store
   * without a currency in stores.csv is in it */
  reportingCurrency: string;
}

/** Everything a pipeline step's core is given: the ports and the settings. */
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

/** What a flush of the ingest buffer delivered to raw/. */
export interface PendingDelivery {
  /** records delivered to raw/ */
  records: number;
  /** set when nothing could be done: a running `serve` holds the stream (its own firehose delivers) */
  skipped?: 'stream-in-use';
}

/**
 * Events ingest acknowledged that are not in raw/ yet. Locally: what a stopped (or killed) `serve` left in the
 * lake's stream, delivered before a run plans its batch. In the cloud Firehose delivers its own buffer on its own
 * schedule, so there is no adapter: a batch takes what is in raw/ when it starts.
 */
export interface IngestBuffer {
  deliverPending(): Promise<PendingDelivery>;
}
