import { QUARANTINE_PREFIX, runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import { readJson, writeJson } from '../../../../functions/lib/pipeline/json-objects';
import type { CommitResult, PipelineState } from '../../../../functions/lib/pipeline/state';
import { quarantineGaps, quarantineWindowStart } from '../../../../functions/pipeline/reconcile/quarantine-check';
import { reconcile } from '../../../../functions/pipeline/reconcile/reconcile';
import { createLocalRuntime, type LocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

const DAY = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 30; // the dev stage's quarantine lifecycle

/** One pipeline run over a raw object of `valid` sales and `invalid` lines; returns the batch id. */
async function runBatch(rt: LocalRuntime, valid: number, invalid: number, arrival: Date): Promise<string> {
  const lines = [...Array.from({ length: valid }, () => JSON.stringify(sale())), ...Array.from({ length: invalid }, (_, i) => `not json ${arrival.toISOString()} ${i}`)];
  await putRaw(rt.store as never, lines, arrival, arrival.toISOString());
  const result = await runPipeline(rt);
  expect(result.error).toBeUndefined();
  expect(result.status).toBe("succeeded");
  return (result.output as unknown as PipelineState).plan.batchId;
}

/** What the lifecycle does to a batch `ageDays` after its commit: its quarantine objects are gone. */
async function expire(rt: LocalRuntime, batchId: string, ageDays: number, now: Date): Promise<void> {
  const key = runRecordKeys(runPrefix(batchId)).committed;
  const record = await readJson<CommitResult>(rt.store, key);
  await writeJson(rt.store, key, { ...record, committedAt: new Date(now.getTime() - ageDays * DAY).toISOString() });
  await deleteQuarantineOf(rt, batchId);
}

async function deleteQuarantineOf(rt: LocalRuntime, batchId: string): Promise<void> {
  const objects = (await rt.store.list(QUARANTINE_PREFIX)).filter((o) => o.key.includes(`part-${batchId}-`));
  expect(objects.length).toBeGreaterThan(0);
  await rt.store.delete(objects.map((o) => o.key));
}

describe('reconcile after the quarantine lifecycle deletes objects', () => {
  const now = new Date();
  let lake: ReturnType<typeof tempLake>;
  let rt: LocalRuntime;
  let oldBatch: string;
  let newBatch: string;

  beforeAll(async () => {
    lake = tempLake('quarantine-retention');
    await withReference(lake.store);
    rt = await createLocalRuntime(lake.root, { VALIDATE_WORKERS: '1' });
    oldBatch = await runBatch(rt, 2, 1, new Date('2024-03-10T01:00:00Z'));
    newBatch = await runBatch(rt, 1, 2, new Date('2024-03-10T02:00:00Z'));
  });

  afterAll(async () => {
    await rt.close();
    lake.cleanup();
  });

  const check = (retentionDays: number) => reconcile(rt.store, rt.curatedQuery, rt.warehouse, 'check', retentionDays, now);

  it('balances with every quarantine object present', async () => {
    expect((await check(RETENTION_DAYS)).gaps).toEqual([]);
    expect((await check(0)).gaps).toEqual([]);
  });

  it('still balances once a batch older than the retention has lost its quarantine objects', async () => {
    await expire(rt, oldBatch, RETENTION_DAYS + 1, now);
    const out = await check(RETENTION_DAYS);
    expect(out.gaps).toEqual([]);
    expect(out.balanced).toBe(true);
    expect(out.totals.quarantined).toBe(3); // the run records still count what was quarantined
    // without the lifecycle setting, the same lake is a gap: the old comparison of totals
    expect((await check(0)).gaps).toEqual([`quarantine holds 0 records of batch ${oldBatch}, its run record says 1`]);
  });

  it('reports a quarantine object deleted inside the window', async () => {
    await deleteQuarantineOf(rt, newBatch);
    const out = await check(RETENTION_DAYS);
    expect(out.balanced).toBe(false);
    expect(out.gaps).toEqual([`quarantine holds 0 records of batch ${newBatch}, its run record says 2`]);
  });

  it('reports warehouse rows that are missing, by business date (reconcile reads the run records, not the curated zone)', async () => {
    await rt.warehouse.execute(['DELETE FROM fact_sales']);
    const out = await check(RETENTION_DAYS);
    expect(out.gaps).toEqual(expect.arrayContaining([expect.stringMatching(/^warehouse fact_sales has 0 lines, the run records 6$/)]));
  });
});

describe('quarantineGaps', () => {
  const now = new Date('2024-06-30T12:00:00Z');
  const run = (batchId: string, quarantined: number, daysAgo: number): CommitResult =>
    ({ batchId, quarantined, committedAt: new Date(now.getTime() - daysAgo * DAY).toISOString() }) as CommitResult;

  it('checks the batches committed less than retention - 1 days ago exactly, older ones only for records they never had', () => {
    const start = quarantineWindowStart(30, now);
    expect(start?.toISOString()).toBe('2024-06-01T12:00:00.000Z');
    const runs = [run('in', 2, 28.9), run('edge', 2, 29.1), run('old', 2, 40)];
    expect(quarantineGaps(runs, new Map([['in', 2]]), start)).toEqual([]);
    expect(quarantineGaps(runs, new Map([['in', 1], ['edge', 0]]), start)).toEqual(['quarantine holds 1 records of batch in, its run record says 2']);
    expect(quarantineGaps(runs, new Map([['in', 2], ['old', 3], ['ghost', 1]]), start)).toEqual([
      'quarantine holds 3 records of batch old, its run record says 2',
      'quarantine holds 1 records of batch ghost, which has no run record',
    ]);
  });

  it('with objects kept forever, checks every batch', () => {
    expect(quarantineWindowStart(0, now)).toBeNull();
    expect(quarantineGaps([run('old', 2, 400)], new Map(), null)).toEqual(['quarantine holds 0 records of batch old, its run record says 2']);
  });
});
