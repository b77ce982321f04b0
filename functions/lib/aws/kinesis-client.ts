import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A Kinesis client that works both in AWS and against kinesalite. The endpoint comes from the environment
 * (`AWS_ENDPOINT_URL_KINESIS`, read by the SDK itself) unless given. The HTTP/1.1 handler is required by
 * kinesalite (the SDK's default fails against it) and is what the SDK uses in Lambda anyway.
 */
export function createKinesisClient(config: Partial<KinesisClientConfig> = {}): KinesisClient {
  return new KinesisClient({
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 10000 }),
    ...config,
  });
}
