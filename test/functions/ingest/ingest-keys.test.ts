import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { createIngestHandler, type IngestResponseBody, STORE_NOT_ALLOWED } from '../../../functions/ingest/ingest-handler';
import {
  apiKeyIdResolver,
  cachedKeysFile,
  hashSecret,
  type IngestKeysFile,
  type KeyResolver,
  parseKeysFile,
  secretHashResolver,
} from '../../../functions/ingest/ingest-keys';
import { LocalIngestMetrics } from '../../../local/ingest/local-metrics';
import { sampleEvent } from '../../../local/ingest/sample-events';
import { apiEvent } from '../../local/ingest/helpers';

const kinesisMock = mockClient(KinesisClient);

beforeEach(() => {
  kinesisMock.reset();
  kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: input.Records!.map((_, i) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i) })),
  }));
});

/** sampleEvent(0) is for S001, sampleEvent(1) for S002 */
const forStore = (store: string, i: number) => ({ ...sampleEvent(i), store_id: store, event_id: `ev-${store}-${i}` });

const keysFile = (...keys: { id: string; stores: string[]; secret?: string }[]): IngestKeysFile => ({
  version: 1,
  keys: keys.map((k) => ({ id: k.id, stores: k.stores, created: '2026-01-01T00:00:00.000Z', ...(k.secret ? { sha256: hashSecret(k.secret) } : {}) })),
});

function setup(keys: KeyResolver) {
  const metrics = new LocalIngestMetrics();
  const handler = createIngestHandler({
    kinesis: new KinesisClient({ region: 'us-east-1' }),
    config: { streamName: 'pos', maxBodyBytes: 5 * 1024 * 1024, maxEvents: 500, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    keys,
    logger: { info: () => undefined, warn: () => undefined },
    metrics,
  });
  const post = async (events: unknown[], key: string) => {
    const res = await handler(apiEvent(JSON.stringify(events), { 'content-type': 'application/json', 'x-api-key': key }));
    return { status: res.statusCode, body: JSON.parse(res.body) as IngestResponseBody & { error?: string; message?: string } };
  };
  return { post, metrics };
}

const written = (): string[] =>
  kinesisMock.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records!.map((r) => JSON.parse(Buffer.from(r.Data!).toString('utf8')).event_id as string));

