import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsFromEnv } from '../../../functions/lib/pipeline/pipeline-settings';
import type { Runtime } from '../../../functions/lib/ports';
import { PIPELINE_STEPS } from '../../../functions/pipeline/steps';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { loadLocalDefinition } from '../../../local/pipeline/asl-resources';
import { taskStates } from '../../../local/pipeline/asl-states';
import { runPipeline } from '../../../local/pipeline/local-runner';
import { MemoryMetrics, MemoryNotifier, Unreachable } from '../../helpers/memory-adapters';
import { putRaw, reconcilePorts, sale, tempLake } from '../../helpers/lake-fixture';

// asl-validator ships no types: validator(definition, options) -> { isValid, errors }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as (def: unknown, opts?: object) => { isValid: boolean; errors: unknown[] };

const dir = join(__dirname, '..', '..', '..', 'statemachines');

describe('state machine definitions', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.asl.json')))('%s is valid Amazon States Language (JSONPath)', (file) => {
    const def = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(def.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    const result = validator(def);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('every Task names a Resource the local runner implements, and every pipeline function is used', () => {
    const tasks = taskStates(loadLocalDefinition());
    const resources = tasks.map((t) => t.resource);
    for (const step of PIPELINE_STEPS) expect(resources.some((r) => r.endsWith(`:function:retail-lake-${step.name}`))).toBe(true);
    expect(tasks.map((t) => t.name)).toEqual(expect.arrayContaining(['LoadWarehouse', 'DescribeLoad', 'RefreshAthena', 'NotifyFailure']));
  });
});

describe('local runner', () => {
  function runtimeFor(root: string, notifier: MemoryNotifier): Runtime {
    const store = new FsObjectStore(root);
    const none = new Unreachable();
    return { mode: 'local', store, files: store, notifier, warehouse: none, curatedQuery: none, dashboards: none, metrics: new MemoryMetrics(), settings: settingsFromEnv({}) };
  }

  it('with nothing in the raw zone, reconciles and succeeds doing nothing else', async () => {
    const { root } = tempLake();
    const notifier = new MemoryNotifier();
    const ports = await reconcilePorts(root);
    try {
      const result = await runPipeline({ ...runtimeFor(root, notifier), ...ports });
      expect(result.status).toBe('nothing-to-do');
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'Reconcile', 'ReleaseRunLease']);
      expect(result.output).toMatchObject({ reconcile: { balanced: true, batchId: '' } });
    } finally {
      await ports.close();
    }
  });

  it('takes the Catch path when a step fails: the ops topic gets the error and the run fails', async () => {
    const { root, store } = tempLake();
    await putRaw(store, [JSON.stringify(sale())]); // no reference data loaded: Validate must fail
    const notifier = new MemoryNotifier();
    const result = await runPipeline(runtimeFor(root, notifier));
    expect(result.status).toBe('failed');
    expect(result.error?.Cause).toContain('reference data is not loaded');
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]).toMatchObject({ topic: 'ops', attributes: { severity: 'critical' } });
    expect(notifier.published[0].message).toContain('reference data is not loaded');
    // Validate was retried? No: only transient errors are; a missing file is not transient.
    expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'NotifyFailure', 'ReleaseRunLeaseAfterFailure']);
  });
});
