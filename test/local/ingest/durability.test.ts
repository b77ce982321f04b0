import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sampleEvents } from '../../../local/ingest/sample-events';
import { LocalIngestBuffer } from '../../../local/ingest/ingest-buffer';
import { rawEventIds, readRaw, tempLake } from './helpers';

const repoRoot = join(__dirname, '..', '..', '..');

interface Child {
  process: ChildProcess;
  eventsUrl: string;
  apiKey: string;
}

/** `serve` in a child process, so that it can be killed with SIGKILL. */
async function startServeChild(lakeRoot: string, bufferSeconds: number): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'serve-child.ts'), lakeRoot, String(bufferSeconds)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve child exited (${code}): ${stderr}`)));
  });
  const { eventsUrl, apiKey } = JSON.parse(first) as { eventsUrl: string; apiKey: string };
  return { process: child, eventsUrl, apiKey };
}

async function kill9(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

async function postBatch(child: Child, events: { event_id: string }[]): Promise<number> {
  const res = await fetch(child.eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': child.apiKey },
    body: JSON.stringify(events),
  });
  await res.text();
  return res.status;
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('durability of acknowledged events (serve killed with SIGKILL)', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => (lake = tempLake('durability')));
  afterEach(() => lake.cleanup());

  it('every event acknowledged before kill -9 is delivered afterwards, exactly once', async () => {
    const child = await startServeChild(lake.root, 3600);
    const acknowledged: string[] = [];
    const sent: string[] = [];
    try {
      for (let b = 0; b < 4; b++) {
        const batch = sampleEvents(500, b * 500, 'dur');
        sent.push(...batch.map((e) => e.event_id));
        expect(await postBatch(child, batch)).toBe(200);
        acknowledged.push(...batch.map((e) => e.event_id));
      }
      // more requests in flight when the process dies: each is either acknowledged (and must survive) or not
      const inFlight = Array.from({ length: 4 }, (_, k) => sampleEvents(500, 10_000 + k * 500, 'dur'));
      sent.push(...inFlight.flat().map((e) => e.event_id));
      const answers = inFlight.map((batch) => postBatch(child, batch).catch(() => 0));
      await answers[0];
      await kill9(child);
      (await Promise.all(answers)).forEach((status, k) => {
        if (status === 200) acknowledged.push(...inFlight[k].map((e) => e.event_id));
      });
    } finally {
      await kill9(child);
    }
    expect(readRaw(lake.root)).toEqual([]); // nothing was delivered before the kill (60 min buffer)

    const pending = await new LocalIngestBuffer(lake.root).deliverPending();
    const delivered = rawEventIds(lake.root);
    expect(pending.records).toBe(delivered.length);
    expect(new Set(delivered).size).toBe(delivered.length);
    const deliveredSet = new Set(delivered);
    expect(acknowledged.filter((id) => !deliveredSet.has(id))).toEqual([]);
    const sentSet = new Set(sent);
    expect(delivered.filter((id) => !sentSet.has(id))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2500);
  });

  it('the next serve delivers what a killed serve had buffered', async () => {
    const first = await startServeChild(lake.root, 3600);
    const events = sampleEvents(1000, 0, 'next');
    try {
      expect(await postBatch(first, events.slice(0, 500))).toBe(200);
      expect(await postBatch(first, events.slice(500))).toBe(200);
    } finally {
      await kill9(first);
    }
    expect(readRaw(lake.root)).toEqual([]);

    const second = await startServeChild(lake.root, 0.2);
    try {
      await waitFor(() => rawEventIds(lake.root).length >= 1000, 10_000);
    } finally {
      await kill9(second);
    }
    const delivered = rawEventIds(lake.root);
    expect(delivered.sort()).toEqual(events.map((e) => e.event_id).sort());
  });
});
