import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_RECORD_BYTES, putRecordsWithRetry, type Sleep, type StreamRecord } from '../lib/aws/kinesis-put-records';
import type { RejectReason } from '../lib/contract/types';
import type { IngestConfig } from './config';
import { checkContentType } from './content-type';
import { errorResponse, getHeader, jsonResponse } from './http';
import { isGrant, type KeyGrant, type KeyResolver } from './ingest-keys';
import { splitBody, type ReceivedRecord } from './split-body';

/** A record for a store its key does not cover: refused (403 when every record is), and never written to the stream. */
export const STORE_NOT_ALLOWED = 'store_not_allowed_for_key';

export interface RecordResult {
  index: number;
  event_id?: string;
  status: 'accepted' | 'rejected';
  reason?: RejectReason | typeof STORE_NOT_ALLOWED;
  detail?: string;
}

export interface IngestResponseBody {
  accepted: number;
  rejected: number;
  results: RecordResult[];
}

/** What the handler logs through (Powertools Logger fits). */
export interface IngestLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** What the handler counts through (Powertools Metrics fits). */
export interface IngestMetrics {
  addMetric(name: string, unit: 'Count' | 'Bytes', value: number): unknown;
  publishStoredMetrics(): void;
}

export interface IngestDeps {
  kinesis: KinesisClient;
  config: IngestConfig;
  /** finds the stores the request's key may post for */
  keys: KeyResolver;
  logger: IngestLogger;
  metrics: IngestMetrics;
  /** backoff sleep between PutRecords retries (tests make it instant) */
  sleep?: Sleep;
}

export type IngestHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

function resultOf(record: ReceivedRecord, grant: KeyGrant): RecordResult {
  const base = record.eventId !== undefined ? { index: record.index, event_id: record.eventId } : { index: record.index };
  const foreign = foreignStore(record, grant);
  if (foreign !== undefined) {
    return { ...base, status: 'rejected', reason: STORE_NOT_ALLOWED, detail: `store_id ${foreign}: not among the stores of API key ${grant.keyId}` };
  }
  return record.verdict.ok
    ? { ...base, status: 'accepted' }
    : { ...base, status: 'rejected', reason: record.verdict.rejection.reason, detail: record.verdict.rejection.detail };
}

