/** Object keys of the lake's zones (docs/architecture.md §4). The same keys are S3 keys in the cloud and paths
 * under the lake root locally. */
import { CURATED_PARTITION_COLUMN, PARTITION_COLUMN, type CuratedTableName } from './curated-schema';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export const RAW_PREFIX = 'raw/pos/';
export const QUARANTINE_PREFIX = 'quarantine/pos/';
export const CURATED_PREFIX = 'curated/';
export const REFERENCE_PREFIX = 'reference/';
export const CONTROL_PREFIX = 'control/';
/** The fitted forecast models (FitForecasts), in the curated bucket where the warehouse COPYs them from. */
export const FORECAST_PREFIX = 'forecast/';

/** The cloud lake's buckets. */
export type LakeBucket = 'raw' | 'quarantine' | 'curated';
const topSegment = (prefix: string): string => prefix.slice(0, prefix.indexOf('/'));
/** The bucket that holds each zone, by the key's first segment (reference/ and control/ live in curated). */
export const ZONE_BUCKET: Readonly<Record<string, LakeBucket>> = {
  [topSegment(RAW_PREFIX)]: 'raw',
  [topSegment(QUARANTINE_PREFIX)]: 'quarantine',
  [topSegment(CURATED_PREFIX)]: 'curated',
  [topSegment(REFERENCE_PREFIX)]: 'curated',
  [topSegment(CONTROL_PREFIX)]: 'curated',
  [topSegment(FORECAST_PREFIX)]: 'curated',
};

export const CURATED_TABLES = ['sales_lines', 'inventory_events', 'purchase_orders'] as const;
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

/** `curated/<table>/`: the Hive-partitioned Parquet of a curated table. */
export const curatedTablePrefix = (table: CuratedTable): string => `${CURATED_PREFIX}${table}/`;

/** The partition folder of a business date. */
export function curatedPartitionPrefix(table: CuratedTable, businessDate: string): string {
  return `${curatedDatePrefix(table, businessDate)}/`;
}

/** The one file of a batch's new rows on one business date: a re-run of the batch writes the same key with the same
 * rows, so a partition only ever gains files (functions/lib/pipeline/curated-commit.ts). */
export function curatedBatchFileKey(table: CuratedTable, businessDate: string, batchId: string): string {
  return `${curatedPartitionPrefix(table, businessDate)}part-${batchId}.parquet`;
}

/** A key prefix matching every partition whose date starts with `datePrefix` ('2024-01-': all of January). */
export function curatedDatePrefix(table: CuratedTable, datePrefix: string): string {
  return `${curatedTablePrefix(table)}${CURATED_PARTITION_COLUMN}=${datePrefix}`;
}

/** Where each queryable table's partitions live: the curated tables and store_day_baskets under curated/,
 * quarantine under quarantine/pos/. */
export function queryableTablePrefix(table: CuratedTableName): string {
  return table === 'quarantine' ? QUARANTINE_PREFIX : `${CURATED_PREFIX}${table}/`;
}

/** The first day of a business date's month (YYYY-MM-01): store_day_baskets' partition. */
export const monthStart = (businessDate: string): string => `${businessDate.slice(0, 7)}-01`;

/** The one file of a month's store_day_baskets partition (`monthStart`), replaced whole each time a date of the
 * month is summarized: a history of a thousand dates is 40 files, not a thousand. */
export const storeDayBasketsKey = (month: string): string => `${queryableTablePrefix('store_day_baskets')}${PARTITION_COLUMN.store_day_baskets}=${month}/baskets.parquet`;

/** Written once every month of sales_lines has its store_day_baskets file (a lake older than the table gets them a
 * byte budget of months a run, newest first); from then on each run summarizes the dates it touched. */
export const STORE_DAY_BASKETS_COMPLETE_KEY = `${CONTROL_PREFIX}store-day-baskets.json`;

/** The ingest keys and the stores each may post for (functions/ingest/ingest-keys.ts): locally `serve` reads it, in
 * the cloud the ingest Lambda. */
export const INGEST_KEYS_KEY = `${CONTROL_PREFIX}ingest-keys.json`;

export const STORES_KEY = `${REFERENCE_PREFIX}stores/stores.csv`;
export const PRODUCTS_KEY = `${REFERENCE_PREFIX}products/products.csv`;
/** Daily exchange rates into the reporting currency (optional: a lake whose stores all use it needs none). */
export const EXCHANGE_RATES_KEY = `${REFERENCE_PREFIX}exchange_rates/exchange_rates.csv`;

/** Processed-files manifest and run records. */
export const CHECKPOINT_KEY = `${CONTROL_PREFIX}checkpoint.json`;
export const RUNS_PREFIX = `${CONTROL_PREFIX}runs/`;
export const runPrefix = (batchId: string): string => `${RUNS_PREFIX}${batchId}/`;