describe('ingest keys bound to stores', () => {
  const file = keysFile({ id: 'key-s001', stores: ['S001'], secret: 'secret-1' }, { id: 'key-both', stores: ['S001', 'S002'], secret: 'secret-2' });
  const resolver = secretHashResolver(async () => file);

  it('answers 403 store_not_allowed_for_key, naming the store, when a key for S001 posts S002 only, and writes nothing', async () => {
    const { post, metrics } = setup(resolver);
    const res = await post([forStore('S002', 1), forStore('S002', 2)], 'secret-1');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: STORE_NOT_ALLOWED, accepted: 0, rejected: 2 });
    expect(res.body.message).toContain('S002');
    expect(res.body.results[0]).toEqual({ index: 0, event_id: 'ev-S002-1', status: 'rejected', reason: STORE_NOT_ALLOWED, detail: 'store_id S002: not among the stores of API key key-s001' });
    expect(written()).toEqual([]);
    expect(metrics.totals.EventsStoreNotAllowed).toBe(2);
  });

  it('answers a mixed request record by record (207): its own store accepted and written, the other refused and not written', async () => {
    const { post } = setup(resolver);
    const res = await post([forStore('S001', 1), forStore('S002', 2), { ...forStore('S001', 3), quantity: 'x' }], 'secret-1');
    expect(res.status).toBe(207);
    expect(res.body.results.map((r) => [r.status, r.reason])).toEqual([
      ['accepted', undefined],
      ['rejected', STORE_NOT_ALLOWED],
      ['rejected', 'schema_violation'],
    ]);
    // the contract-rejected record of its own store still reaches raw (and quarantine), the foreign one does not
    expect(written()).toEqual(['ev-S001-1', 'ev-S001-3']);
  });

  it('answers 400, not 403, when nothing is accepted but not every refusal is for the store', async () => {
    const { post } = setup(resolver);
    const res = await post([forStore('S002', 1), { ...forStore('S001', 3), quantity: 'x' }], 'secret-1');
    expect(res.status).toBe(400);
    expect(written()).toEqual(['ev-S001-3']);
  });

  it('accepts every store of a key bound to several, and refuses an unknown secret with 401', async () => {
    const { post } = setup(resolver);
    expect((await post([forStore('S001', 1), forStore('S002', 2)], 'secret-2')).status).toBe(200);
    expect((await post([forStore('S001', 1)], 'secret-3')).status).toBe(401);
  });

  it('rotates without downtime: two keys for the same stores both work, and revoking one leaves the other working', async () => {
    let current = keysFile({ id: 'old', stores: ['S001'], secret: 'old-secret' });
    let clock = 0;
    const { post } = setup(secretHashResolver(cachedKeysFile(async () => Buffer.from(JSON.stringify(current)), 'keys', 1000, () => clock)));
    expect((await post([forStore('S001', 1)], 'old-secret')).status).toBe(200);
    current = keysFile({ id: 'old', stores: ['S001'], secret: 'old-secret' }, { id: 'new', stores: ['S001'], secret: 'new-secret' });
    expect((await post([forStore('S001', 2)], 'new-secret')).status).toBe(401); // within the TTL: not read yet
    clock += 1000;
    expect((await post([forStore('S001', 3)], 'new-secret')).status).toBe(200);
    expect((await post([forStore('S001', 4)], 'old-secret')).status).toBe(200);
    current = keysFile({ id: 'new', stores: ['S001'], secret: 'new-secret' });
    clock += 1000;
    expect((await post([forStore('S001', 5)], 'old-secret')).status).toBe(401);
    expect((await post([forStore('S001', 6)], 'new-secret')).status).toBe(200);
  });

  it('reads the keys file once for requests that arrive together, and again after a failed read', async () => {
    let reads = 0;
    let fail = false;
    const load = async () => {
      reads++;
      if (fail) throw new Error('EIO');
      return Buffer.from(JSON.stringify(keysFile({ id: 'k', stores: ['S001'], secret: 's' })));
    };
    let clock = 0;
    const cached = cachedKeysFile(load, 'keys', 1000, () => clock);
    await Promise.all([cached(), cached(), cached()]);
    expect(reads).toBe(1);
    clock += 1000;
    fail = true;
    await expect(cached()).rejects.toThrow('EIO');
    fail = false;
    expect((await cached()).keys.map((k) => k.id)).toEqual(['k']);
    expect(reads).toBe(3);
  });

  it('in the cloud finds the key by the id API Gateway passes; a key missing from the file gets 403 key_not_bound', async () => {
    const cloud = apiKeyIdResolver(async () => keysFile({ id: 'gw-1', stores: ['S002'] }));
    const event = (apiKeyId: string | null) => apiEvent('[]', {}, { requestContext: { identity: { apiKeyId } } } as never);
    expect(await cloud(event('gw-1'))).toEqual({ keyId: 'gw-1', stores: new Set(['S002']) });
    expect(await cloud(event('gw-9'))).toMatchObject({ statusCode: 403, error: 'key_not_bound' });
    expect(await cloud(event(null))).toMatchObject({ statusCode: 401, error: 'invalid_api_key' });
  });

  it('refuses a keys file that is not of its format, naming it', () => {
    expect(() => parseKeysFile('{"version":1,"keys":[{"id":"k","stores":"S001","created":"x"}]}', 'keys.json')).toThrow(/keys\.json: keys\[0\] needs/);
    expect(() => parseKeysFile('nope', 'keys.json')).toThrow(/keys\.json: not valid JSON/);
    expect(() => parseKeysFile('{"keys":[]}', 'keys.json')).toThrow(/expected \{"version": 1/);
  });
});