const NEWLINE = Buffer.from('\n');

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MiB`;

/** Why a request is refused before anything reaches the stream (400, 413, 415). */
interface Refusal {
  ok: false;
  statusCode: number;
  error: string;
  message: string;
}

/** A request that passed every check, its records ready for the stream. */
interface ReadRequest {
  ok: true;
  /** body size */
  bytes: number;
  records: ReceivedRecord[];
  streamRecords: StreamRecord[];
}

const refusal = (statusCode: number, error: string, message: string): Refusal => ({ ok: false, statusCode, error, message });

/** Checks the media type, sizes and shape of a request (its key is checked first), in the order the client is told about them. */
function readRequest(event: APIGatewayProxyEvent, config: IngestConfig): ReadRequest | Refusal {
  const contentType = checkContentType(getHeader(event, 'content-type'));
  if (!contentType.ok) return refusal(415, 'unsupported_media_type', contentType.message);
  const encoding = getHeader(event, 'content-encoding');
  if (encoding && encoding.trim().toLowerCase() !== 'identity') {
    return refusal(415, 'unsupported_media_type', `Content-Encoding ${encoding} is not accepted: send the body uncompressed`);
  }

  const bytes = event.body == null ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > config.maxBodyBytes) {
    return refusal(413, 'body_too_large', `the body is ${bytes.length} bytes; the limit is ${config.maxBodyBytes} bytes (${mib(config.maxBodyBytes)})`);
  }
  const split = splitBody(bytes, contentType.format, config.maxEvents);
  if (!split.ok) return refusal(split.statusCode, split.error, split.message);
  const { records } = split;

  const streamRecords: StreamRecord[] = records.map((r) => ({ data: r.bytes ? Buffer.concat([r.bytes, NEWLINE]) : Buffer.from(`${r.line}\n`, 'utf8'), partitionKey: r.partitionKey }));
  const oversized = streamRecords.findIndex((r) => r.data.length + Buffer.byteLength(r.partitionKey) > MAX_RECORD_BYTES);
  if (oversized >= 0) {
    return refusal(413, 'event_too_large', `the event at index ${oversized} is ${streamRecords[oversized].data.length} bytes; one event is at most ${MAX_RECORD_BYTES} bytes (1 MiB)`);
  }
  return { ok: true, bytes: bytes.length, records, streamRecords };
}

/** The store_id of a record its key may not post, undefined when it may (or when the record names no store). */
function foreignStore(record: ReceivedRecord, grant: KeyGrant): string | undefined {
  return grant.stores !== 'any' && record.storeId !== undefined && !grant.stores.has(record.storeId) ? record.storeId : undefined;
}

/**
 * POST /v1/events. Every record received, valid or not, is written to the stream as one line: raw keeps
 * everything a store sent and the pipeline quarantines what the contract rejects, with the same reason this
 * answer gives the client at once. The one exception is a record for a store the request's key does not cover:
 * it is refused here (`store_not_allowed_for_key`) and kept out of raw, as it was never the key holder's to send.
 * Reference data (store, sku) is checked by the pipeline, not here.
 */
export function createIngestHandler(deps: IngestDeps): IngestHandler {
  const { config, logger, metrics } = deps;

  async function handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const refused = (r: Pick<Refusal, 'statusCode' | 'error' | 'message'>): APIGatewayProxyResult => {
      metrics.addMetric('RequestsRefused', 'Count', 1);
      return errorResponse(r.statusCode, r.error, r.message);
    };
    const grant = await deps.keys(event);
    if (!isGrant(grant)) return refused(grant);
    const request = readRequest(event, config);
    if (!request.ok) return refused(request);
    const { bytes, records } = request;

    const results = records.map((r) => resultOf(r, grant));
    const accepted = results.filter((r) => r.status === 'accepted').length;
    const rejected = results.length - accepted;
    // positions of the records written to the stream (all but those for another store); put.failed counts in these
    const written = results.flatMap((r, i) => (r.reason === STORE_NOT_ALLOWED ? [] : [i]));
    if (written.length < records.length) {
      const stores = [...new Set(records.flatMap((r) => foreignStore(r, grant) ?? []))];
      metrics.addMetric('EventsStoreNotAllowed', 'Count', records.length - written.length);
      logger.warn('records for stores the key does not cover', { keyId: grant.keyId, stores });
      if (written.length === 0) {
        metrics.addMetric('EventsRejected', 'Count', rejected);
        return errorResponse(403, STORE_NOT_ALLOWED, `API key ${grant.keyId} may not post events for store ${stores.join(', ')}; nothing was stored`, { accepted, rejected, results });
      }
    }
    const streamRecords = written.map((i) => request.streamRecords[i]);
    const put = await putRecordsWithRetry(deps.kinesis, config.streamName, streamRecords, config.retry, deps.sleep);

    metrics.addMetric('EventsAccepted', 'Count', accepted);
    metrics.addMetric('EventsRejected', 'Count', rejected);
    metrics.addMetric('EventsNotStored', 'Count', put.failed.length);
    metrics.addMetric('RequestBytes', 'Bytes', bytes);

    if (put.failed.length > 0) {
      logger.warn('records not stored after retries', { notStored: put.failed.length, received: records.length, attempts: put.attempts, errors: put.errors });
      return jsonResponse(
        503,
        {
          error: 'not_stored',
          message: `${put.failed.length} of ${records.length} events were not stored after ${put.attempts} attempts; send those again (or the whole request: an event_id counts once)`,
          not_stored: put.failed.map((k) => records[written[k]].index),
          accepted,
          rejected,
          results,
        },
        { 'retry-after': '1' },
      );
    }
    if (put.attempts > 1) logger.info('records stored after retries', { attempts: put.attempts, errors: put.errors });
    logger.info('events received', { received: records.length, accepted, rejected, bytes });
    const body: IngestResponseBody = { accepted, rejected, results };
    return jsonResponse(rejected === 0 ? 200 : accepted === 0 ? 400 : 207, body);
  }

  return async (event) => {
    try {
      return await handle(event);
    } finally {
      metrics.addMetric('Requests', 'Count', 1);
      metrics.publishStoredMetrics();
    }
  };
}
