import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { IngestConfig } from '../../../functions/ingest/config';
import { createIngestHandler, type IngestResponseBody } from '../../../functions/ingest/ingest-handler';
import { type KeyResolver, singleKeyResolver } from '../../../functions/ingest/ingest-keys';
import { INGEST_KEYS_KEY } from '../../../functions/lib/lake-layout';
import { sampleEvent, sampleEvents } from '../../../local/ingest/sample-events';
import { LocalIngestMetrics } from '../../../local/ingest/local-metrics';
import { apiEvent } from '../../local/ingest/helpers';
import { purchaseOrder, receipt } from '../../helpers/lake-fixture';

const kinesisMock = mockClient(KinesisClient);
const KEY = 'test-key-123';
const JSON_HEADERS = { 'Content-Type': 'application/json', 'X-Api-Key': KEY };
const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson', 'x-api-key': KEY };

const silent = { info: () => undefined, warn: () => undefined };

function setup(overrides: Partial<IngestConfig> = {}, keys: KeyResolver = singleKeyResolver(KEY)) {
  const metrics = new LocalIngestMetrics();
  const handler = createIngestHandler({
    kinesis: new KinesisClient({ region: 'us-east-1' }),
    keys,
    config: { streamName: 'pos', maxBodyBytes: 5 * 1024 * 1024, maxEvents: 500, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, ...overrides },
    logger: silent,
    metrics,
    sleep: async () => undefined,
  });
  return { handler, metrics };
}

/** Answers every PutRecords with success, one sequence number per record. */
function acceptAll(): void {
  kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: input.Records!.map((_, i) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i) })),
  }));
}

function putInputs(): PutRecordsCommandInput[] {
  return kinesisMock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input);
}

const decode = (data: Uint8Array | undefined): string => Buffer.from(data!).toString('utf8');
const body = (res: { body: string }): IngestResponseBody & { error?: string; message?: string; not_stored?: number[] } => JSON.parse(res.body);

beforeEach(() => {
  kinesisMock.reset();
  acceptAll();
});

describe('API key', () => {
  it('answers 401 naming the header when the key is missing or wrong, and writes nothing', async () => {
    const { handler, metrics } = setup();
    const payload = JSON.stringify(sampleEvents(2));
    for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'application/json', 'x-api-key': 'wrong' }] as Record<string, string>[]) {
      const res = await handler(apiEvent(payload, headers));
      expect(res.statusCode).toBe(401);
      expect(body(res).message).toContain('x-api-key');
    }
    expect(putInputs()).toHaveLength(0);
    expect(metrics.totals).toEqual({ Requests: 2, RequestsRefused: 2 });
  });

  it('matches the header name case-insensitively, also in multiValueHeaders', async () => {
    const { handler } = setup();
    const payload = JSON.stringify(sampleEvents(1));
    expect((await handler(apiEvent(payload, { 'content-type': 'application/json', 'X-API-KEY': KEY }))).statusCode).toBe(200);
    const multi = apiEvent(payload, {}, { multiValueHeaders: { 'Content-Type': ['application/json'], 'x-Api-key': [KEY] } });
    expect((await handler(multi)).statusCode).toBe(200);
  });

});

