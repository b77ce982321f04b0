import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addKey, revokeKey } from '../../../local/ingest/keys-file';
import { sampleEvent, sampleEvents } from '../../../local/ingest/sample-events';
import { LocalIngestBuffer } from '../../../local/ingest/ingest-buffer';
import { type IngestServer, startIngestServer } from '../../../local/ingest/server';
import { rawEventIds, readRaw, readRawBytes, tempLake } from './helpers';

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: number; results?: { status: string; reason?: string }[]; error?: string; message?: string };
  headers: Headers;
}

async function post(server: IngestServer, body: string | Uint8Array, contentType = 'application/json', path = '/v1/events', method = 'POST', key = server.apiKey ?? ''): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': contentType, 'x-api-key': key }, body: method === 'GET' ? undefined : body });
  return { status: res.status, body: (await res.json()) as Answer['body'], headers: res.headers };
}

describe('local ingest server (HTTP + handler + kinesalite + firehose)', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => (lake = tempLake('server')));
  afterEach(() => lake.cleanup());

  it('acknowledges events over HTTP and delivers each exactly once to raw/pos/YYYY/MM/DD/HH/ as gzip NDJSON', async () => {
    const server = await startIngestServer({ lakeRoot: lake.root, apiKey: 'k-123' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.eventsUrl).toBe(`${server.url}/v1/events`);
      const before = new Date();

      // concurrent clients, JSON arrays of 500
      const batches = Array.from({ length: 6 }, (_, b) => sampleEvents(500, b * 500, 'http'));
      const answers = await Promise.all(batches.map((batch) => post(server, JSON.stringify(batch))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(answers[0].body.accepted).toBe(500);

      // NDJSON with one broken line: 207, and the broken line still reaches raw for quarantine
      const nd = sampleEvents(3, 5000, 'nd').map((e) => JSON.stringify(e));
      const mixed = await post(server, `${nd[0]}\n{"event_id":"broken"\n${nd[1]}\n${nd[2]}\n`, 'application/x-ndjson');
      expect(mixed.status).toBe(207);
      expect(mixed.body.results!.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'malformed_json', 'accepted', 'accepted']);

      const deliveries = await server.drain();
      expect(deliveries.reduce((n, d) => n + d.records, 0)).toBe(3004);
      const objects = readRaw(lake.root);
      for (const o of objects) {
        const hour = o.key.match(/^raw\/pos\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//);
        expect(hour).not.toBeNull();
        const at = Date.UTC(Number(hour![1]), Number(hour![2]) - 1, Number(hour![3]), Number(hour![4]));
        expect(at).toBeGreaterThanOrEqual(Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), before.getUTCDate(), before.getUTCHours()));
        expect(at).toBeLessThanOrEqual(Date.now());
      }
      const lines = objects.flatMap((o) => o.lines);
      expect(lines).toContain('{"event_id":"broken"');
      const ids = lines.filter((l) => l !== '{"event_id":"broken"').map((l) => (JSON.parse(l) as { event_id: string }).event_id);
      const expected = [...batches.flat().map((e) => e.event_id), 'nd-5000', 'nd-5001', 'nd-5002'];
      expect(ids.sort()).toEqual(expected.sort());
      expect(server.stats().metrics).toMatchObject({ EventsAccepted: 3003, EventsRejected: 1, EventsNotStored: 0 });
    } finally {
      await server.close();
    }
    // close delivered and emptied the stream's storage
    expect(existsSync(join(lake.root, 'control', 'stream'))).toBe(false);
    expect(readRaw(lake.root).flatMap((o) => o.lines).filter((l) => l.includes('"http-'))).toHaveLength(3000);
  });

  it('answers 400 for 100k nested arrays or deep objects, and rejects lines that are not UTF-8 per record, stored as sent', async () => {
    const server = await startIngestServer({ lakeRoot: lake.root, apiKey: 'k-123' });
    try {
      for (const [payload, type] of [
        ['['.repeat(100_000) + ']'.repeat(100_000), 'application/json'],
        ['{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'application/json'],
        ['{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'application/x-ndjson'],
      ]) {
        const answer = await post(server, payload, type);
        expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: 'too_deeply_nested' });
      }
      const good = JSON.stringify(sampleEvents(1, 7000, 'utf')[0]);
      const bad = Buffer.concat([Buffer.from('{"event_id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]); // an encoded surrogate
      const mixed = await post(server, Buffer.concat([Buffer.from(`${good}\n`), bad, Buffer.from('\n')]), 'application/x-ndjson');
      expect(mixed.status).toBe(207);
      expect(mixed.body.results!.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'invalid_utf8']);
      await server.drain();
      const raw = readRawBytes(lake.root);
      expect(raw.includes(Buffer.concat([bad, Buffer.from('\n')]))).toBe(true);
      expect(raw.includes(Buffer.from('\uFFFD'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('answers 401 without the key, 404 on other paths, 405 on other methods; makes a key when none is given', async () => {
    const saved = process.env.RETAIL_LAKE_API_KEY;
    delete process.env.RETAIL_LAKE_API_KEY;
    const server = await startIngestServer({ lakeRoot: lake.root });
    try {
      expect(server.apiKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const payload = JSON.stringify(sampleEvents(1));
      const noKey = await post(server, payload, 'application/json', '/v1/events', 'POST', '');
      expect(noKey.status).toBe(401);
      expect(noKey.body.message).toContain('x-api-key');
      expect((await post(server, payload, 'application/json', '/v1/other')).status).toBe(404);
      const get = await post(server, payload, 'application/json', '/v1/events', 'GET');
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect((await post(server, payload, 'text/csv')).status).toBe(415);
    } finally {
      await server.close();
      if (saved !== undefined) process.env.RETAIL_LAKE_API_KEY = saved;
    }
    expect(readRaw(lake.root)).toEqual([]);
  });

  it('with a keys file accepts only its keys, each for its stores, and sees a key added or revoked while it runs', async () => {
    const keysFile = join(lake.root, 'keys.json');
    const first = await addKey(keysFile, ['S001']);
    const server = await startIngestServer({ lakeRoot: lake.root, keysFile, keysTtlMs: 0 });
    try {
      expect(server.apiKey).toBeUndefined();
      const s001 = JSON.stringify([{ ...sampleEvent(0), store_id: 'S001' }]);
      const s002 = JSON.stringify([{ ...sampleEvent(1), store_id: 'S002' }]);
      expect((await post(server, s001, 'application/json', '/v1/events', 'POST', first.secret)).status).toBe(200);
      const foreign = await post(server, s002, 'application/json', '/v1/events', 'POST', first.secret);
      expect(foreign.status).toBe(403);
      expect(foreign.body.error).toBe('store_not_allowed_for_key');
      const second = await addKey(keysFile, ['S001', 'S002']);
      expect((await post(server, s002, 'application/json', '/v1/events', 'POST', second.secret)).status).toBe(200);
      await revokeKey(keysFile, first.key.id);
      expect((await post(server, s001, 'application/json', '/v1/events', 'POST', first.secret)).status).toBe(401);
      expect((await post(server, s001, 'application/json', '/v1/events', 'POST', second.secret)).status).toBe(200);
    } finally {
      await server.close();
    }
    expect(rawEventIds(lake.root).sort()).toEqual([sampleEvent(0).event_id, sampleEvent(0).event_id, sampleEvent(1).event_id].sort());
  });

  it('the ingest buffer delivers nothing for a lake without a stream, and refuses politely while a server holds it', async () => {
    const buffer = new LocalIngestBuffer(lake.root);
    expect(await buffer.deliverPending()).toEqual({ records: 0, deliveries: [] });
    const server = await startIngestServer({ lakeRoot: lake.root, apiKey: 'k' });
    try {
      expect(await buffer.deliverPending()).toEqual({ records: 0, deliveries: [], skipped: 'stream-in-use' });
    } finally {
      await server.close();
    }
  });
});
