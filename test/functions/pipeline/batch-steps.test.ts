import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { commitCheckpoint } from '../../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../../functions/pipeline/curate-batch/curate-batch';
import { rawObjectKey, runPrefix, runRecordKeys } from '../../../functions/lib/lake-layout';
import { writeJson } from '../../../functions/lib/pipeline/json-objects';
import { newBatchId, oldestWithin, planBatch } from '../../../functions/pipeline/plan-batch/plan-batch';
import { goesWhole, validateBatch, validateThreads } from '../../../functions/pipeline/validate-batch/validate-batch';
import { settingsFromEnv, VALIDATE_THREADS_FROM_BYTES } from '../../../functions/lib/pipeline/pipeline-settings';
import { CuratedQueryEngine } from '../../../local/engine/curated-engine';
import type { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { putRaw, sale, tempLake, withReference } from '../../helpers/lake-fixture';

/** The post-commit steps (load, stock risk, alerts, reconcile) done, as their last record says: without it the
 * next plan resumes the batch's post-commit. */
async function finishPostCommit(store: FsObjectStore, batchId: string): Promise<void> {
  await writeJson(store, runRecordKeys(runPrefix(batchId)).reconcile, { balanced: true });
}

async function runSteps(store: FsObjectStore) {
  const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
  if (plan.objectCount === 0) return null;
  const validation = await validateBatch(store, store, plan.batchId, 0.05);
  const curate = await curateBatch(store, store, plan.batchId);
  const commit = await commitCheckpoint(store, plan.batchId);
  await finishPostCommit(store, plan.batchId);
  return { plan, validation, curate, commit };
}

describe('plan, validate, curate, commit', () => {
  it('puts every record in exactly one place and is idempotent under replay', async () => {
    const { root, store } = tempLake();
    await withReference(store);
    const good = sale();
    const ret = sale({ event_type: 'return', lines: [{ sku: 'SKU-2', quantity: 1, unit_price: 6.5 }] });
    const snapshot = { event_id: 'inv-1', event_type: 'inventory_snapshot', schema_version: 1, store_id: 'S002', occurred_at: '2024-03-09T15:00:00Z', sku: 'SKU-3', on_hand_qty: 12 };
    const lines = [
      JSON.stringify(good),
      JSON.stringify(ret),
      JSON.stringify(snapshot),
      JSON.stringify(good), // re-delivered in the same batch
      '{"event_id": "broken", ',
      JSON.stringify(sale({ store_id: 'S999' })),
      JSON.stringify(sale({ lines: [{ sku: 'NOPE', quantity: 1, unit_price: 1 }] })),
      JSON.stringify(sale({ lines: [{ sku: 'SKU-1', quantity: 0, unit_price: 1 }] })),
    ];
    await putRaw(store, lines);
    const first = await runSteps(store);
    expect(first).not.toBeNull();
    expect(first!.validation.received).toBe(8);
    expect(first!.validation.byReason).toEqual({ malformed_json: 1, unknown_store: 1, unknown_sku: 1, schema_violation: 1 });
    expect(first!.curate.curatedEvents).toBe(3);
    expect(first!.curate.duplicates).toBe(1);
    expect(first!.curate.rows).toEqual({ sales_lines: 3, inventory_events: 1, purchase_orders: 0 });
    // 2*19.99-1 + 6.50 - 6.50 (return)
    expect(first!.curate.netRevenue).toBeCloseTo(38.98, 2);

    // business dates in the stores' own zones: 15:00Z on 9 March is 10:00 in New York, 02:00 on the 10th in Sydney
    expect(existsSync(join(root, 'curated/sales_lines/business_date=2024-03-09'))).toBe(true);
    expect(existsSync(join(root, 'curated/inventory_events/business_date=2024-03-10'))).toBe(true);

    // nothing new: no batch
    expect(await runSteps(store)).toBeNull();

    // replay the same file under a new key: every event is a duplicate, the rejected ones too (recognised by their
    // bytes), curated totals and quarantine unchanged
    await putRaw(store, lines, new Date('2024-03-10T02:00:00Z'), 'replay');
    const replay = await runSteps(store);
    expect(replay!.curate.curatedEvents).toBe(0);
    expect(replay!.curate.duplicates).toBe(4);
    expect(replay!.validation.quarantined).toBe(0);
    expect(replay!.validation.duplicates).toBe(4);

    const engine = await CuratedQueryEngine.open(root);
    const [t] = await engine.query(`SELECT (SELECT count(*) FROM sales_lines) AS lines, (SELECT sum(net_revenue) FROM sales_lines) AS revenue,
      (SELECT count(*) FROM inventory_events) AS inv, (SELECT count(*) FROM quarantine) AS q`);
    expect(t).toEqual({ lines: 3, revenue: 38.98, inv: 1, q: 4 });
    const [r] = await engine.query(`SELECT quantity, net_revenue, gross_margin FROM sales_lines WHERE event_type = 'return'`);
    expect(r).toEqual({ quantity: -1, net_revenue: -6.5, gross_margin: -4.5 });
    const [q] = await engine.query(`SELECT reason, detail, raw FROM quarantine WHERE reason = 'schema_violation' LIMIT 1`);
    expect(q.detail).toBe('lines[0].quantity: must be >= 1');
    expect(String(q.raw)).toContain('"quantity":0');
    engine.close();
    expect(existsSync(join(root, 'control/staging'))).toBe(false);
  });

  it('re-running curate for the same batch changes nothing', async () => {
    const { root, store } = tempLake();
    await withReference(store);
    await putRaw(store, [JSON.stringify(sale()), JSON.stringify(sale())]);
    const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
    await validateBatch(store, store, plan.batchId, 0.05);
    const a = await curateBatch(store, store, plan.batchId);
    const b = await curateBatch(store, store, plan.batchId);
    expect(b).toEqual(a);
    const engine = await CuratedQueryEngine.open(root);
    expect(await engine.query('SELECT count(*) AS n FROM sales_lines')).toEqual([{ n: 4 }]);
    engine.close();
  });
});

/** Settings that start Validate's threads whatever the batch's size (these batches are far below the default). */
const THREADS_AT_ANY_SIZE = { ...settingsFromEnv(), validateThreadsFromBytes: 0 };

describe("how many threads Validate starts", () => {
  it('its workers from VALIDATE_THREADS_FROM_BYTES of raw objects on, none below or for one worker', () => {
    expect(settingsFromEnv({}).validateThreadsFromBytes).toBe(VALIDATE_THREADS_FROM_BYTES);
    expect(settingsFromEnv({ VALIDATE_THREADS_FROM_BYTES: '0' }).validateThreadsFromBytes).toBe(0);
    expect(validateThreads(VALIDATE_THREADS_FROM_BYTES - 1, 2, VALIDATE_THREADS_FROM_BYTES)).toBe(0);
    expect(validateThreads(VALIDATE_THREADS_FROM_BYTES, 2, VALIDATE_THREADS_FROM_BYTES)).toBe(2);
    expect(validateThreads(1, 3, 0)).toBe(3);
    expect(validateThreads(10 * VALIDATE_THREADS_FROM_BYTES, 1, 0)).toBe(0);
  });
});

describe('validate on worker threads', () => {
  it('gives the same staged records, counts and quarantine as validating on one thread', async () => {
    const results = [];
    for (const workers of [1, 3]) {
      const { root, store } = tempLake();
      await withReference(store);
      for (let f = 0; f < 4; f++) {
        await putRaw(store, [JSON.stringify(sale()), `{oops ${f}`, JSON.stringify(sale({ store_id: 'S404' })), JSON.stringify(sale())], new Date(Date.UTC(2024, 2, 10, f)), `f${f}`);
      }
      const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
      const v = await validateBatch(store, store, plan.batchId, 0.05, workers, THREADS_AT_ANY_SIZE);
      const staged = (await store.list(`control/staging/${plan.batchId}/`)).map((o) => o.key.split('/').pop());
      const texts = await Promise.all((await store.list(`control/staging/${plan.batchId}/`)).map(async (o) => (await store.get(o.key)).toString('utf8')));
      const engine = await CuratedQueryEngine.open(root);
      const quarantine = await engine.query('SELECT reason, source_key FROM quarantine ORDER BY source_key, reason');
      engine.close();
      results.push({ counts: { received: v.received, valid: v.valid, byReason: v.byReason }, staged, lines: texts.map((t) => t.split('\n').filter(Boolean).length), quarantine: quarantine.map((q) => q.reason) });
    }
    expect(results[0].counts).toEqual({ received: 16, valid: 8, byReason: { malformed_json: 4, unknown_store: 4 } });
    expect(results[1]).toEqual(results[0]);
  });
});

describe('which raw objects go whole to a Validate thread', () => {
  it('small ones, but not the last one per thread, nor any without threads', () => {
    const small = 1024 * 1024;
    expect([0, 1, 2, 3].map((i) => goesWhole(i, 4, small, 2))).toEqual([true, true, false, false]);
    expect(goesWhole(0, 4, 64 * 1024 * 1024, 2)).toBe(false);
    expect(goesWhole(0, 4, small, 0)).toBe(false);
  });
});

describe('validate with a raw object that cannot be read', () => {
  it.each([1, 2])('quarantines it whole as one record and stages the other objects (%i thread(s))', async (workers) => {
    const { root, store, cleanup } = tempLake();
    try {
      await withReference(store);
      for (let f = 0; f < 3; f++) await putRaw(store, [JSON.stringify(sale())], new Date(Date.UTC(2024, 2, 10, f)), `f${f}`);
      // second of four: on two threads it goes to one whole, to be decompressed there (validate-batch.ts goesWhole)
      const broken = rawObjectKey(new Date(Date.UTC(2024, 2, 10, 0, 30)), 'pos-events', 'torn');
      await store.put(broken, gzipSync('{"a":1}\n'.repeat(1000)).subarray(0, 40));
      const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
      const v = await validateBatch(store, store, plan.batchId, 0.05, workers, THREADS_AT_ANY_SIZE);
      expect({ received: v.received, valid: v.valid, quarantined: v.quarantined, byReason: v.byReason }).toEqual({ received: 4, valid: 3, quarantined: 1, byReason: { unreadable_object: 1 } });
      const engine = await CuratedQueryEngine.open(root);
      const rows = await engine.query('SELECT reason, detail, source_key FROM quarantine');
      engine.close();
      expect(rows).toEqual([{ reason: 'unreadable_object', source_key: broken, detail: `object: cannot be read (gzip: unexpected end of file); 40 bytes, kept as received at ${broken}` }]);
    } finally {
      cleanup();
    }
  });
});

describe('valid events not in canonical form', () => {
  it('are curated as validated: a repeated key counts once, with its last value', async () => {
    const { root, store, cleanup } = tempLake();
    try {
      await withReference(store);
      const spaced = JSON.stringify(sale({ event_id: 'spaced' }), null, 1).replace(/\n/g, ' ');
      const repeated = JSON.stringify(sale({ event_id: 'repeated', store_id: 'S002' })).replace('"store_id":"S002"', '"store_id":"S404","store_id":"S002"');
      await putRaw(store, [spaced, repeated]);
      const steps = await runSteps(store);
      expect(steps?.validation).toMatchObject({ received: 2, valid: 2, quarantined: 0 });
      expect(steps?.curate.curatedEvents).toBe(2);
      const engine = await CuratedQueryEngine.open(root);
      expect(await engine.query('SELECT DISTINCT event_id, store_id FROM sales_lines ORDER BY event_id')).toEqual([
        { event_id: 'repeated', store_id: 'S002' },
        { event_id: 'spaced', store_id: 'S001' },
      ]);
      engine.close();
    } finally {
      cleanup();
    }
  });
});

describe('batch ids', () => {
  it('sort in time order, also within one second (the random part breaks no ties of time)', () => {
    const times = [0, 1, 2, 9, 10, 99, 100, 999].map((ms) => new Date(Date.UTC(2026, 11, 2, 14, 58, 45, ms)));
    const ids = [...times, new Date(Date.UTC(2026, 11, 2, 14, 58, 46))].map(newBatchId);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^20261202T145845000Z-[0-9a-f]{6}$/);
  });
});