describe('content type, size and emptiness', () => {
  it('answers 415 naming the accepted types for other media types, charsets and encodings', async () => {
    const { handler } = setup();
    const payload = JSON.stringify(sampleEvents(1));
    for (const headers of [
      { 'x-api-key': KEY },
      { 'x-api-key': KEY, 'content-type': 'text/plain' },
      { 'x-api-key': KEY, 'content-type': 'application/json; charset=iso-8859-1' },
    ] as Record<string, string>[]) {
      const res = await handler(apiEvent(payload, headers));
      expect(res.statusCode).toBe(415);
      expect(body(res).message).toMatch(/application\/json or application\/x-ndjson/);
    }
    const gz = await handler(apiEvent(payload, { ...JSON_HEADERS, 'Content-Encoding': 'gzip' }));
    expect(gz.statusCode).toBe(415);
    expect(putInputs()).toHaveLength(0);
  });

  it('accepts charset parameters in UTF-8 and either media type', async () => {
    const { handler } = setup();
    const events = sampleEvents(2);
    const a = await handler(apiEvent(JSON.stringify(events), { ...JSON_HEADERS, 'Content-Type': 'Application/JSON; charset="UTF-8"' }));
    const b = await handler(apiEvent(events.map((e) => JSON.stringify(e)).join('\n'), { ...NDJSON_HEADERS, 'content-type': 'application/x-ndjson;charset=utf-8' }));
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
  });

  it('answers 413 with the limit when the body is larger than the limit', async () => {
    const { handler } = setup({ maxBodyBytes: 1000 });
    const payload = JSON.stringify(sampleEvents(10));
    expect(Buffer.byteLength(payload)).toBeGreaterThan(1000);
    const res = await handler(apiEvent(payload, JSON_HEADERS));
    expect(res.statusCode).toBe(413);
    expect(body(res).message).toContain('1000 bytes');
    expect(putInputs()).toHaveLength(0);
  });

  it('answers 413 for more than 500 events, as a JSON array or as NDJSON', async () => {
    const { handler } = setup();
    const events = sampleEvents(501);
    const a = await handler(apiEvent(JSON.stringify(events), JSON_HEADERS));
    const b = await handler(apiEvent(events.map((e) => JSON.stringify(e)).join('\n'), NDJSON_HEADERS));
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(413);
      expect(body(res).message).toMatch(/501 events; at most 500/);
    }
    expect(putInputs()).toHaveLength(0);
    // exactly 500 is fine
    expect((await handler(apiEvent(JSON.stringify(events.slice(0, 500)), JSON_HEADERS))).statusCode).toBe(200);
  });

  it('answers 400 for an empty body, whitespace, an empty array or blank NDJSON', async () => {
    const { handler } = setup();
    for (const [payload, headers] of [
      [null, JSON_HEADERS],
      ['', JSON_HEADERS],
      ['  \n ', JSON_HEADERS],
      ['[]', JSON_HEADERS],
      ['\n\r\n\n', NDJSON_HEADERS],
    ] as const) {
      const res = await handler(apiEvent(payload, headers));
      expect(res.statusCode).toBe(400);
      expect(body(res).error).toBe('empty_body');
    }
    expect(putInputs()).toHaveLength(0);
  });

  it('decodes base64-encoded bodies and applies the limit to the decoded size', async () => {
    const { handler } = setup();
    const events = sampleEvents(3);
    const encoded = Buffer.from(JSON.stringify(events)).toString('base64');
    const res = await handler(apiEvent(encoded, JSON_HEADERS, { isBase64Encoded: true }));
    expect(res.statusCode).toBe(200);
    expect(body(res).accepted).toBe(3);
    expect(putInputs()[0].Records!.map((r) => decode(r.Data))).toEqual(events.map((e) => `${JSON.stringify(e)}\n`));
  });
});

