import { CHECKPOINT_KEY, failureKey, FAILURES_PREFIX, parkedKey, RAW_PREFIX, runPrefix, runRecordKeys } from '../../../functions/lib/lake-layout';
import { readJson, writeJson } from '../../../functions/lib/pipeline/json-objects';
import { TransientError, withContext } from '../../../functions/lib/errors';
import type { PipelineState } from '../../../functions/lib/pipeline/state';
import type { ObjectStore, Runtime } from '../../../functions/lib/ports';
import { committedRuns } from '../../../functions/lib/pipeline/run-history';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { failureRecord, runPipelineWithProgress, type FailureRecord } from '../../../local/cli/run-command';
import { statusCommand } from '../../../local/cli/status-command';
import { createLocalRuntime, type LocalRuntime } from '../../../local/local-runtime';
import { runPipeline } from '../../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../../helpers/lake-fixture';
import { MemoryMetrics, MemoryNotifier } from '../../helpers/memory-adapters';
import { categoryAggregateGaps, storeAggregateGaps } from '../../helpers/warehouse-fixture';

const ENV = { VALIDATE_WORKERS: '1' };

/** A local runtime over the lake with some ports replaced. */
async function withRuntime<T>(root: string, replace: (rt: LocalRuntime) => Partial<Runtime>, body: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await createLocalRuntime(root, ENV);
  try {
    return await body({ ...rt, ...replace(rt) });
  } finally {
    await rt.close();
  }
}

async function warehouseLines(root: string): Promise<{ lines: number; byDate: Record<string, number> }> {
  return withRuntime(root, () => ({}), async (rt) => {
    const rows = await rt.warehouse.query('SELECT date_key::VARCHAR AS d, count(*) AS n FROM fact_sales GROUP BY 1 ORDER BY 1');
    const byDate = Object.fromEntries(rows.map((r) => [String(r.d).slice(0, 10), Number(r.n)]));
    return { lines: Object.values(byDate).reduce((a, b) => a + b, 0), byDate };
  });
}

const day = (date: string, n: number) => Array.from({ length: n }, () => JSON.stringify(sale({ occurred_at: `${date}T15:00:00Z` })));

