import { gzipSync } from 'node:zlib';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import { createLocalRuntime, type LocalRuntime } from '../../local/local-runtime';
import { runPipeline, type PipelineRunResult } from '../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../helpers/lake-fixture';

type Commit = { received: number; curatedEvents: number; quarantined: number; duplicates: number; byReason: Record<string, number> };

const at = (hour: number, minute = 0): Date => new Date(Date.UTC(2024, 2, 10, hour, minute));
const line = (e: Record<string, unknown>): string => JSON.stringify(e);

/**
 * The poison inputs that used to fail their batch on every run while good data queued behind them. Each lands in
 * quarantine with its reason in the same run that curates the good objects beside it, and the batch reconciles.
 */
describe('poison input beside good input, through the local pipeline', () => {
  let rt: LocalRuntime;
  let run: PipelineRunResult;
  let cleanup: () => void;
  const torn = rawObjectKey(at(1, 10), 'pos-events', 'torn');
  const notGzip = rawObjectKey(at(1, 20), 'pos-events', 'not-gzip');
  const huge = rawObjectKey(at(1, 30), 'pos-events', 'huge');

  beforeAll(async () => {
    const lake = tempLake('poison');
    cleanup = lake.cleanup;
    const { root, store } = lake;
    rt = await createLocalRuntime(root);
    await withReference(store);
    await putRaw(store, [line(sale({ event_id: 'good-1' })), line(sale({ event_id: 'good-2', store_id: 'S002' }))], at(1), 'good-a');
    // a truncated .gz, and bytes that claim to be gzip but are not
    await store.put(torn, gzipSync(`${line(sale({ event_id: 'lost-in-tear' }))}\n`.repeat(200)).subarray(0, 60));
    await store.put(notGzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('definitely not deflate data')]));
    // a 50 MB single line, beside a good record in the same object
    await store.put(huge, gzipSync(`{"event_id":"${'x'.repeat(50 * 1024 * 1024)}"}\n${line(sale({ event_id: 'good-after-huge' }))}\n`));
    await putRaw(store, [
      line(sale({ event_id: 'year-0000', occurred_at: '0000-01-01T00:00:00Z' })),
      line(sale({ event_id: 'year-10000', occurred_at: '9999-12-31T23:59:59-23:59' })),
      line(sale({ event_id: 'overflow', lines: [{ sku: 'SKU-1', quantity: 10_000, unit_price: 1e12 }] })),
      line(sale({ event_id: 'discount', lines: [{ sku: 'SKU-2', quantity: 1, unit_price: 1.99, discount: 1e9 }] })),
      line(sale({ event_id: 'good-3', store_id: 'S003' })),
    ], at(2), 'probes');
    run = await runPipeline(rt);
  }, 180_000);

  afterAll(async () => {
    await rt.close();
    cleanup();
  });

  it('succeeds, curates the good records and reconciles', async () => {
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    const out = run.output as { commit: Commit; reconcile: { balanced: boolean } };
    expect(out.commit).toMatchObject({
      received: 11,
      curatedEvents: 4,
      quarantined: 7,
      duplicates: 0,
      byReason: { unreadable_object: 2, too_large: 1, schema_violation: 4 },
    });
    expect(out.commit.received).toBe(out.commit.curatedEvents + out.commit.quarantined + out.commit.duplicates);
    expect(out.reconcile.balanced).toBe(true);
    const curated = await rt.curatedQuery.query('SELECT DISTINCT event_id FROM sales_lines ORDER BY event_id');
    expect(curated.map((r) => r.event_id)).toEqual(['good-1', 'good-2', 'good-3', 'good-after-huge']);
  });

  it('quarantines each probe with its reason and a detail naming the field', async () => {
    const rows = await rt.curatedQuery.query(`SELECT reason, detail, source_key, length(raw) AS raw_chars FROM quarantine ORDER BY source_key, detail`);
    const byDetail = (pattern: RegExp): Record<string, unknown> | undefined => rows.find((r) => pattern.test(String(r.detail)));
    expect(byDetail(/^object: cannot be read \(gzip: unexpected end of file\)/)).toMatchObject({ reason: 'unreadable_object', source_key: torn, raw_chars: 0 });
    expect(rows.filter((r) => r.reason === 'unreadable_object').map((r) => r.source_key).sort()).toEqual([torn, notGzip].sort());
    expect(byDetail(/^event: 52428815 bytes, more than the 1048576 a record may have/)).toMatchObject({ reason: 'too_large', source_key: huge, raw_chars: 1024 });
    expect(byDetail(/^occurred_at: 0000-01-01T00:00:00Z is on a business date \(America\/New_York\) outside the curated dates 2020-01-01 to /)).toMatchObject({ reason: 'schema_violation' });
    expect(byDetail(/^occurred_at: 9999-12-31T23:59:59-23:59 is on a business date \(America\/New_York\) outside/)).toMatchObject({ reason: 'schema_violation' });
    expect(byDetail(/^lines\[0\]: quantity \* unit_price - discount must be between/)).toMatchObject({ reason: 'schema_violation' });
    expect(byDetail(/^lines\[0\]\.discount: must be at most quantity \* unit_price \(1\.99\), is 1000000000$/)).toMatchObject({ reason: 'schema_violation' });
  });

  it('leaves revenue untouched by the oversized discount', async () => {
    const [t] = await rt.curatedQuery.query('SELECT min(net_revenue) AS lowest FROM sales_lines');
    expect(Number(t.lowest)).toBeGreaterThanOrEqual(0);
  });
});

describe('a batch whose only object is unreadable', () => {
  it('quarantines it as unreadable_object, commits the batch and reconciles (nothing staged is not a failure)', async () => {
    const lake = tempLake('poison-alone');
    const rt = await createLocalRuntime(lake.root);
    try {
      await withReference(lake.store);
      await lake.store.put(rawObjectKey(at(3), 'pos-events', 'torn-alone'), gzipSync(`${line(sale())}\n`.repeat(50)).subarray(0, 40));
      const run = await runPipeline(rt);
      expect(run.error).toBeUndefined();
      const out = run.output as { commit: Commit; reconcile: { balanced: boolean } };
      expect(out.commit).toMatchObject({ received: 1, curatedEvents: 0, quarantined: 1, byReason: { unreadable_object: 1 } });
      expect(out.reconcile.balanced).toBe(true);
    } finally {
      await rt.close();
      lake.cleanup();
    }
  }, 60_000);
});