describe('per-record answers and what reaches the stream', () => {
  it('answers 207 for a mix, with each rejected record reason and detail, and writes every record', async () => {
    const { handler, metrics } = setup();
    const good = sampleEvents(3);
    const badQuantity = { ...sampleEvent(10), lines: [{ sku: 'SKU-1', quantity: 0, unit_price: 1 }] };
    const noStore = { ...sampleEvent(11) } as Record<string, unknown>;
    delete noStore.store_id;
    const payload = JSON.stringify([good[0], badQuantity, good[1], noStore, 'not an event', good[2]]);
    const res = await handler(apiEvent(payload, JSON_HEADERS));
    expect(res.statusCode).toBe(207);
    const b = body(res);
    expect(b.accepted).toBe(3);
    expect(b.rejected).toBe(3);
    expect(b.results).toEqual([
      { index: 0, event_id: good[0].event_id, status: 'accepted' },
      { index: 1, event_id: badQuantity.event_id, status: 'rejected', reason: 'schema_violation', detail: expect.stringContaining('lines[0].quantity') },
      { index: 2, event_id: good[1].event_id, status: 'accepted' },
      { index: 3, event_id: noStore.event_id, status: 'rejected', reason: 'schema_violation', detail: 'store_id: is required' },
      { index: 4, status: 'rejected', reason: 'schema_violation', detail: 'event: must be a JSON object' },
      { index: 5, event_id: good[2].event_id, status: 'accepted' },
    ]);
    // all six records, one line each, in order, with a trailing newline
    const records = putInputs()[0].Records!;
    expect(records.map((r) => decode(r.Data))).toEqual([good[0], badQuantity, good[1], noStore, 'not an event', good[2]].map((e) => `${JSON.stringify(e)}\n`));
    // partition key: the store where there is one, else a hash of the line
    expect(records[0].PartitionKey).toBe(good[0].store_id);
    expect(records[1].PartitionKey).toBe(badQuantity.store_id);
    expect(records[3].PartitionKey).toMatch(/^[0-9a-f]{32}$/);
    expect(metrics.totals).toMatchObject({ EventsAccepted: 3, EventsRejected: 3, EventsNotStored: 0 });
  });

  it('keeps NDJSON lines as sent (CRLF and blank lines aside) and reports malformed lines', async () => {
    const { handler } = setup();
    const [a, b] = sampleEvents(2).map((e) => JSON.stringify(e));
    const broken = '{"event_id": "x-1", "event_type": "sale",';
    const res = await handler(apiEvent(`${a}\r\n\n${broken}\r\n${b}\n`, NDJSON_HEADERS));
    expect(res.statusCode).toBe(207);
    expect(body(res).results).toEqual([
      { index: 0, event_id: 'ev-0', status: 'accepted' },
      { index: 1, status: 'rejected', reason: 'malformed_json', detail: expect.stringMatching(/^event: not valid JSON/) },
      { index: 2, event_id: 'ev-1', status: 'accepted' },
    ]);
    expect(putInputs()[0].Records!.map((r) => decode(r.Data))).toEqual([`${a}\n`, `${broken}\n`, `${b}\n`]);
  });

  it('answers 400 when every record is rejected, yet writes them all for quarantine', async () => {
    const { handler } = setup();
    const res = await handler(apiEvent('{"a":1}\n[1,2]\n', NDJSON_HEADERS));
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ accepted: 0, rejected: 2 });
    expect(putInputs()[0].Records).toHaveLength(2);
  });

  it('sends a JSON body that does not parse as one record, its line breaks turned into spaces', async () => {
    const { handler } = setup();
    const payload = '[\n  {"event_id": "a"},\r\n  {"event_id": \n]';
    const res = await handler(apiEvent(payload, JSON_HEADERS));
    expect(res.statusCode).toBe(400);
    expect(body(res).results).toEqual([{ index: 0, status: 'rejected', reason: 'malformed_json', detail: expect.any(String) }]);
    const [record] = putInputs()[0].Records!;
    expect(decode(record.Data)).toBe('[   {"event_id": "a"},   {"event_id":  ]\n');
  });

  it('accepts purchase orders and receipts naming them (contract v1 additions), and names the field it refuses', async () => {
    const { handler } = setup();
    const order = purchaseOrder();
    const filled = receipt();
    const shrink = receipt({ reason: 'shrink', quantity_change: -1 });
    const noDate = purchaseOrder({ expected_date: '2024-02-30' });
    const res = await handler(apiEvent(JSON.stringify([order, filled, shrink, noDate]), JSON_HEADERS));
    expect(res.statusCode).toBe(207);
    expect(body(res).results).toEqual([
      { index: 0, event_id: order.event_id, status: 'accepted' },
      { index: 1, event_id: filled.event_id, status: 'accepted' },
      { index: 2, event_id: shrink.event_id, status: 'rejected', reason: 'schema_violation', detail: expect.stringMatching(/^po_id: only a receipt/) },
      { index: 3, event_id: noDate.event_id, status: 'rejected', reason: 'schema_violation', detail: 'expected_date: must be a real date YYYY-MM-DD' },
    ]);
  });

  it('treats a JSON object body as one event', async () => {
    const { handler } = setup();
    const res = await handler(apiEvent(JSON.stringify(sampleEvent(1)), JSON_HEADERS));
    expect(res.statusCode).toBe(200);
    expect(body(res).results).toEqual([{ index: 0, event_id: 'ev-1', status: 'accepted' }]);
  });

  it('gives the verdict the pipeline will give from the stored line, even for numbers JSON cannot carry', async () => {
    const { handler } = setup();
    // 1e400 parses to Infinity and is stored as null: the stored line is what is judged
    const text = JSON.stringify([sampleEvent(1)]).replace('"unit_price":4.99', '"unit_price":1e400');
    const res = await handler(apiEvent(text, JSON_HEADERS));
    expect(body(res).results[0]).toMatchObject({ status: 'rejected', reason: 'schema_violation', detail: expect.stringContaining('unit_price') });
    expect(decode(putInputs()[0].Records![0].Data)).toContain('"unit_price":null');
  });

  it('answers 413 for one event larger than a Kinesis record (1 MiB)', async () => {
    const { handler } = setup();
    const huge = JSON.stringify([{ ...sampleEvent(1), pad: 'x'.repeat(1024 * 1024) }]);
    const res = await handler(apiEvent(huge, JSON_HEADERS));
    expect(res.statusCode).toBe(413);
    expect(body(res).message).toMatch(/index 0/);
    expect(putInputs()).toHaveLength(0);
  });
});

