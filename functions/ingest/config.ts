import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../lib/aws/kinesis-put-records';
import { ConfigurationError } from '../lib/errors';

/** PutRecords' total per call: a request that fits is one call in the common case. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 500;

export interface IngestConfig {
  streamName: string;
  /** when set, `x-api-key` must equal it (locally; in AWS, API Gateway checks keys and this is unset) */
  apiKey?: string;
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
  return {
    streamName,
    apiKey: env.RETAIL_LAKE_API_KEY || undefined,
    maxBodyBytes: positiveInt(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    maxEvents: MAX_EVENTS_PER_REQUEST,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: positiveInt(env, 'PUT_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts) },
  };
}
