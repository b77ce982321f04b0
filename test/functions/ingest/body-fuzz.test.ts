import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { createIngestHandler, type IngestResponseBody } from '../../../functions/ingest/ingest-handler';
import { LocalIngestMetrics } from '../../../local/ingest/local-metrics';
import { sampleEvent } from '../../../local/ingest/sample-events';
import { apiEvent } from '../../local/ingest/helpers';

/** Fuzzes the API body parser through the handler for about 2 s: every request gets a 4xx, or a 2xx whose records
 * are each accepted or rejected with a reason; never a 5xx or a throw. The seed is fixed, so a failure repeats. */

const kinesisMock = mockClient(KinesisClient);
kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
  FailedRecordCount: 0,
  Records: input.Records!.map((_, i) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i) })),
}));

const handler = createIngestHandler({
  kinesis: new KinesisClient({ region: 'us-east-1' }),
  keys: async () => ({ keyId: 'any-store', stores: 'any' }),
  config: { streamName: 'pos', maxBodyBytes: 5 * 1024 * 1024, maxEvents: 500, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
  logger: { info: () => undefined, warn: () => undefined },
  metrics: new LocalIngestMetrics(),
  sleep: async () => undefined,
});

/** mulberry32: a small seeded generator */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(20240309);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const event = (): string => JSON.stringify(sampleEvent(int(1000)));

const INVALID_UTF8 = [[0x80], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xe2, 0x82]] as const;

const generators: Record<string, () => Buffer> = {
  randomBytes: () => Buffer.from(Array.from({ length: int(4096) }, () => int(256))),
  deepNesting: () => {
    const depth = pick([65, 1000, 100_000, 300_000]);
    const open = pick(['[', '{"a":', '[{"a":']);
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
    return Buffer.from(open.repeat(depth) + '1' + close.repeat(int(2) === 0 ? depth : int(depth)));
  },
  hugeTokens: () => {
    const big = pick([`"${'x'.repeat(2_000_000)}"`, '9'.repeat(1_000_000), `1e${'9'.repeat(1000)}`, `{"${'k'.repeat(1_000_000)}":1}`, '-'.repeat(500_000)]);
    return Buffer.from(pick([big, `[${event()},${big}]`, `${event()}\n${big}\n`]));
  },
  invalidUtf8: () => {
    const text = Buffer.from(pick([`[${event()},${event()}]`, `${event()}\n${event()}\n`]));
    const at = int(text.length);
    return Buffer.concat([text.subarray(0, at), Buffer.from(pick(INVALID_UTF8)), text.subarray(at)]);
  },
  mutatedEvents: () => {
    const text = Buffer.from(pick([`[${event()},${event()}]`, `${event()}\n${event()}\n`]));
    for (let i = int(8); i >= 0; i--) text[int(text.length)] = int(256);
    return text;
  },
};

describe('API body parser fuzz', () => {
  it('answers a 4xx or per-record verdicts, never a 5xx, for random, deep, huge and invalid UTF-8 bodies', async () => {
    const deadline = Date.now() + 2000;
    const seen: Record<string, number> = {};
    for (let i = 0; Date.now() < deadline || i < Object.keys(generators).length; i++) {
      const name = Object.keys(generators)[i % Object.keys(generators).length];
      const payload = generators[name]();
      const contentType = pick(['application/json', 'application/x-ndjson']);
      const res = await handler(apiEvent(payload.toString('base64'), { 'content-type': contentType }, { isBase64Encoded: true }));
      // the generator and the body's start name a failing case
      const request = { name, contentType, head: payload.subarray(0, 40).toString('latin1') };
      expect({ ...request, serverError: res.statusCode >= 500 }).toEqual({ ...request, serverError: false });
      const answer = JSON.parse(res.body) as Partial<IngestResponseBody> & { error?: string };
      if (res.statusCode >= 400 && answer.results === undefined) expect(answer.error).toEqual(expect.any(String));
      else for (const r of answer.results ?? []) expect(r.status === 'accepted' || typeof r.reason === 'string').toBe(true);
      seen[name] = (seen[name] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(Object.keys(generators).sort());
  });
});
