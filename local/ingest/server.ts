import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { DEFAULT_MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from '../../functions/ingest/config';
import { createIngestHandler, type IngestHandler } from '../../functions/ingest/ingest-handler';
import { cachedKeysFile, type KeyResolver, secretHashResolver, singleKeyResolver } from '../../functions/ingest/ingest-keys';
import { ConfigurationError } from '../../functions/lib/errors';
import { DEFAULT_RETRY_POLICY } from '../../functions/lib/aws/kinesis-put-records';
import { EVENTS_PATH, EventsEndpoint } from './events-endpoint';
import { type Delivery, type LocalFirehose, startLocalFirehose } from './firehose';
import { LocalIngestMetrics } from './local-metrics';
import { type LocalStream, resetLocalStream, startLocalStream } from './stream';

/**
 * `retail-lake serve`: the ingest API on a local port. Each request becomes the API Gateway event the Lambda
 * would get and goes through the same handler (createIngestHandler), which writes to the in-process stream;
 * the local firehose delivers the stream to raw/pos/.
 */

export interface IngestServerOptions {
  lakeRoot: string;
  host?: string;
  /** 0 (default): any free port */
  port?: number;
  /** without a keys file: the one key for every store; else RETAIL_LAKE_API_KEY, else a new random key (returned) */
  apiKey?: string;
  /** the keys file (`retail-lake keys`): only its keys are accepted, each for its stores; not with `apiKey` */
  keysFile?: string;
  /** how long the keys file is kept before it is read again (default 1 s): how soon an added or revoked key counts */
  keysTtlMs?: number;
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

/** What a running server is made of; it owns them all. */
interface ServerParts {
  lakeRoot: string;
  /** listening */
  http: Server;
  endpoint: EventsEndpoint;
  metrics: LocalIngestMetrics;
  stream: LocalStream;
  firehose: LocalFirehose;
}

/**
 * The running `serve`: the HTTP server, the stream behind it and the firehose delivering that stream.
 * Started by `startIngestServer`.
 */
export class IngestServer {
  /** http://HOST:PORT */
  readonly url: string;
  /** url + /v1/events */
  readonly eventsUrl: string;
  readonly port: number;
  private closing: Promise<void> | undefined;

  /** use `startIngestServer`, which starts the parts and listens */
  constructor(
    readonly host: string,
    /** the one key for every store; undefined when a keys file decides */
    readonly apiKey: string | undefined,
    private readonly parts: ServerParts,
  ) {
    this.port = (parts.http.address() as AddressInfo).port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    this.eventsUrl = `${this.url}${EVENTS_PATH}`;
  }

  /** delivers everything acknowledged so far to raw/ now, and keeps serving */
  drain(): Promise<Delivery[]> {
    return this.parts.firehose.flush();
  }

  /** stops accepting, waits for requests in flight, delivers everything, stops the stream */
  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  stats(): IngestServerStats {
    const { endpoint, metrics, firehose } = this.parts;
    return { requests: endpoint.requests, metrics: { ...metrics.totals }, firehose: firehose.stats() };
  }

  private async shutDown(): Promise<void> {
    const { http, firehose, stream, lakeRoot } = this.parts;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    await closed;
    try {
      await firehose.drain();
    } catch (err) {
      await stream.stop();
      throw err;
    }
    await stream.stop();
    // everything acknowledged is in raw/ and nothing else can write: the stream's storage can be emptied
    await resetLocalStream(lakeRoot);
  }
}

/** The stream's firehose; the stream is stopped if it cannot start. */
async function startFirehoseOf(stream: LocalStream, options: IngestServerOptions): Promise<LocalFirehose> {
  try {
    return await startLocalFirehose({
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
}

/** The Lambda's handler, writing to the local stream. */
function localIngestHandler(stream: LocalStream, keys: KeyResolver, metrics: LocalIngestMetrics, options: IngestServerOptions): IngestHandler {
  const logger = new Logger({ serviceName: 'ingest-api', logLevel: options.logLevel ?? ((process.env.POWERTOOLS_LOG_LEVEL as LogLevel | undefined) || 'WARN') });
  return createIngestHandler({
    kinesis: stream.client,
    config: {
      streamName: stream.streamName,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxEvents: MAX_EVENTS_PER_REQUEST,
      retry: DEFAULT_RETRY_POLICY,
    },
    keys,
    logger,
    metrics,
  });
}

const DEFAULT_KEYS_TTL_MS = 1000;

/** Who may post: the keys file's keys, each for its stores, or one key for every store. */
function keyAccess(options: IngestServerOptions): { keys: KeyResolver; apiKey: string | undefined } {
  const { keysFile } = options;
  if (keysFile === undefined) {
    const apiKey = options.apiKey || process.env.RETAIL_LAKE_API_KEY || randomBytes(24).toString('base64url');
    return { keys: singleKeyResolver(apiKey), apiKey };
  }
  if (options.apiKey) throw new ConfigurationError(`an API key for every store cannot be used with the keys file ${keysFile}: add a key with \`retail-lake keys add\``);
  const load = async (): Promise<Buffer | null> => {
    try {
      return await readFile(keysFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  return { keys: secretHashResolver(cachedKeysFile(load, keysFile, options.keysTtlMs ?? DEFAULT_KEYS_TTL_MS)), apiKey: undefined };
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
}

export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const host = options.host ?? '127.0.0.1';
  const { keys, apiKey } = keyAccess(options);
  const stream = await startLocalStream({ lakeRoot: options.lakeRoot, shardCount: options.shardCount });
  const firehose = await startFirehoseOf(stream, options);
  const metrics = new LocalIngestMetrics();
  const endpoint = new EventsEndpoint(localIngestHandler(stream, keys, metrics, options));
  const http = createServer(endpoint.listener);
  http.keepAliveTimeout = 5000;
  try {
    await listen(http, options.port ?? 0, host);
  } catch (err) {
    await firehose.stop();
    await stream.stop();
    throw err;
  }
  return new IngestServer(host, apiKey, { lakeRoot: options.lakeRoot, http, endpoint, metrics, stream, firehose });
}
