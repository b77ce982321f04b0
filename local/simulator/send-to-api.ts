import { RetailLakeError } from '../../functions/lib/errors';
import type { SimulatorOptions } from './options';
import type { SimReference } from './reference';
import { simulateEvents, type SimulatorStats } from './simulate';

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
  const format = send.format ?? 'ndjson';
  const maxRetries = send.maxRetries ?? 6;
  const backoffMs = send.backoffMs ?? 200;
  const maxBackoffMs = send.maxBackoffMs ?? 5000;
  const timeoutMs = send.timeoutMs ?? 30_000;
  const started = performance.now();
  const progress: SendProgress = { sent: 0, accepted: 0, rejected: 0, requests: 0, retries: 0 };
  const rejectedByReason: Record<string, number> = {};

  const post = async (lines: string[], asArray: boolean): Promise<void> => {
    const body = asArray ? `[${lines.join(',')}]` : lines.join('\n') + '\n';
    const contentType = asArray ? 'application/json' : 'application/x-ndjson';
    for (let attempt = 0; ; attempt++) {
      let response: Response | null = null;
      let failure = '';
      try {
        progress.requests++;
        response = await fetch(send.url, {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-api-key': send.apiKey },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        failure = `${(err as Error).name}: ${(err as Error).message}`;
      }
      if (response && (response.status === 200 || response.status === 207 || response.status === 400)) {
        // 400 is also how the API answers a request whose every record it rejected: per-record results then
        // count like any other; a 400 without them (an empty body, say) is a bad request.
        const text = await response.text();
        const results = resultsOf(text, lines.length);
        if (results) {
          tally(results);
          return;
        }
        if (response.status !== 400) throw new SendError(`POST ${send.url}: HTTP ${response.status} without one result per event: ${text.slice(0, 200)}`, response.status);
        throw new SendError(`POST ${send.url}: HTTP 400 ${text.slice(0, 200)}`, 400);
      }
      const retryable = response === null || response.status === 429 || response.status >= 500;
      const what = response ? `HTTP ${response.status} ${(await response.text()).slice(0, 200)}` : failure;
      if (!retryable) throw new SendError(`POST ${send.url}: ${what}`, response!.status);
      if (attempt >= maxRetries) throw new SendError(`POST ${send.url}: still failing after ${maxRetries} retries: ${what}`, response?.status ?? null);
      progress.retries++;
      const retryAfter = Number(response?.headers.get('retry-after'));
      const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
      // Jitter keeps concurrent senders from retrying in lockstep; it never changes what is sent.
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(maxBackoffMs, retryAfter * 1000) : backoff * (0.5 + Math.random() / 2));
    }
  };

  const tally = (results: ApiResult[]): void => {
    for (const r of results) {
      if (r.status === 'accepted') progress.accepted++;
      else {
        progress.rejected++;
        const reason = typeof r.reason === 'string' ? r.reason : 'unspecified';
        rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
      }
    }
    progress.sent = progress.accepted + progress.rejected;
    send.onProgress?.({ ...progress });
  };

  // Requests in flight. Each settles to null or its error (nothing left unhandled); the first error stops
  // the run at the next batch.
  const inflight = new Set<Promise<Error | null>>();
  let firstError: Error | null = null;
  const start = async (lines: string[], asArray: boolean): Promise<void> => {
    while (inflight.size >= concurrency && !firstError) await Promise.race(inflight);
    if (firstError) throw firstError;
    const p: Promise<Error | null> = post(lines, asArray).then(
      () => null,
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        firstError ??= error;
        return error;
      },
    );
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  };

  const run = simulateEvents(opts, send.reference);
  let batch: string[] = [];
  let broken: string[] = [];
  for (const { line, kind } of run) {
    if (format === 'json' && kind === 'malformed_json') {
      broken.push(line);
      if (broken.length >= batchSize) {
        await start(broken, false);
        broken = [];
      }
      continue;
    }
    batch.push(line);
    if (batch.length >= batchSize) {
      await start(batch, format === 'json');
      batch = [];
    }
  }
  if (batch.length) await start(batch, format === 'json');
  if (broken.length) await start(broken, false);
  await Promise.all(inflight);
  if (firstError) throw firstError;
  return { ...progress, rejectedByReason, elapsedMs: Math.round(performance.now() - started), simulation: run.stats };
}
