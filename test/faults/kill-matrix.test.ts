import { CURATED_PREFIX } from '../../functions/lib/lake-layout';
import { brokenInvariants, copyBase, faultMatrix, inPool, killPoints, lakeFacts, recover, runChild, type FileOp } from './fault-lake';

// Each point: `retail-lake run` in a child process killed with SIGKILL right before that file operation (so
// right after the one before it), then two runs without a fault, then the invariants (fault-lake.ts). The points
// are the commit points and the operation after each (killPoints); fail-matrix.test.ts fails at every point.
const { dir, plan, clean } = faultMatrix('kill-matrix');
const points = killPoints(plan.ops);

/** A point's outcome: how the child ended, and the invariants broken after the re-runs. */
async function killAt({ n }: FileOp): Promise<{ ended: string; broken: string[] }> {
  const lake = copyBase(dir, `kill-${n}`);
  const child = await runChild(lake, `${n}:kill`);
  const ended = child.signal ?? `exit ${child.code}: ${child.stderr.trim().split('\n').pop() ?? ''}`;
  const recovery = await recover(lake);
  return { ended, broken: brokenInvariants(await lakeFacts(lake), clean(), plan.events, recovery) };
}

describe(`kill -9 at ${points.length} of the ${plan.ops.length} file operations of a run (right after each commit point), then re-run`, () => {
  let outcomes: { ended: string; broken: string[] }[] = [];
  // two points at a time: a child spends much of its life starting up and waiting on DuckDB and fsync
  beforeAll(async () => {
    outcomes = await inPool(points, 2, killAt);
  }, 600_000);

  it('the clean run holds every invariant, and its operations include writes, deletes, curated changes and warehouse loads', () => {
    expect(brokenInvariants(clean(), clean(), plan.events, ['succeeded', 'nothing-to-do'])).toEqual([]);
    expect(clean().lake.events).toBeGreaterThan(0);
    expect(plan.ops.map((o) => o.op)).toEqual(expect.arrayContaining(['put', 'delete', 'execute']));
    expect(points.filter((o) => o.key.startsWith(CURATED_PREFIX)).length).toBeGreaterThanOrEqual(2); // both tables' partitions
  });

  it.each(points.map((op, i) => ({ ...op, i })))('kill before operation $n: $op $key', ({ i }) => {
    expect(outcomes[i]).toEqual({ ended: 'SIGKILL', broken: [] });
  });
});
