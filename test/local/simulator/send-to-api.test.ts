import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { splitBody } from '../../../functions/ingest/split-body';
import { addKey } from '../../../local/ingest/keys-file';
import { startIngestServer } from '../../../local/ingest/server';
import { SendError, sendToApi, type SimulatorOptions } from '../../../local/simulator';
import { tempLake } from '../../helpers/lake-fixture';

/**
 * A stand-in for the ingest API on 127.0.0.1: the real body splitter and contract verdicts, the documented
 * response shape (200 / 207 / 400 with per-record results), and scripted failures to exercise retries.
 */
interface FakeApi {
  url: string;
  server: Server;
  received: { contentType: string; records: number }[];
  eventIds: string[];
  /** status codes to answer the next requests with before behaving */
  failures: number[];
}

async function startApi(apiKey: string): Promise<FakeApi> {
  const api: FakeApi = { url: '', server: createServer(), received: [], eventIds: [], failures: [] };
  api.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-api-key'] !== apiKey) return reply(401, { error: 'invalid_api_key' });
      const failure = api.failures.shift();
      if (failure === 429) return reply(429, { error: 'throttled' }, { 'retry-after': '0' });
      if (failure !== undefined) return reply(failure, { error: 'not_stored' });
      const contentType = String(req.headers['content-type']);
      const split = splitBody(Buffer.concat(chunks), contentType === 'application/json' ? 'json' : 'ndjson', 500);
      if (!split.ok) return reply(split.statusCode, { error: split.error });
      api.received.push({ contentType, records: split.records.length });
      const results = split.records.map((r) => {
        if (r.eventId && r.verdict.ok) api.eventIds.push(r.eventId);
        return r.verdict.ok
          ? { index: r.index, event_id: r.eventId, status: 'accepted' }
          : { index: r.index, event_id: r.eventId, status: 'rejected', reason: r.verdict.rejection.reason, detail: r.verdict.rejection.detail };
      });
      const accepted = results.filter((r) => r.status === 'accepted').length;
      reply(accepted === results.length ? 200 : accepted === 0 ? 400 : 207, { accepted, rejected: results.length - accepted, results });
    });
  });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/v1/events`;
  return api;
}

const opts: SimulatorOptions = { stores: 3, skus: 40, days: 1, seed: 11, faultRate: 0.05 };
let api: FakeApi;

beforeEach(async () => {
  api = await startApi('test-key');
});
afterEach(async () => {
  await new Promise<void>((resolve) => api.server.close(() => resolve()));
});

describe('sendToApi', () => {
  it('posts NDJSON batches and counts per record what the API accepted and rejected, by reason', async () => {
    const progress: number[] = [];
    const stats = await sendToApi(opts, { url: api.url, apiKey: 'test-key', batchSize: 200, concurrency: 3, onProgress: (p) => progress.push(p.sent) });
    const sim = stats.simulation;
    expect(stats.sent).toBe(sim.events);
    // The API checks shape only: reference faults and duplicates are accepted here, rejected/deduplicated later.
    expect(stats.rejectedByReason).toEqual({ malformed_json: sim.byKind.malformed_json, schema_violation: sim.byKind.schema_violation });
    expect(stats.accepted).toBe(sim.byKind.valid + sim.byKind.unknown_store + sim.byKind.unknown_sku + sim.byKind.duplicate);
    expect(api.received.every((r) => r.contentType === 'application/x-ndjson' && r.records <= 200)).toBe(true);
    expect(stats.requests).toBe(Math.ceil(sim.events / 200));
    expect(stats.retries).toBe(0);
    expect(progress[progress.length - 1]).toBe(sim.events);
    expect(new Set(api.eventIds).size).toBe(sim.byKind.valid + sim.byKind.unknown_store + sim.byKind.unknown_sku);
  });

  it('sends JSON arrays, keeping lines that are not JSON for NDJSON requests of their own', async () => {
    const stats = await sendToApi(opts, { url: api.url, apiKey: 'test-key', format: 'json', batchSize: 500 });
    expect(stats.sent).toBe(stats.simulation.events);
    expect(stats.rejectedByReason.malformed_json).toBe(stats.simulation.byKind.malformed_json);
    expect(stats.rejectedByReason.schema_violation).toBe(stats.simulation.byKind.schema_violation);
    const ndjson = api.received.filter((r) => r.contentType === 'application/x-ndjson');
    expect(ndjson.reduce((a, r) => a + r.records, 0)).toBe(stats.simulation.byKind.malformed_json);
    expect(api.received.some((r) => r.contentType === 'application/json' && r.records === 500)).toBe(true);
  });

  it('retries 5xx and 429 answers with backoff and still delivers every event once', async () => {
    api.failures.push(503, 429, 500);
    const stats = await sendToApi(opts, { url: api.url, apiKey: 'test-key', concurrency: 1, backoffMs: 1 });
    expect(stats.retries).toBe(3);
    expect(stats.sent).toBe(stats.simulation.events);
    expect(api.received.reduce((a, r) => a + r.records, 0)).toBe(stats.simulation.events);
  });

  it('gives up after maxRetries, and at once on a wrong API key', async () => {
    api.failures.push(503, 503, 503);
    await expect(sendToApi(opts, { url: api.url, apiKey: 'test-key', concurrency: 1, maxRetries: 2, backoffMs: 1 })).rejects.toThrow(/still failing after 2 retries: HTTP 503/);
    const wrongKey = sendToApi(opts, { url: api.url, apiKey: 'wrong', maxRetries: 5, backoffMs: 1 });
    await expect(wrongKey).rejects.toBeInstanceOf(SendError);
    await expect(wrongKey).rejects.toMatchObject({ status: 401 });
  });

  it('retries when nothing listens, then reports the network error', async () => {
    const closed = await startApi('k');
    const url = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    await expect(sendToApi({ ...opts, days: 1 }, { url, apiKey: 'k', maxRetries: 1, backoffMs: 1 })).rejects.toThrow(/still failing after 1 retries/);
  });

  it('refuses batches larger than the API limit', async () => {
    await expect(sendToApi(opts, { url: api.url, apiKey: 'test-key', batchSize: 501 })).rejects.toThrow(/batchSize/);
  });
});

describe('sendToApi against a key bound to other stores', () => {
  it('counts the per-record results of a 403 (every record for a store the key does not cover) instead of failing', async () => {
    const lake = tempLake('send-403');
    const keysFile = join(lake.root, 'keys.json');
    const { secret } = await addKey(keysFile, ['S999']);
    const server = await startIngestServer({ lakeRoot: lake.root, keysFile, logLevel: 'ERROR' });
    try {
      const stats = await sendToApi({ ...opts, faultRate: 0 }, { url: server.eventsUrl, apiKey: secret, maxRetries: 0 });
      expect(stats.accepted).toBe(0);
      expect(stats.rejectedByReason).toEqual({ store_not_allowed_for_key: stats.sent });
    } finally {
      await server.close();
      lake.cleanup();
    }
  }, 30_000);
});
