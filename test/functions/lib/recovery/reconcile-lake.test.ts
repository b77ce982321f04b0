import { runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import { reconcileLake } from '../../../../functions/lib/recovery/reconcile-lake';
import { commitCheckpoint } from '../../../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../../../functions/pipeline/validate-batch/validate-batch';
import { createLocalRuntime } from '../../../../local/local-runtime';
import { runPipeline } from '../../../../local/pipeline/local-runner';
import { putRaw, sale, tempLake, withReference } from '../../../helpers/lake-fixture';

describe("a recovery tool's reconcile", () => {
  it("leaves a committed batch's pending post-commit steps to the next run, which still runs them", async () => {
    const lake = tempLake('reconcile-lake');
    const rt = await createLocalRuntime(lake.root, { VALIDATE_WORKERS: '1' });
    try {
      await withReference(lake.store);
      await putRaw(lake.store, [JSON.stringify(sale())], new Date('2024-03-10T01:00:00Z'), 'first');
      expect((await runPipeline(rt)).status).toBe('succeeded');

      // a second batch, killed after its commit: warehouse load, stock risk, alerts and reconcile still to run
      await putRaw(lake.store, [JSON.stringify(sale())], new Date('2024-03-10T02:00:00Z'), 'second');
      const plan = await planBatch(lake.store, Number.MAX_SAFE_INTEGER);
      await validateBatch(lake.store, lake.store, plan.batchId, 0.05);
      await curateBatch(lake.store, lake.store, plan.batchId);
      await commitCheckpoint(lake.store, plan.batchId);

      await reconcileLake(rt); // as `reload --warehouse`, `redrive` and `reprocess` end
      expect(await lake.store.getIfExists(runRecordKeys(runPrefix(plan.batchId)).reconcile)).toBeNull();
      expect(await planBatch(lake.store, Number.MAX_SAFE_INTEGER)).toMatchObject({ batchId: plan.batchId, resumePostCommit: true });

      const resumed = await runPipeline(rt);
      expect(resumed.status).toBe('succeeded');
      expect(resumed.output).toMatchObject({ plan: { batchId: plan.batchId, resumePostCommit: true }, reconcile: { balanced: true } });
      // once they ran, a recovery reconcile is recorded under the batch again
      await reconcileLake(rt);
      expect(await lake.store.getIfExists(runRecordKeys(runPrefix(plan.batchId)).reconcile)).not.toBeNull();
    } finally {
      await rt.close();
      lake.cleanup();
    }
  });
});
