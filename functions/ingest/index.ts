import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createKinesisClient } from '../lib/aws/kinesis-client';
import { S3ObjectStore } from '../lib/aws/s3-object-store';
import { INGEST_KEYS_KEY } from '../lib/lake-layout';
import { METRICS_NAMESPACE } from '../lib/metric-names';
import { ingestConfigFromEnv, keysFileConfigFromEnv } from './config';
import { createIngestHandler, type IngestHandler } from './ingest-handler';
import { apiKeyIdResolver, cachedKeysFile, type KeyResolver } from './ingest-keys';

/**
 * The ingest Lambda behind API Gateway (POST /v1/events). Configuration from the environment: STREAM_NAME,
 * BUCKET_CURATED (where the ingest keys file is), optionally KEYS_TTL_SECONDS, MAX_BODY_BYTES, PUT_MAX_ATTEMPTS;
 * the Kinesis endpoint from AWS_ENDPOINT_URL_KINESIS when set. API Gateway checks the API key's secret; the
 * handler checks each record's store against the stores the keys file binds to that key's id. The local server
 * (local/ingest/server.ts) runs the same createIngestHandler with a client for its in-process stream.
 */
const logger = new Logger({ serviceName: 'ingest-api' });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName: 'ingest-api' });

/** The keys file in the curated bucket, read again after the TTL. */
export function cloudKeyResolver(env: NodeJS.ProcessEnv, s3: S3Client = new S3Client({})): KeyResolver {
  const { curatedBucket, ttlSeconds } = keysFileConfigFromEnv(env);
  // this Lambda reads control/ only, which is in the curated bucket: the other zones are never asked for
  const store = new S3ObjectStore(s3, { raw: curatedBucket, quarantine: curatedBucket, curated: curatedBucket });
  return apiKeyIdResolver(cachedKeysFile(() => store.getIfExists(INGEST_KEYS_KEY), `s3://${curatedBucket}/${INGEST_KEYS_KEY}`, ttlSeconds * 1000));
}

let handle: IngestHandler | undefined;

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  handle ??= createIngestHandler({ kinesis: createKinesisClient(), config: ingestConfigFromEnv(process.env), keys: cloudKeyResolver(process.env), logger, metrics });
  return handle(event);
}
