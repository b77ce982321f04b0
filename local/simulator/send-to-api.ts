import { RetailLakeError } from '../../functions/lib/errors';
import type { SimulatorOptions } from './options';
import type { SimReference } from './reference';
import { RequestPool } from './request-pool';
import { type SimulatedLine, simulateEvents, type SimulatorStats } from './simulate';

export interface SendOptions {
  /** the ingest endpoint, e.g. `http://127.0.0.1:8080/v1/events` */
  url: string;
  /** sent as `x-api-key` */
  apiKey: string;
  /** events per request, at most 500 (the API's limit); default 500 */
  batchSize?: number;
  /** requests in flight at once; default 4 */
  concurrency?: number;
  /**
   * `ndjson` (default): `application/x-ndjson` bodies. `json`: `application/json` arrays; lines that are not
   * JSON at all cannot be array elements, so those go in NDJSON requests of their own.
   */
  format?: 'ndjson' | 'json';
  /** attempts after the first for a request answered 429/5xx or failing at the network level; default 6 */
  maxRetries?: number;
  /** first backoff in ms, doubled per attempt up to `maxBackoffMs`; defaults 200 and 5,000 */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** per-request timeout in ms; default 30,000 */
  timeoutMs?: number;
  onProgress?: (progress: SendProgress) => void;
  /** reference data to simulate against (default: generated from the options) */
  reference?: SimReference;
}

export interface SendProgress {
  /** events acknowledged so far (accepted + rejected) */
  sent: number;
  accepted: number;
  rejected: number;
  requests: number;
  retries: number;
}

export interface SendStats extends SendProgress {
  /** rejected records by the reason the API gave */
  rejectedByReason: Record<string, number>;
  elapsedMs: number;
  /** what the simulator generated (its byKind says what the API should have rejected) */
  simulation: SimulatorStats;
}

/** The API refused a request for good (bad key, bad request) or kept failing after every retry. */
export class SendError extends RetailLakeError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

interface ApiResult {
  status?: unknown;
  reason?: unknown;
}

/** The per-record results of a response body, if it has exactly one per event sent. */
function resultsOf(text: string, expected: number): ApiResult[] | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const results = (body as { results?: unknown } | null)?.results;
  return Array.isArray(results) && results.length === expected ? (results as ApiResult[]) : null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The lines of one request, sent as a JSON array or as NDJSON. */
interface RequestBatch {
  lines: string[];
  asArray: boolean;
}

/**
 * The simulated lines in requests of `batchSize`. With `json`, lines that are not JSON at all cannot be
 * array elements: they go in NDJSON requests of their own, started as they fill up and after the rest.
 */
function* requestBatches(lines: Iterable<SimulatedLine>, format: 'ndjson' | 'json', batchSize: number): Generator<RequestBatch> {
  let batch: string[] = [];
  let broken: string[] = [];
  for (const { line, kind } of lines) {
    if (format === 'json' && kind === 'malformed_json') {
      broken.push(line);
      if (broken.length >= batchSize) {
        yield { lines: broken, asArray: false };
        broken = [];
      }
      continue;
    }
    batch.push(line);
    if (batch.length >= batchSize) {
      yield { lines: batch, asArray: format === 'json' };
      batch = [];
    }
  }
  if (batch.length) yield { lines: batch, asArray: format === 'json' };
  if (broken.length) yield { lines: broken, asArray: false };
}

/** Statuses that carry per-record results (400 too, when the API rejected every record; 403 when every record was
 * for a store the key does not cover). */
const ANSWERED = new Set([200, 207, 400, 403]);

/**
 * Posts requests to the ingest API, retrying throttled and failed ones with bounded exponential backoff,
 * and counts per record what the API accepted and rejected.
 */
