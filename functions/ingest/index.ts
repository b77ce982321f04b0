import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createKinesisClient } from '../lib/aws/kinesis-client';
import { METRICS_NAMESPACE } from '../lib/metric-names';
import { ingestConfigFromEnv } from './config';
import { createIngestHandler, type IngestHandler } from './ingest-handler';

/**
 * The ingest Lambda behind API Gateway (POST /v1/events). Configuration from the environment: STREAM_NAME,
 * optionally RETAIL_LAKE_API_KEY, MAX_BODY_BYTES, PUT_MAX_ATTEMPTS; the Kinesis endpoint from
 * AWS_ENDPOINT_URL_KINESIS when set. The local server (local/ingest/server.ts) runs the same
 * createIngestHandler with a client for its in-process stream.
 */
const logger = new Logger({ serviceName: 'ingest-api' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName: 'ingest-api' });

let handle: IngestHandler | undefined;

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  handle ??= createIngestHandler({ kinesis: createKinesisClient(), config: ingestConfigFromEnv(process.env), logger, metrics });
  return handle(event);
}
