/** Object keys of the lake's zones (docs/architecture.md §4). The same keys are S3 keys in the cloud and paths
 * under the lake root locally. */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export const RAW_PREFIX = 'raw/pos/';
export const QUARANTINE_PREFIX = 'quarantine/pos/';
export const CURATED_PREFIX = 'curated/';
export const REFERENCE_PREFIX = 'reference/';
export const CONTROL_PREFIX = 'control/';

export const CURATED_TABLES = ['sales_lines', 'inventory_events'] as const;
export type CuratedTable = (typeof CURATED_TABLES)[number];

/** `raw/pos/YYYY/MM/DD/HH/` for an arrival time, in UTC as Firehose writes it. */
export function rawPrefixFor(arrival: Date): string {
  return `${RAW_PREFIX}${arrival.getUTCFullYear()}/${pad(arrival.getUTCMonth() + 1)}/${pad(arrival.getUTCDate())}/${pad(arrival.getUTCHours())}/`;
}

/** A raw object key the way Firehose names its objects: stream name, arrival time, a unique suffix. */
export function rawObjectKey(arrival: Date, streamName: string, unique: string): string {
  const t = arrival;
  const stamp = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}-${pad(t.getUTCHours())}-${pad(t.getUTCMinutes())}-${pad(t.getUTCSeconds())}`;
  return `${rawPrefixFor(arrival)}${streamName}-1-${stamp}-${unique}.gz`;
}

export function curatedPartitionPrefix(table: CuratedTable, businessDate: string): string {
  return `${CURATED_PREFIX}${table}/business_date=${businessDate}/`;
}

export const STORES_KEY = `${REFERENCE_PREFIX}stores/stores.csv`;
export const PRODUCTS_KEY = `${REFERENCE_PREFIX}products/products.csv`;

/** Processed-files manifest and run records. */
export const CHECKPOINT_KEY = `${CONTROL_PREFIX}checkpoint.json`;
export const runPrefix = (batchId: string): string => `${CONTROL_PREFIX}runs/${batchId}/`;
export const stagingPrefix = (batchId: string): string => `${CONTROL_PREFIX}staging/${batchId}/`;
export const ACCEPTED_IDS_PREFIX = `${CONTROL_PREFIX}accepted_ids/`;
export const ALERTS_OUTBOX_KEY = `${CONTROL_PREFIX}alerts/outbox.ndjson`;
