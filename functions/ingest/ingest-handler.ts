import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_RECORD_BYTES, putRecordsWithRetry, type Sleep, type StreamRecord } from '../lib/aws/kinesis-put-records';
import type { RejectReason } from '../lib/contract/types';
import { API_KEY_HEADER, apiKeyMatches } from './api-key';
import type { IngestConfig } from './config';
import { checkContentType } from './content-type';
import { errorResponse, getHeader, jsonResponse } from './http';
import { splitBody, type ReceivedRecord } from './split-body';

export interface RecordResult {
  index: number;
  event_id?: string;
  status: 'accepted' | 'rejected';
  reason?: RejectReason;
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
  logger: IngestLogger;
  metrics: IngestMetrics;
  /** backoff sleep between PutRecords retries (tests make it instant) */
  sleep?: Sleep;
}

export type IngestHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

function resultOf(record: ReceivedRecord): RecordResult {
  const base = record.eventId !== undefined ? { index: record.index, event_id: record.eventId } : { index: record.index };
  return record.verdict.ok
    ? { ...base, status: 'accepted' }
    : { ...base, status: 'rejected', reason: record.verdict.rejection.reason, detail: record.verdict.rejection.detail };
}

const NEWLINE = Buffer.from('\n');

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2)} MiB`;

/** Why a request is refused before anything reaches the stream (400, 401, 413, 415). */
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

/** Checks the key, media type, sizes and shape of a request, in the order the client is told about them. */
function readRequest(event: APIGatewayProxyEvent, config: IngestConfig): ReadRequest | Refusal {
  if (config.apiKey !== undefined && !apiKeyMatches(getHeader(event, API_KEY_HEADER), config.apiKey)) {
    return refusal(401, 'invalid_api_key', `a valid API key is required in the ${API_KEY_HEADER} header`);
  }
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

/**
 * POST /v1/events. Every record received, valid or not, is written to the stream as one line: raw keeps
 * everything a store sent and the pipeline quarantines what the contract rejects, with the same reason this
 * answer gives the client at once. Reference data (store, sku) is checked by the pipeline, not here.
 */
export function createIngestHandler(deps: IngestDeps): IngestHandler {
  const { config, logger, metrics } = deps;

  async function handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const request = readRequest(event, config);
    if (!request.ok) {
      metrics.addMetric('RequestsRefused', 'Count', 1);
      return errorResponse(request.statusCode, request.error, request.message);
    }
    const { bytes, records, streamRecords } = request;

    const results = records.map(resultOf);
    const accepted = results.filter((r) => r.status === 'accepted').length;
    const rejected = results.length - accepted;
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
          not_stored: put.failed,
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