describe('PutRecords failures', () => {
  it('retries only the records that failed', async () => {
    const { handler } = setup();
    const events = sampleEvents(5);
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
          { SequenceNumber: '3', ShardId: 's' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
          { SequenceNumber: '5', ShardId: 's' },
        ],
      })
      .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '6', ShardId: 's' }, { SequenceNumber: '7', ShardId: 's' }] });
    const res = await handler(apiEvent(JSON.stringify(events), JSON_HEADERS));
    expect(res.statusCode).toBe(200);
    const calls = putInputs();
    expect(calls).toHaveLength(2);
    expect(calls[0].Records).toHaveLength(5);
    expect(calls[1].Records!.map((r) => decode(r.Data))).toEqual([events[1], events[3]].map((e) => `${JSON.stringify(e)}\n`));
  });

  it('answers 503 naming the records not stored once the retries are spent', async () => {
    const { handler, metrics } = setup({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const events = sampleEvents(3);
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      // the record of ev-2 always fails
      Records: input.Records!.map((r) => (decode(r.Data).includes('"ev-2"') ? { ErrorCode: 'InternalFailure' } : { SequenceNumber: '1', ShardId: 's' })),
    }));
    const res = await handler(apiEvent(JSON.stringify(events), JSON_HEADERS));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(body(res).not_stored).toEqual([2]);
    expect(body(res).message).toMatch(/1 of 3 events were not stored after 3 attempts/);
    expect(putInputs().map((c) => c.Records!.length)).toEqual([3, 1, 1]);
    expect(metrics.totals.EventsNotStored).toBe(1);
  });

  it('answers 503 for every record when the stream call itself keeps failing', async () => {
    const { handler } = setup();
    kinesisMock.on(PutRecordsCommand).rejects(new Error('connection refused'));
    const res = await handler(apiEvent(JSON.stringify(sampleEvents(2)), JSON_HEADERS));
    expect(res.statusCode).toBe(503);
    expect(body(res).not_stored).toEqual([0, 1]);
  });
});

describe('the Lambda entry point', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads its settings from the environment and checks the key id API Gateway passes against the keys file in S3', async () => {
    process.env.STREAM_NAME = 'pos-stream';
    process.env.BUCKET_CURATED = 'curated-bucket';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const s3 = mockClient(S3Client);
    const keysFile = { version: 1, keys: [{ id: 'gw-key-1', stores: sampleEvents(2).map((e) => e.store_id), created: '2026-01-01T00:00:00Z' }] };
    s3.on(GetObjectCommand, { Bucket: 'curated-bucket', Key: INGEST_KEYS_KEY }).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(JSON.stringify(keysFile))) } as unknown as GetObjectCommandOutput['Body'],
    });
    try {
      const { handler } = await import('../../../functions/ingest/index');
      const as = (apiKeyId: string | null) => apiEvent(JSON.stringify(sampleEvents(2)), { 'content-type': 'application/json' }, { requestContext: { identity: { apiKeyId } } as APIGatewayProxyEvent['requestContext'] });
      expect((await handler(as(null))).statusCode).toBe(401);
      const unbound = await handler(as('gw-key-2'));
      expect(unbound.statusCode).toBe(403);
      expect(body(unbound).error).toBe('key_not_bound');
      expect((await handler(as('gw-key-1'))).statusCode).toBe(200);
      expect(putInputs()[0].StreamName).toBe('pos-stream');
      // read once, then served from the cache until its TTL
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    } finally {
      s3.restore();
    }
  });
});