describe('post-commit steps tracked per batch and resumed', () => {
  let lake: ReturnType<typeof tempLake>;
  // runPipelineWithProgress (the `run` command) reads its settings from the environment: one validate thread, as ENV
  const validateWorkers = process.env.VALIDATE_WORKERS;
  beforeAll(() => {
    process.env.VALIDATE_WORKERS = ENV.VALIDATE_WORKERS;
  });
  afterAll(() => {
    if (validateWorkers === undefined) delete process.env.VALIDATE_WORKERS;
    else process.env.VALIDATE_WORKERS = validateWorkers;
  });
  beforeEach(async () => {
    lake = tempLake('post-commit');
    await withReference(lake.store);
  });
  afterEach(() => lake.cleanup());

  it('a kill during the warehouse load: the next run reloads and reconciles, the warehouse is whole', async () => {
    await putRaw(lake.store, day('2024-03-08', 5), new Date('2024-03-10T01:00:00Z'), 'first');
    // the warehouse dies in the load, after CommitCheckpoint (as a kill or a full disk leaves it)
    const crashed = await withRuntime(
      lake.root,
      (rt) => ({ warehouse: { query: (sql) => rt.warehouse.query(sql), execute: async () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) } }),
      (rt) => runPipeline(rt),
    );
    expect(crashed.status).toBe('failed');
    const [batch] = await committedRuns(lake.store);
    expect(batch.curatedEvents).toBe(5);
    expect(await lake.store.getIfExists(runRecordKeys(runPrefix(batch.batchId)).reconcile)).toBeNull();
    expect((await warehouseLines(lake.root)).lines).toBe(0);

    // new data arrived meanwhile: one `run` finishes the committed batch first, then curates the new one
    await putRaw(lake.store, day('2024-03-09', 3), new Date('2024-03-10T02:00:00Z'), 'second');
    const { ok, runs } = await runPipelineWithProgress(lake.root);
    expect(ok).toBe(true);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'nothing-to-do']);
    const [resumed, next] = runs.map((r) => r.output as unknown as PipelineState);
    expect(resumed.plan).toMatchObject({ batchId: batch.batchId, resumePostCommit: true });
    expect(resumed.validation).toBeUndefined(); // not validated or curated again
    expect(runs[0].steps.map((s) => s.state)).toEqual(expect.arrayContaining(['CommitCheckpoint', 'LoadWarehouse', 'StockRisk', 'PublishAlerts', 'Reconcile']));
    expect(resumed.reconcile?.balanced).toBe(true);
    expect(next.plan.resumePostCommit).toBeUndefined();
    expect(next.commit?.curatedEvents).toBe(3);
    for (const record of ['loaded', 'alerts', 'published', 'reconcile'] as const) {
      expect(await lake.store.getIfExists(runRecordKeys(runPrefix(batch.batchId))[record])).not.toBeNull();
    }
    // the warehouse is whole: 2 lines per sale
    expect(await warehouseLines(lake.root)).toEqual({ lines: 16, byDate: { '2024-03-08': 10, '2024-03-09': 6 } });
    const last = runs[2].output as unknown as PipelineState;
    expect(last.reconcile).toMatchObject({ balanced: true, batchId: '' });
  });

  it('reconcile runs with nothing new and names the dates of a gap', async () => {
    await putRaw(lake.store, day('2024-03-08', 2), new Date('2024-03-10T01:00:00Z'), 'a');
    await putRaw(lake.store, day('2024-03-09', 2), new Date('2024-03-10T01:00:00Z'), 'b');
    expect((await runPipelineWithProgress(lake.root)).ok).toBe(true);
    expect((await runPipelineWithProgress(lake.root)).ok).toBe(true); // nothing new, balanced

    await withRuntime(lake.root, () => ({}), (rt) => rt.warehouse.execute([`DELETE FROM fact_sales WHERE date_key = '2024-03-09'`]));
    const { ok, runs, result } = await runPipelineWithProgress(lake.root);
    expect(ok).toBe(false);
    expect(runs).toHaveLength(1);
    expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'Reconcile', 'NotifyFailure', 'ReleaseRunLeaseAfterFailure']);
    expect(result.error?.Error).toBe('ReconciliationGap');
    expect(result.error?.Cause).toContain('warehouse differs from the lake on 1 business date(s): 2024-03-09 (lake 4 lines');
    expect(result.error?.Cause).not.toContain('2024-03-08');
    const failures = await lake.store.list(FAILURES_PREFIX);
    expect((await readJson<FailureRecord>(lake.store, failures[failures.length - 1].key)).Cause).toContain('2024-03-09');
  });
});