/** The records a batch's steps write under its run prefix. After `committed`, the post-commit steps each leave
 * one when done: `loaded` (the warehouse load and Athena refresh finished; StockRisk writes it, as it runs only
 * after them), `alerts` (StockRisk's list of flagged SKUs), `alertTransitions` (StockRisk's alert-lifecycle
 * decisions: the level changes and what PublishAlerts is to announce), `published` (PublishAlerts sent them) and
 * `reconcile` (the last step): a committed batch without `reconcile` is resumed by PlanBatch before any new work. */
export const RUN_RECORD_FILES = {
  manifest: 'manifest.json',
  validation: 'validation.json',
  curate: 'curate.json',
  committed: 'committed.json',
  loaded: 'loaded.json',
  alerts: 'alerts.json',
  alertTransitions: 'alert-transitions.json',
  published: 'alerts-published.json',
  reconcile: 'reconcile.json',
} as const;
export type RunRecord = keyof typeof RUN_RECORD_FILES;

/** The run record keys under a run prefix (`runPrefix(batchId)`, or the prefix of a listed record). */
export function runRecordKeys(prefix: string): Record<RunRecord, string> {
  const keys = {} as Record<RunRecord, string>;
  for (const [record, file] of Object.entries(RUN_RECORD_FILES) as [RunRecord, string][]) keys[record] = `${prefix}${file}`;
  return keys;
}

/** Commits to the curated zone that have not finished (functions/lib/pipeline/curated-commit.ts): each has a folder
 * with its intent record and the staged copies of the files it puts; a finished commit leaves nothing here, so
 * the roll-forward at startup lists only what is unfinished. */
export const COMMITS_PREFIX = `${CONTROL_PREFIX}commits/`;
export const commitPrefix = (commitId: string): string => `${COMMITS_PREFIX}${commitId}/`;
export const commitIntentKey = (commitId: string): string => `${commitPrefix(commitId)}intent.json`;
/** Where a commit keeps the copy of a file it puts at `key`, until the commit is done: all in one folder (the key
 * with its slashes escaped), so staging a thousand dates' files makes and removes no folder per date. The intent
 * names each staged key, so a roll-forward never derives one (glue/curate_batch.py stages under keys of its own). */
export const commitStagedKey = (commitId: string, key: string): string => `${commitPrefix(commitId)}files/${encodeURIComponent(key)}`;
/** The commit of a batch's curated files (Curate, Lambda or Glue). */
export const curateCommitId = (batchId: string): string => `curate-${batchId}`;
/** The commit of a reprocess: its partitions, accepted-id and quarantine changes and its records, all at once. */
export const reprocessCommitId = (reprocessId: string): string => `reprocess-${reprocessId}`;

/** The latest reconciliation, whatever ran it (a batch, or an execution with nothing new). */
export const LATEST_RECONCILE_KEY = `${CONTROL_PREFIX}reconcile/latest.json`;

/** Batches that failed after their retries: one record each, with the error; PlanBatch skips their raw objects
 * until the record is removed (a redrive). */
export const PARKED_PREFIX = `${CONTROL_PREFIX}parked/`;
export const parkedKey = (batchId: string): string => `${PARKED_PREFIX}${batchId}.json`;

export const stagingPrefix = (batchId: string): string => `${CONTROL_PREFIX}staging/${batchId}/`;
/** The run lease: the execution that holds it is the one pipeline execution working on the lake. */
export const RUN_LEASE_KEY = `${CONTROL_PREFIX}run-lease.json`;
/** Validate stages valid records in part files `events-<object>-<chunk>.ndjson` in the staging folder, each line
 * `{"seq":<n>,"event":<the original line>}`; Curate (Lambda or Glue) reads them all through the glob. */
const STAGED_PART_PREFIX = 'events-';
export const STAGED_EVENTS_GLOB = `${STAGED_PART_PREFIX}*.ndjson`;
export const stagedPartName = (object: number, chunk: number): string => `${STAGED_PART_PREFIX}${pad(object, 6)}-${pad(chunk, 6)}.ndjson`;
export const isStagedPart = (fileName: string): boolean => fileName.startsWith(STAGED_PART_PREFIX);

/** Validate writes a batch's quarantine Parquet as `quarantine/pos/received_date=YYYY-MM-DD/part-<batch>-<i>.parquet`
 * (its FILENAME_PATTERN): whether a quarantine key is one of `batchId`'s files. */
export const isQuarantineFileOf = (key: string, batchId: string): boolean => key.startsWith(QUARANTINE_PREFIX) && key.slice(key.lastIndexOf('/') + 1).startsWith(`part-${batchId}-`);

