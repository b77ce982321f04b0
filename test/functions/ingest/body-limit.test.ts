import { KinesisClient } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_MAX_BODY_BYTES, ingestConfigFromEnv, LAMBDA_SYNC_PAYLOAD_BYTES, MAX_BODY_BYTES_LIMIT } from '../../../functions/ingest/config';
import { createIngestHandler } from '../../../functions/ingest/ingest-handler';
import { sampleEvents } from '../../../local/ingest/sample-events';
import { LocalIngestMetrics } from '../../../local/ingest/local-metrics';
import { apiEvent } from '../../local/ingest/helpers';

mockClient(KinesisClient);

/** Headers, request context and the proxy event's other fields as API Gateway fills them: a generous allowance. */
const ENVELOPE_ALLOWANCE = 16 * 1024;

/** An NDJSON body of the contract's events, exactly `bytes` long (the last line padded with spaces). */
function ndjsonBody(bytes: number): string {
  const lines = sampleEvents(500).map((e) => `${JSON.stringify(e)}\n`);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length + Buffer.byteLength(lines[i % lines.length]) < bytes; i++) {
    parts.push(lines[i % lines.length]);
    length += Buffer.byteLength(lines[i % lines.length]);
  }
  return parts.join('').padEnd(bytes, ' ');
}

describe('the ingest body limit', () => {
  it('is one a synchronous Lambda can take: the largest body, escaped in the proxy event, fits the 6 MiB payload', () => {
    const body = ndjsonBody(MAX_BODY_BYTES_LIMIT);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES_LIMIT);
    const event = JSON.stringify(apiEvent(body, { 'content-type': 'application/x-ndjson' }));
    expect(Buffer.byteLength(event) + ENVELOPE_ALLOWANCE).toBeLessThan(LAMBDA_SYNC_PAYLOAD_BYTES);
  });

  it('is read from MAX_BODY_BYTES, and refused above what Lambda can take', () => {
    expect(ingestConfigFromEnv({ STREAM_NAME: 's' }).maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(ingestConfigFromEnv({ STREAM_NAME: 's', MAX_BODY_BYTES: String(MAX_BODY_BYTES_LIMIT) }).maxBodyBytes).toBe(MAX_BODY_BYTES_LIMIT);
    expect(() => ingestConfigFromEnv({ STREAM_NAME: 's', MAX_BODY_BYTES: String(6 * 1024 * 1024) })).toThrow(/MAX_BODY_BYTES: at most 5242880/);
  });

  it('answers 413 from the handler for a body one byte over the configured limit', async () => {
    const config = ingestConfigFromEnv({ STREAM_NAME: 's' });
    const handler = createIngestHandler({ kinesis: new KinesisClient({ region: 'us-east-1' }), config, keys: async () => ({ keyId: 'any-store', stores: 'any' }), logger: { info: () => undefined, warn: () => undefined }, metrics: new LocalIngestMetrics() });
    const res = await handler(apiEvent(ndjsonBody(config.maxBodyBytes + 1), { 'content-type': 'application/x-ndjson' }));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'body_too_large' });
  });
});