/** Raw objects whose reads fail with a TransientError every time: the batch holding one fails after the retries. */
class FlakyRawStore extends FsObjectStore {
  constructor(
    root: string,
    private readonly flaky: string,
  ) {
    super(root);
  }
  override async get(key: string): Promise<Buffer> {
    if (key === this.flaky) throw new TransientError(`S3 GetObject ${key}: SlowDown`, { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    return super.get(key);
  }
}

describe('a batch that still fails after its retries', () => {
  it('a batch that fails after retries is parked, the next batch is curated, the alarm/metric fires', async () => {
    const lake = tempLake('park');
    try {
      await withReference(lake.store);
      const flaky = await putRaw(lake.store, day('2024-03-08', 4), new Date('2024-03-10T01:00:00Z'), 'flaky');
      const store: ObjectStore = new FlakyRawStore(lake.root, flaky);
      const metrics = new MemoryMetrics();
      const notifier = new MemoryNotifier();
      const parked = await withRuntime(lake.root, () => ({ store, files: new FlakyRawStore(lake.root, flaky), metrics, notifier }), (rt) => runPipeline(rt));
      expect(parked.status).toBe('parked');
      expect(parked.steps.filter((s) => s.state === 'Validate')).toHaveLength(0); // it never succeeded
      expect(parked.steps.map((s) => s.state)).toEqual(['PlanBatch', 'ParkBatch', 'ReleaseRunLease']);
      const state = parked.output as unknown as PipelineState;
      expect(state.parked).toMatchObject({ batchId: state.plan.batchId, objects: 1, error: { Error: 'TransientError' } });
      expect(metrics.published).toEqual([{ name: 'BatchesParked', value: 1, unit: 'Count' }]);
      expect(notifier.published.map((n) => [n.topic, n.subject])).toEqual([['ops', 'retail-lake: batch parked']]);
      expect(await lake.store.getIfExists(parkedKey(state.plan.batchId))).not.toBeNull();
      expect(parked.errorChain?.map((e) => e.code ?? e.name)).toEqual(['TransientError', 'TransientError', 'ECONNRESET']);

      // later batches go on: the next run curates the new object and leaves the parked one alone
      await putRaw(lake.store, day('2024-03-09', 2), new Date('2024-03-10T02:00:00Z'), 'good');
      const { ok, runs } = await runPipelineWithProgress(lake.root);
      expect(ok).toBe(true);
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'nothing-to-do']);
      const next = runs[0].output as unknown as PipelineState;
      expect(next.commit?.curatedEvents).toBe(2);
      expect(next.reconcile?.balanced).toBe(true);
      const processed = Object.keys((await readJson<{ processed: Record<string, string> }>(lake.store, 'control/checkpoint.json')).processed);
      expect(processed.filter((k) => k.startsWith(RAW_PREFIX))).toHaveLength(1);
      expect(processed).not.toContain(flaky);

      const status = JSON.parse(await statusCommand(lake.root, { json: true })) as { parked: { batchId: string }[]; alarms: { name: string; state: string }[]; backlog: { objects: number } };
      expect(status.parked.map((p) => p.batchId)).toEqual([state.plan.batchId]);
      expect(status.alarms.find((a) => a.name === 'BatchesParked')?.state).toBe('ALARM');
      expect(status.backlog.objects).toBe(0);
      expect(await statusCommand(lake.root, {})).toContain(`${state.plan.batchId}  1 raw objects, parked`);
    } finally {
      lake.cleanup();
    }
  });

  it('a configuration error is not parked: the run fails, and the failure record keeps the cause chain', async () => {
    const lake = tempLake('no-park');
    try {
      await putRaw(lake.store, day('2024-03-08', 1)); // no reference data: a PipelineStateError, not the batch's fault
      const { ok, result } = await runPipelineWithProgress(lake.root);
      expect(ok).toBe(false);
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'NotifyFailure', 'ReleaseRunLeaseAfterFailure']);
      expect(await lake.store.list('control/parked/')).toEqual([]);
      const [failure] = await lake.store.list(FAILURES_PREFIX);
      expect(failure.key.startsWith(failureKey(new Date(0)).slice(0, FAILURES_PREFIX.length))).toBe(true);
      const record = await readJson<FailureRecord>(lake.store, failure.key);
      expect(record).toMatchObject({ Error: 'PipelineStateError', state: 'Validate', causes: [{ name: 'PipelineStateError' }] });
      expect(record.Cause).toContain('reference data is not loaded');
    } finally {
      lake.cleanup();
    }
  });
});

