/**
 * The small ports handlers talk to (docs/architecture.md §6). Each has an AWS SDK v3 adapter (functions/lib/aws/)
 * and a local adapter (local/adapters/); handlers get them from `functions/lib/runtime.ts` and never know
 * where they run.
 */

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/** One bucket-like namespace of keys (the lake root locally; the lake buckets in the cloud). */
export interface ObjectStore {
  put(key: string, body: Buffer | string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** null when the key does not exist */
  getIfExists(key: string): Promise<Buffer | null>;
  /** every object under the prefix, sorted by key */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(keys: string[]): Promise<void>;
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
  name: string;
  value: number;
  unit: 'Count' | 'Percent' | 'None';
}

/** The pipeline's own health figures (CloudWatch namespace RetailLake in the cloud; the metric log locally). */
export interface MetricsPublisher {
  publish(metrics: Metric[]): Promise<void>;
}