describe('plan with more raw bytes than a batch takes', () => {
  it('takes the oldest objects within the byte cap, the oldest one even when it alone is larger', async () => {
    const { store, cleanup } = tempLake();
    try {
      await withReference(store);
      for (let h = 0; h < 3; h++) await putRaw(store, [JSON.stringify(sale())], new Date(Date.UTC(2024, 2, 10, h)), `h${h}`);
      const sizes = (await store.list('raw/')).map((o) => o.size);
      const twoFit = await planBatch(store, Number.MAX_SAFE_INTEGER, new Date(), 100, sizes[0] + sizes[1]);
      expect(twoFit.objectCount).toBe(2);
      expect(twoFit.bytes).toBe(sizes[0] + sizes[1]);
    } finally {
      cleanup();
    }
  });

  it('never plans an empty batch over a large object', () => {
    expect(oldestWithin([{ size: 10 }, { size: 1 }], 5)).toEqual([{ size: 10 }]);
    expect(oldestWithin([{ size: 2 }, { size: 3 }, { size: 1 }], 5)).toEqual([{ size: 2 }, { size: 3 }]);
    expect(oldestWithin([], 5)).toEqual([]);
  });
});

describe('plan with more raw objects than a batch takes', () => {
  it('takes the oldest up to the limit and leaves the rest for the next batch', async () => {
    const { store, cleanup } = tempLake();
    try {
      await withReference(store);
      for (let h = 3; h >= 0; h--) await putRaw(store, [JSON.stringify(sale())], new Date(Date.UTC(2024, 2, 10, h)), `h${h}`);
      const first = await planBatch(store, Number.MAX_SAFE_INTEGER, new Date(), 3);
      expect(first.objectCount).toBe(3);
      const manifest = JSON.parse((await store.get(first.manifestKey)).toString()) as { objects: { key: string }[] };
      expect(manifest.objects.map((o) => o.key.split('/').slice(2, 6).join('-'))).toEqual(['2024-03-10-00', '2024-03-10-01', '2024-03-10-02']);
      await validateBatch(store, store, first.batchId, 0.05);
      await curateBatch(store, store, first.batchId);
      await commitCheckpoint(store, first.batchId);
      // the post-commit steps not done yet: they come first, then the objects left over
      expect(await planBatch(store, Number.MAX_SAFE_INTEGER, new Date(), 3)).toMatchObject({ batchId: first.batchId, resumePostCommit: true, objectCount: 3 });
      expect(await commitCheckpoint(store, first.batchId)).toEqual(await commitCheckpoint(store, first.batchId)); // a committed batch: its record, unchanged
      await finishPostCommit(store, first.batchId);
      const second = await planBatch(store, Number.MAX_SAFE_INTEGER, new Date(), 3);
      expect(second.objectCount).toBe(1);
      expect(second.resumePostCommit).toBeUndefined();
    } finally {
      cleanup();
    }
  });
});
