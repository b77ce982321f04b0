/**
 * The errors retail-lake throws, by what the caller can do about them. Each class sets `name` to a fixed string:
 * Lambda reports a thrown error's `name` as its errorType, and Step Functions (and aws-local-stepfunctions, which
 * runs the same ASL locally) match a Retry's or Catch's ErrorEquals against it exactly, with no notion of
 * subclasses. The names are written out rather than taken from the constructor, so bundling cannot change them.
 *
 * A broken invariant of the code itself (an argument out of range, text that is not the SQL it should be) throws
 * the built-in RangeError or SyntaxError instead: only a code change fixes it.
 */

/** The names Step Functions sees; statemachines/pipeline.asl.json may use them in ErrorEquals. */
export const ERROR_NAMES = {
  retailLake: 'RetailLakeError',
  transient: 'TransientError',
  data: 'DataError',
  configuration: 'ConfigurationError',
  pipelineState: 'PipelineStateError',
} as const;

/** Any failure of retail-lake's own; thrown as is when no subclass says more (e.g. a Redshift statement FAILED). */
export class RetailLakeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.retailLake;
  }
}

/** A retry is likely to succeed: throttling, a 5xx, a network fault, a timeout, a lock another process holds. */
export class TransientError extends RetailLakeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.transient;
  }
}

/** Data that cannot be used as it stands (a raw object, a reference file, a warehouse row): a retry will not help. */
export class DataError extends RetailLakeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.data;
  }
}

/** A setting, environment variable or definition (stage config, SQL template, schema) that is missing or does not fit. */
export class ConfigurationError extends RetailLakeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.configuration;
  }
}

/** The state machine's state or the lake's own records lack or garble what a step needs (a state field, a control object). */
export class PipelineStateError extends RetailLakeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = ERROR_NAMES.pipelineState;
  }
}

type ErrorKind = new (message: string, options?: ErrorOptions) => RetailLakeError;
/** Most specific first: a subclass of one of these (e.g. ReferenceDataError) counts as that kind. */
const KINDS: ErrorKind[] = [TransientError, DataError, ConfigurationError, PipelineStateError];

/**
 * `err` with `context` in front of its message, as the same kind of error when it is one of ours (so a
 * TransientError stays retryable), else as `otherwise`; the original is kept as the cause.
 */
export function withContext(context: string, err: unknown, otherwise: ErrorKind = RetailLakeError): RetailLakeError {
  const Kind = KINDS.find((kind) => err instanceof kind) ?? otherwise;
  // read as a field, not through instanceof Error: errors from Node's own modules may come from another realm
  const message = (err as { message?: unknown } | null)?.message;
  return new Kind(`${context}: ${typeof message === 'string' ? message : String(err)}`, { cause: err });
}

/** One error of a cause chain, as a failure record keeps it. */
export interface ErrorLink {
  name: string;
  message: string;
  /** Node's system error code (ENOSPC, EACCES, ...) when there is one */
  code?: string;
}

/** `err` and its causes, outermost first (at most `depth`, in case a chain loops): what a one-line message drops,
 * e.g. the ENOSPC under a RetailLakeError. */
export function errorChain(err: unknown, depth = 8): ErrorLink[] {
  const chain: ErrorLink[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < depth; e = (e as { cause?: unknown }).cause) {
    // read as fields, not through instanceof Error: errors from Node's own modules may come from another realm
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    chain.push({
      name: typeof name === 'string' ? name : typeof e,
      message: typeof message === 'string' ? message : String(e),
      ...(typeof code === 'string' ? { code } : {}),
    });
    if (typeof e !== 'object') break;
  }
  return chain;
}