class ApiSender {
  readonly progress: SendProgress = { sent: 0, accepted: 0, rejected: 0, requests: 0, retries: 0 };
  readonly rejectedByReason: Record<string, number> = {};
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly send: SendOptions) {
    this.maxRetries = send.maxRetries ?? 6;
    this.backoffMs = send.backoffMs ?? 200;
    this.maxBackoffMs = send.maxBackoffMs ?? 5000;
    this.timeoutMs = send.timeoutMs ?? 30_000;
  }

  /** Sends one request until the API answers it for good (a retried request is sent whole again). */
  async post({ lines, asArray }: RequestBatch): Promise<void> {
    const body = asArray ? `[${lines.join(',')}]` : lines.join('\n') + '\n';
    const contentType = asArray ? 'application/json' : 'application/x-ndjson';
    const { url } = this.send;
    for (let attempt = 0; ; attempt++) {
      const { response, failure } = await this.attempt(body, contentType);
      if (response && ANSWERED.has(response.status)) return this.countAnswer(response, lines.length);
      const retryable = response === null || response.status === 429 || response.status >= 500;
      const what = response ? `HTTP ${response.status} ${(await response.text()).slice(0, 200)}` : failure;
      if (!retryable) throw new SendError(`POST ${url}: ${what}`, response!.status);
      if (attempt >= this.maxRetries) throw new SendError(`POST ${url}: still failing after ${this.maxRetries} retries: ${what}`, response?.status ?? null);
      this.progress.retries++;
      await sleep(this.backoff(attempt, response));
    }
  }

  /** One POST: its response, or why there was none. */
  private async attempt(body: string, contentType: string): Promise<{ response: Response | null; failure: string }> {
    try {
      this.progress.requests++;
      const response = await fetch(this.send.url, {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-api-key': this.send.apiKey },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { response, failure: '' };
    } catch (err) {
      return { response: null, failure: `${(err as Error).name}: ${(err as Error).message}` };
    }
  }

  /** Counts an answer's per-record results; a 400 without them (an empty body, say) is a bad request. */
  private async countAnswer(response: Response, expected: number): Promise<void> {
    const text = await response.text();
    const results = resultsOf(text, expected);
    if (results) return this.tally(results);
    if (response.status !== 400) throw new SendError(`POST ${this.send.url}: HTTP ${response.status} without one result per event: ${text.slice(0, 200)}`, response.status);
    throw new SendError(`POST ${this.send.url}: HTTP 400 ${text.slice(0, 200)}`, 400);
  }

  /** ms to wait before the next attempt: the server's Retry-After if it gave one, else jittered exponential backoff */
  private backoff(attempt: number, response: Response | null): number {
    const retryAfter = Number(response?.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(this.maxBackoffMs, retryAfter * 1000);
    // Jitter keeps concurrent senders from retrying in lockstep; it never changes what is sent.
    return Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
  }

  private tally(results: ApiResult[]): void {
    const { progress } = this;
    for (const r of results) {
      if (r.status === 'accepted') progress.accepted++;
      else {
        progress.rejected++;
        const reason = typeof r.reason === 'string' ? r.reason : 'unspecified';
        this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + 1;
      }
    }
    progress.sent = progress.accepted + progress.rejected;
    this.send.onProgress?.({ ...progress });
  }
}

/**
 * Simulates the tills and posts their events to `POST /v1/events`, `concurrency` requests at a time, retrying
 * throttled and failed requests with bounded exponential backoff (a retried request is sent whole again: an
 * event_id counts once). Counts per record what the API accepted and rejected, from the response body. The
 * API checks the contract's shape only, so unknown_store / unknown_sku faults are accepted there and rejected
 * later by the pipeline's Validate step.
 */
export async function sendToApi(opts: SimulatorOptions, send: SendOptions): Promise<SendStats> {
  const batchSize = send.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500) throw new RangeError(`batchSize: must be 1..500, got ${batchSize}`);
  const concurrency = send.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency: must be a whole number >= 1, got ${concurrency}`);
  const started = performance.now();
  const sender = new ApiSender(send);
  const pool = new RequestPool(concurrency);
  const run = simulateEvents(opts, send.reference);
  for (const batch of requestBatches(run, send.format ?? 'ndjson', batchSize)) await pool.start(() => sender.post(batch));
  await pool.finish();
  return { ...sender.progress, rejectedByReason: sender.rejectedByReason, elapsedMs: Math.round(performance.now() - started), simulation: run.stats };
}