/** Event ids Curate accepted: `accepted_ids/utc_month=YYYY-MM/batch=<id>.parquet` (columns event_id, utc_date), by
 * the UTC date of occurred_at (sql/transform/batch_utc_dates.sql says why), one file per month and batch, its rows
 * in utc_date order: Curate reads the months of its batch's dates, and of them only the row groups of its dates.
 * A month, not a day: a batch of a few years' history writes a few dozen files, not a thousand. */
export const ACCEPTED_IDS_PREFIX = `${CONTROL_PREFIX}accepted_ids/`;
/** The partition of ids carried over from the flat layout whose date was not found (utc_date null): every Curate
 * reads it. */
export const UNDATED_ACCEPTED_IDS = 'undated';
/** The month partition of a UTC date (YYYY-MM-DD), or UNDATED_ACCEPTED_IDS. */
export const utcMonthOf = (utcDate: string): string => (utcDate === UNDATED_ACCEPTED_IDS ? utcDate : utcDate.slice(0, 7));
export const acceptedIdsPrefix = (utcMonth: string): string => `${ACCEPTED_IDS_PREFIX}utc_month=${utcMonth}/`;
export const acceptedIdsFile = (batchId: string): string => `batch=${batchId}.parquet`;
export const acceptedIdsKey = (utcMonth: string, batchId: string): string => `${acceptedIdsPrefix(utcMonth)}${acceptedIdsFile(batchId)}`;
/** The daily layout that came before (`accepted_ids/utc_date=YYYY-MM-DD/batch=<id>.parquet`, event_id only): Curate
 * moves it into the monthly one; the Glue job and the recovery tools read it too until then. */
export const DAILY_ACCEPTED_IDS_PREFIX = `${ACCEPTED_IDS_PREFIX}utc_date=`;
export const dailyAcceptedIdsPrefix = (utcDate: string): string => `${DAILY_ACCEPTED_IDS_PREFIX}${utcDate}/`;

/** Dedup keys of the records Validate quarantined (a hash of each record's bytes), one key a line:
 * `quarantine_keys/received_date=YYYY-MM-DD/batch=<id>.txt`, by the UTC date the record's raw object arrived, so
 * Validate reads only the dates around its batch's arrivals. */
export const QUARANTINE_KEYS_PREFIX = `${CONTROL_PREFIX}quarantine_keys/`;
export const quarantineKeysPrefix = (receivedDate: string): string => `${QUARANTINE_KEYS_PREFIX}received_date=${receivedDate}/`;
export const quarantineKeysFile = (batchId: string): string => `batch=${batchId}.txt`;
export const quarantineKeysKey = (receivedDate: string, batchId: string): string => `${quarantineKeysPrefix(receivedDate)}${quarantineKeysFile(batchId)}`;

/** Failed local runs, one record each (the cloud has the Step Functions execution history instead). */
export const FAILURES_PREFIX = `${CONTROL_PREFIX}failures/`;
export const failureKey = (at: Date): string => `${FAILURES_PREFIX}${at.toISOString().replace(/[:.]/g, '-')}.json`;

export const ALERTS_OUTBOX_KEY = `${CONTROL_PREFIX}alerts/outbox.ndjson`;

/** The business date of a curated partition key (`curated/<table>/business_date=YYYY-MM-DD/...`); null for any
 * other key. */
export function curatedPartitionDate(table: CuratedTable, key: string): string | null {
  const prefix = curatedDatePrefix(table, '');
  if (!key.startsWith(prefix)) return null;
  const date = key.slice(prefix.length, prefix.length + 10);
  return key.charAt(prefix.length + 10) === '/' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
}

/** What `redrive` sent back through the pipeline: one record per redrive, naming the quarantined records it sent
 * (so a second redrive does not send them again) and the raw object that carries them. */
export const REDRIVES_PREFIX = `${CONTROL_PREFIX}redrives/`;
export const redriveRecordKey = (redriveId: string): string => `${REDRIVES_PREFIX}${redriveId}.json`;
/** The raw object of a redrive: a raw key like Firehose's, arriving now, so the next batch takes it. */
export const redriveRawKey = (at: Date, redriveId: string): string => rawObjectKey(at, 'redrive', `redrive-${redriveId}`);

/** What `reprocess` re-curated: one record per reprocess, with the per-date totals that supersede the batches'
 * for its dates (functions/lib/recovery/reprocess.ts). */
export const REPROCESSES_PREFIX = `${CONTROL_PREFIX}reprocesses/`;
export const reprocessRecordKey = (reprocessId: string): string => `${REPROCESSES_PREFIX}${reprocessId}.json`;

/** The models of one fit, as Parquet in forecast_model's column order (FitForecasts writes it, the warehouse COPYs it). */
export const forecastModelsKey = (fittedThrough: string): string => `${FORECAST_PREFIX}models/fitted_through=${fittedThrough}/models.parquet`;
