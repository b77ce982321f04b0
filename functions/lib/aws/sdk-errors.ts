import { TransientError } from '../errors';

/**
 * Error names (an SDK exception's `name`, a per-item error code) that mean "try again later": the SDK's own
 * throttling and transient lists, plus the services' names for the same (Redshift Data API's concurrency limits,
 * SNS's ThrottledException, QuickSight's ConcurrentUpdatingException, the 5xx-style internal errors).
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'KMSThrottlingException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
  'ConcurrentUpdatingException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalErrorException',
  'InternalFailureException',
  'InternalServerException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
/** Node's socket errors, as the SDK's HTTP handler passes them on. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** The fields of an SDK error (a ServiceException or a network error) the classification reads. */
interface SdkErrorFields {
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an error name or code is one a retry gets past (e.g. a DeleteObjects item's Code). */
export function isTransientName(name: string | undefined): boolean {
  return name !== undefined && TRANSIENT_NAMES.has(name);
}

/** Whether an error from an AWS SDK call is one a later retry gets past (the SDK has already retried it). */
export function isTransientSdkError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<Error> & SdkErrorFields;
  return (
    e.$retryable !== undefined ||
    TRANSIENT_STATUS.has(e.$metadata?.httpStatusCode ?? 0) ||
    isTransientName(e.name) ||
    (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
  );
}

/**
 * Runs one AWS SDK call. A transient failure comes back as a TransientError (named in `what`, keeping the SDK
 * error as its cause and its name and message in its own), so a Step Functions Retry on TransientError retries
 * the step; any other error comes back as it was.
 */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isTransientSdkError(err)) throw err;
    const e = err as Error;
    throw new TransientError(`${what}: ${e.name}: ${e.message}`, { cause: err });
  }
}
