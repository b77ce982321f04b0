import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../lib/aws/kinesis-put-records';
import { ConfigurationError } from '../lib/errors';

/** PutRecords' total per call: a request that fits is one call in the common case. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Lambda's limit on a synchronous invocation's payload (request and response): 6 MiB. */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/**
 * The largest MAX_BODY_BYTES the Lambda can honour. API Gateway hands it the body as a JSON string inside the
 * proxy event, every quote and newline escaped (the contract's events grow by about a sixth), beside a few KB of
 * headers and request context, and all of it must fit LAMBDA_SYNC_PAYLOAD_BYTES: a larger body is refused by
 * Lambda before the handler runs, and API Gateway answers 5xx instead of the handler's 413.
 */
export const MAX_BODY_BYTES_LIMIT = 5 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 500;

export interface IngestConfig {
  streamName: string;
  maxBodyBytes: number;
  maxEvents: number;
  retry: RetryPolicy;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigurationError(`${name}: must be a whole number >= 1, got "${raw}"`);
  return n;
}

/** Settings of the Lambda, from its environment. */
export function ingestConfigFromEnv(env: NodeJS.ProcessEnv): IngestConfig {
  const streamName = env.STREAM_NAME;
  if (!streamName) throw new ConfigurationError('STREAM_NAME: is required (the Kinesis stream events are written to)');
  const maxBodyBytes = positiveInt(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES);
  if (maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
    throw new ConfigurationError(`MAX_BODY_BYTES: at most ${MAX_BODY_BYTES_LIMIT} (a larger body does not fit Lambda's ${LAMBDA_SYNC_PAYLOAD_BYTES}-byte invocation payload), got ${maxBodyBytes}`);
  }
  return {
    streamName,
    maxBodyBytes,
    maxEvents: MAX_EVENTS_PER_REQUEST,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: positiveInt(env, 'PUT_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts) },
  };
}

/** How long the Lambda keeps the keys file before reading it again: how soon an added or revoked key takes effect. */
export const DEFAULT_KEYS_TTL_SECONDS = 60;

/** Where the Lambda reads the ingest keys file (its key is INGEST_KEYS_KEY in the curated bucket), and how often. */
export interface KeysFileConfig {
  curatedBucket: string;
  ttlSeconds: number;
}

export function keysFileConfigFromEnv(env: NodeJS.ProcessEnv): KeysFileConfig {
  const curatedBucket = env.BUCKET_CURATED;
  if (!curatedBucket) throw new ConfigurationError('BUCKET_CURATED: is required (the ingest keys file is in its control/ prefix)');
  return { curatedBucket, ttlSeconds: positiveInt(env, 'KEYS_TTL_SECONDS', DEFAULT_KEYS_TTL_SECONDS) };
}
