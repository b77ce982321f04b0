import { RUN_LEASE_KEY } from '../../../../functions/lib/lake-layout';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { releaseRunLease, takeRunLease, type RunLease } from '../../../../functions/lib/pipeline/run-lease';
import type { Runtime } from '../../../../functions/lib/ports';
import { planExclusiveBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { MemoryMetrics, MemoryNotifier, Unreachable } from '../../../helpers/memory-adapters';
import { putRaw, reconcilePorts, sale, tempLake } from '../../../helpers/lake-fixture';

const HOUR = 3600;
const settings = { glueThresholdBytes: Number.MAX_SAFE_INTEGER, maxBatchBytes: 0, runLeaseSeconds: 2.25 * HOUR };

async function leaseOf(lake: ReturnType<typeof tempLake>): Promise<RunLease | null> {
  const body = await lake.store.getIfExists(RUN_LEASE_KEY);
  return body === null ? null : (JSON.parse(body.toString('utf8')) as RunLease);
}

/** An execution with the run lease, as in the cloud. */
function runtimeFor(lake: ReturnType<typeof tempLake>, notifier = new MemoryNotifier()): Runtime {
  const none = new Unreachable();
  const leased = settingsFromEnv({ RUN_LEASE_SECONDS: String(settings.runLeaseSeconds) });
  return { mode: 'aws', store: lake.store, files: lake.store, notifier, warehouse: none, curatedQuery: none, dashboards: none, metrics: new MemoryMetrics(), settings: leased };
}

describe('the run lease', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeEach(() => {
    lake = tempLake('lease');
  });
  afterEach(() => lake.cleanup());

  it('of two PlanBatch calls at once on the same lake, one plans the batch and the other stands down', async () => {
    await putRaw(lake.store, [JSON.stringify(sale())]);
    const [a, b] = await Promise.all([
      planExclusiveBatch(lake.store, settings, 'exec-a'),
      planExclusiveBatch(lake.store, settings, 'exec-b'),
    ]);
    const [winner, loser] = a.alreadyRunning === undefined ? [a, b] : [b, a];
    const holder = a.alreadyRunning === undefined ? 'exec-a' : 'exec-b';
    expect(winner).toMatchObject({ objectCount: 1, resumed: false });
    expect(winner.alreadyRunning).toBeUndefined();
    expect(loser).toMatchObject({ objectCount: 0, alreadyRunning: holder });
    expect((await lake.store.list('control/runs/')).filter((o) => o.key.endsWith('manifest.json'))).toHaveLength(1);
    expect((await leaseOf(lake))?.holder).toBe(holder);
  });

  it('lets its holder plan again (a retried PlanBatch resumes the same batch) and passes on once released', async () => {
    await putRaw(lake.store, [JSON.stringify(sale())]);
    const first = await planExclusiveBatch(lake.store, settings, 'exec-a');
    const retried = await planExclusiveBatch(lake.store, settings, 'exec-a');
    expect(retried).toMatchObject({ batchId: first.batchId, resumed: true });
    expect(await releaseRunLease(lake.store, 'exec-b')).toBe(false); // not the holder: nothing happens
    expect((await leaseOf(lake))?.holder).toBe('exec-a');
    expect(await releaseRunLease(lake.store, 'exec-a')).toBe(true);
    expect(await leaseOf(lake)).toBeNull();
    expect(await planExclusiveBatch(lake.store, settings, 'exec-b')).toMatchObject({ batchId: first.batchId, resumed: true });
  });

  it('is kept with nothing to do: the execution still reconciles, and its final state gives it back', async () => {
    expect(await planExclusiveBatch(lake.store, settings, 'exec-a')).toMatchObject({ objectCount: 0 });
    expect((await leaseOf(lake))?.holder).toBe('exec-a');
    await releaseRunLease(lake.store, 'exec-a');
    const ports = await reconcilePorts(lake.root);
    try {
      const result = await runPipeline({ ...runtimeFor(lake), ...ports });
      expect(result.status).toBe('nothing-to-do');
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'Reconcile', 'ReleaseRunLease']);
      expect(await leaseOf(lake)).toBeNull();
    } finally {
      await ports.close();
    }
  });

  it('left by an execution that timed out, expires, and exactly one of two later executions takes it over', async () => {
    const start = new Date('2024-03-10T01:00:00Z');
    expect(await takeRunLease(lake.store, 'crashed', settings.runLeaseSeconds, start)).toEqual({ taken: true });
    const beforeExpiry = new Date(start.getTime() + 2 * HOUR * 1000); // the state machine's 2-hour timeout
    expect(await takeRunLease(lake.store, 'exec-b', settings.runLeaseSeconds, beforeExpiry)).toMatchObject({ taken: false, holder: 'crashed' });
    const later = new Date(start.getTime() + 3 * HOUR * 1000);
    const outcomes = await Promise.all(['exec-c', 'exec-d'].map((id) => takeRunLease(lake.store, id, settings.runLeaseSeconds, later)));
    expect(outcomes.filter((o) => o.taken)).toHaveLength(1);
    const holder = (await leaseOf(lake))?.holder;
    expect(['exec-c', 'exec-d']).toContain(holder);
    expect(outcomes.find((o) => !o.taken)).toMatchObject({ holder });
  });

  it('is not taken without a setting (the local run holds a lock file instead)', async () => {
    await putRaw(lake.store, [JSON.stringify(sale())]);
    expect(await planExclusiveBatch(lake.store, { ...settings, runLeaseSeconds: 0 }, undefined)).toMatchObject({ objectCount: 1 });
    expect(await leaseOf(lake)).toBeNull();
    await expect(planExclusiveBatch(lake.store, settings, undefined)).rejects.toThrow(/execution id/);
  });
});

describe('the state machine with the run lease', () => {

  it('ends an execution that finds the lease held as succeeded, touching nothing and alerting no one', async () => {
    const lake = tempLake('lease-sfn');
    try {
      await putRaw(lake.store, [JSON.stringify(sale())]);
      await takeRunLease(lake.store, 'arn:other-execution', settings.runLeaseSeconds);
      const notifier = new MemoryNotifier();
      const result = await runPipeline(runtimeFor(lake, notifier));
      expect(result.error).toBeUndefined();
      expect(result.status).not.toBe('failed');
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch']);
      expect(result.output).toMatchObject({ plan: { alreadyRunning: 'arn:other-execution' } });
      expect(notifier.published).toEqual([]);
      expect(await lake.store.list('control/runs/')).toEqual([]);
      expect((await leaseOf(lake))?.holder).toBe('arn:other-execution');
    } finally {
      lake.cleanup();
    }
  });

  it('gives the lease back when an execution fails', async () => {
    const lake = tempLake('lease-sfn');
    try {
      await putRaw(lake.store, [JSON.stringify(sale())]); // no reference data: Validate fails
      const result = await runPipeline(runtimeFor(lake));
      expect(result.status).toBe('failed');
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'NotifyFailure', 'ReleaseRunLeaseAfterFailure']);
      expect(await leaseOf(lake)).toBeNull();
    } finally {
      lake.cleanup();
    }
  });
});