/** A disk that fills up when the checkpoint is written (after Validate and Curate, so nothing parks). */
class FullDiskStore extends FsObjectStore {
  override async put(key: string, body: string | Buffer): Promise<void> {
    if (key === CHECKPOINT_KEY) throw withContext(`writing ${key}`, Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    return super.put(key, body);
  }
}

describe('failure records', () => {
  it('keep their cause (an ENOSPC under a RetailLakeError), and status shows it', async () => {
    const lake = tempLake('cause');
    try {
      await withReference(lake.store);
      await putRaw(lake.store, day('2024-03-08', 1));
      const full = new FullDiskStore(lake.root);
      const result = await withRuntime(lake.root, () => ({ store: full, files: full }), (rt) => runPipeline(rt));
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ Error: 'RetailLakeError', Cause: 'writing control/checkpoint.json: ENOSPC: no space left on device, write' });
      const at = new Date();
      const record = failureRecord(result, at);
      expect(record).toMatchObject({ state: 'CommitCheckpoint', causes: [{ name: 'RetailLakeError' }, { name: 'Error', code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' }] });
      await writeJson(lake.store, failureKey(at), record);
      const status = await statusCommand(lake.root, {});
      expect(status).toContain('last failure        RetailLakeError in CommitCheckpoint: writing control/checkpoint.json: ENOSPC');
      expect(status).toContain('  caused by Error (ENOSPC): ENOSPC: no space left on device, write');
    } finally {
      lake.cleanup();
    }
  });
});

describe('a derived tables refresh that fails after its load committed', () => {
  it('fails the run as DerivedTablesRefreshFailed (lease released), and the next run makes the derived tables whole', async () => {
    const lake = tempLake('derived-fails');
    try {
      await withReference(lake.store);
      await putRaw(lake.store, day('2024-03-08', 3), new Date('2024-03-10T01:00:00Z'), 'first');
      // the warehouse refuses the derived tables' batch only (the load's batch commits)
      const isDerived = (sqls: string[]): boolean => sqls.some((s) => s.startsWith('DELETE FROM stg_sales_agg_dates'));
      const failed = await withRuntime(
        lake.root,
        (rt) => ({
          warehouse: {
            query: (sql) => rt.warehouse.query(sql),
            execute: async (sqls) => (isDerived(sqls) ? Promise.reject(new Error('serializable isolation violation')) : rt.warehouse.execute(sqls)),
          },
        }),
        (rt) => runPipeline(rt),
      );
      expect(failed.status).toBe('failed');
      expect(failed.steps.map((s) => s.state)).toEqual(expect.arrayContaining(['DescribeDerivedTables', 'NotifyFailure', 'ReleaseRunLeaseAfterFailure']));
      expect(failed.steps.map((s) => s.state)).not.toContain('StockRisk');
      expect(failed.error?.Error).toBe('DerivedTablesRefreshFailed');
      expect(failed.error?.Cause).toContain('the facts are loaded');
      const pending = await withRuntime(lake.root, () => ({}), async (rt) => ({
        listed: await rt.warehouse.query('SELECT count(*) AS n FROM stg_sales_agg_dates'),
        storeDays: await rt.warehouse.query('SELECT count(*) AS n FROM agg_store_day'),
        lines: await rt.warehouse.query('SELECT count(*) AS n FROM fact_sales'),
      }));
      expect(Number(pending.lines[0].n)).toBe(6); // the load committed
      expect(Number(pending.storeDays[0].n)).toBe(0); // its derived rows did not
      expect(Number(pending.listed[0].n)).toBeGreaterThan(0); // still listed for the next refresh

      // nothing new: the next run resumes the committed batch, loads it again and refreshes
      const { ok, runs } = await runPipelineWithProgress(lake.root);
      expect(ok).toBe(true);
      expect(runs[0].steps.map((s) => s.state)).toEqual(expect.arrayContaining(['LoadWarehouse', 'RefreshDerivedTables', 'Reconcile']));
      await withRuntime(lake.root, () => ({}), async (rt) => {
        expect(await storeAggregateGaps(rt.warehouse)).toMatchObject({ rows: 1, missing: 0, extra: 0 });
        expect(await categoryAggregateGaps(rt.warehouse)).toMatchObject({ missing: 0, extra: 0 });
        expect(await rt.warehouse.query('SELECT count(*) AS n FROM stg_sales_agg_dates')).toEqual([{ n: 0 }]);
      });
    } finally {
      lake.cleanup();
    }
  }, 120_000);
});