/** `[[[...]]]` or `{"a":{"a":...}}` nested `depth` levels */
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('deep nesting and bytes that are not UTF-8', () => {
  it('answers 400 too_deeply_nested for 100k nested arrays or objects, as JSON or as an NDJSON line, and writes nothing', async () => {
    const { handler } = setup();
    for (const [payload, headers] of [
      [nestedArrays(100_000), JSON_HEADERS],
      [nestedObjects(100_000), JSON_HEADERS],
      [`[${JSON.stringify(sampleEvent(0))},${nestedArrays(65)}]`, JSON_HEADERS],
      [`${JSON.stringify(sampleEvent(0))}\n${nestedObjects(100_000)}\n`, NDJSON_HEADERS],
    ] as const) {
      const res = await handler(apiEvent(payload, headers));
      expect(res.statusCode).toBe(400);
      expect(body(res).error).toBe('too_deeply_nested');
      expect(body(res).message).toMatch(/more than 64 levels deep/);
    }
    expect(putInputs()).toHaveLength(0);
  });

  it('does not count brackets inside strings, and takes nesting up to the limit as records', async () => {
    const { handler } = setup();
    const brackets = `${'['.repeat(100)}"${'{'.repeat(100)}`; // an escaped quote must not end the string
    const payload = JSON.stringify([sampleEvent(0), JSON.parse(nestedArrays(63)) as unknown, brackets]);
    const res = await handler(apiEvent(payload, JSON_HEADERS));
    expect(res.statusCode).toBe(207);
    expect(body(res).results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'schema_violation', 'schema_violation']);
  });

  it('rejects an NDJSON line that is not UTF-8 as invalid_utf8, and writes its bytes as sent; the other lines go on', async () => {
    const { handler } = setup();
    const good = JSON.stringify(sampleEvent(0));
    const bad = Buffer.concat([Buffer.from(good.replace('"S', '"\u00e9S').slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(good.slice(40))]);
    const payload = Buffer.concat([Buffer.from(`${good}\n`), bad, Buffer.from('\n')]);
    const res = await handler(apiEvent(payload.toString('base64'), NDJSON_HEADERS, { isBase64Encoded: true }));
    expect(res.statusCode).toBe(207);
    expect(body(res).results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'invalid_utf8']);
    const written = putInputs()[0].Records!.map((r) => Buffer.from(r.Data!));
    expect(written[1].equals(Buffer.concat([bad, Buffer.from('\n')]))).toBe(true);
    expect(written[1].includes(Buffer.from('\uFFFD'))).toBe(false);
  });

  it('rejects a JSON body that is not UTF-8 as one invalid_utf8 record, its bytes kept (line breaks as spaces)', async () => {
    const { handler } = setup();
    const payload = Buffer.concat([Buffer.from('[{"event_id":"x\n'), Buffer.from([0xff]), Buffer.from('"}]')]);
    const res = await handler(apiEvent(payload.toString('base64'), JSON_HEADERS, { isBase64Encoded: true }));
    expect(res.statusCode).toBe(400);
    expect(body(res).results).toEqual([{ index: 0, status: 'rejected', reason: 'invalid_utf8', detail: 'event: not valid UTF-8' }]);
    const written = Buffer.from(putInputs()[0].Records![0].Data!);
    expect(written.equals(Buffer.concat([Buffer.from('[{"event_id":"x '), Buffer.from([0xff]), Buffer.from('"}]\n')]))).toBe(true);
  });
});
