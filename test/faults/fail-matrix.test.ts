import { brokenInvariants, copyBase, faultMatrix, lakeFacts, recover, runWithFailure } from './fault-lake';

// Each point: the run, in this process, meets an I/O error at that file operation (its `finally` blocks and
// failure record run, unlike a kill); then two runs without a fault, then the invariants (fault-lake.ts).
// One at a time: the fault point counts this process's operations.
const { dir, plan, clean } = faultMatrix('fail-matrix');

describe(`an I/O error at each of the ${plan.ops.length} file operations of a run, then re-run`, () => {
  it.each(plan.ops)('fail at operation $n: $op $key', async ({ n }) => {
    const lake = copyBase(dir, `fail-${n}`);
    expect(await runWithFailure(lake, n)).toBeGreaterThanOrEqual(n);
    const recovery = await recover(lake);
    expect(brokenInvariants(await lakeFacts(lake), clean(), plan.events, recovery)).toEqual([]);
  });
});
