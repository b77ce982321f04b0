import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { DEFAULT_MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from '../../functions/ingest/config';
import { createIngestHandler } from '../../functions/ingest/ingest-handler';
import { DEFAULT_RETRY_POLICY } from '../../functions/lib/aws/kinesis-put-records';
import { toApiGatewayEvent } from './api-gateway-event';
import { type Delivery, type LocalFirehose, startLocalFirehose } from './firehose';
import { LocalIngestMetrics } from './local-metrics';
import { resetLocalStream, startLocalStream } from './stream';

/**
 * `retail-lake serve`: the ingest API on a local port. Each request becomes the API Gateway event the Lambda
 * would get and goes through the same handler (createIngestHandler), which writes to the in-process stream;
 * the local firehose delivers the stream to raw/pos/.
 */

export const EVENTS_PATH = '/v1/events';
/** API Gateway's own payload cap: bigger requests never reach the Lambda */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export interface IngestServerOptions {
  lakeRoot: string;
  host?: string;
  /** 0 (default): any free port */
  port?: number;
  /** else RETAIL_LAKE_API_KEY, else a new random key (returned) */
  apiKey?: string;
  /** firehose buffer size (default 5 MiB) and interval (default 60 s) */
  bufferBytes?: number;
  bufferSeconds?: number;
  /** handler body limit (default 5 MiB) */
  maxBodyBytes?: number;
  shardCount?: number;
  /** handler log level (default: POWERTOOLS_LOG_LEVEL, else WARN) */
  logLevel?: LogLevel;
  onDelivery?: (delivery: Delivery) => void;
}

export interface IngestServerStats {
  requests: number;
  /** handler metrics: EventsAccepted, EventsRejected, EventsNotStored, RequestBytes */
  metrics: Record<string, number>;
  firehose: { deliveries: number; records: number; bytes: number; buffered: number };
}

export interface IngestServer {
  /** http://HOST:PORT */
  url: string;
  /** url + /v1/events */
  eventsUrl: string;
  apiKey: string;
  host: string;
  port: number;
  /** delivers everything acknowledged so far to raw/ now, and keeps serving */
  drain(): Promise<Delivery[]>;
  /** stops accepting, waits for requests in flight, delivers everything, stops the stream */
  close(): Promise<void>;
  stats(): IngestServerStats;
}

function send(res: ServerResponse, statusCode: number, body: string, headers: Record<string, string | number | boolean> = {}): void {
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const sendError = (res: ServerResponse, statusCode: number, error: string, message: string, headers: Record<string, string> = {}): void =>
  send(res, statusCode, JSON.stringify({ error, message }), headers);

/** Reads the body, or answers 413 itself past the gateway's cap (null then). */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = (): void => {
      sendError(res, 413, 'body_too_large', `the body is larger than the gateway's limit of ${GATEWAY_MAX_BYTES} bytes`, { connection: 'close' });
      req.resume();
      resolve(null);
    };
    if (declared > GATEWAY_MAX_BYTES) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > GATEWAY_MAX_BYTES) {
        done = true;
        return tooLarge();
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey || process.env.RETAIL_LAKE_API_KEY || randomBytes(24).toString('base64url');
  const stream = await startLocalStream({ lakeRoot: options.lakeRoot, shardCount: options.shardCount });
  let firehose: LocalFirehose;
  try {
    firehose = await startLocalFirehose({
      lakeRoot: options.lakeRoot,
      client: stream.client,
      streamName: stream.streamName,
      bufferBytes: options.bufferBytes,
      bufferSeconds: options.bufferSeconds,
      onDelivery: options.onDelivery,
    });
  } catch (err) {
    await stream.stop();
    throw err;
  }

  const metrics = new LocalIngestMetrics();
  const logger = new Logger({ serviceName: 'ingest-api', logLevel: options.logLevel ?? ((process.env.POWERTOOLS_LOG_LEVEL as LogLevel | undefined) || 'WARN') });
  const handler = createIngestHandler({
    kinesis: stream.client,
    config: {
      streamName: stream.streamName,
      apiKey,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxEvents: MAX_EVENTS_PER_REQUEST,
      retry: DEFAULT_RETRY_POLICY,
    },
    logger,
    metrics,
  });

  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== EVENTS_PATH) {
        req.resume();
        return sendError(res, 404, 'not_found', `no such path: ${url.pathname}; events go to POST ${EVENTS_PATH}`);
      }
      if (req.method !== 'POST') {
        req.resume();
        return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${EVENTS_PATH}: use POST`, { allow: 'POST' });
      }
      const body = await readBody(req, res);
      if (body === null) return;
      const result = await handler(toApiGatewayEvent(req, url, body));
      const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
      send(res, result.statusCode, result.body, headers);
    })().catch((err: unknown) => {
      console.error(`ingest server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the request failed inside the server; nothing was acknowledged');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    await firehose.stop();
    await stream.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    try {
      await firehose.drain();
    } catch (err) {
      await stream.stop();
      throw err;
    }
    await stream.stop();
    // everything acknowledged is in raw/ and nothing else can write: the stream's storage can be emptied
    await resetLocalStream(options.lakeRoot);
  }

  return {
    url,
    eventsUrl: `${url}${EVENTS_PATH}`,
    apiKey,
    host,
    port,
    drain: () => firehose.flush(),
    close: () => (closing ??= close()),
    stats: () => ({ requests, metrics: { ...metrics.totals }, firehose: firehose.stats() }),
  };
}
