import type { Runtime } from '../../../functions/lib/ports';
import { localResourceTable } from '../../../local/pipeline/local-tasks';

const BATCH = 'arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement';
const DESCRIBE = 'arn:aws:states:::aws-sdk:redshiftdata:describeStatement';

/** A runtime whose warehouse holds each execute until the test lets it finish (or fail). */
function heldWarehouse(): { runtime: Runtime; finish: (err?: Error) => void; calls: string[][] } {
  const calls: string[][] = [];
  let settle: ((err?: Error) => void) | undefined;
  const warehouse = {
    execute: (sqls: string[]) => {
      calls.push(sqls);
      return new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    },
    query: async () => [],
  };
  return { runtime: { warehouse } as unknown as Runtime, finish: (err) => settle?.(err), calls };
}

describe('the local Redshift Data API', () => {
  it('answers BatchExecuteStatement at once, as AWS does, and DescribeStatement follows the statement', async () => {
    const { runtime, finish, calls } = heldWarehouse();
    const table = localResourceTable(runtime);
    const { Id } = (await table.get(BATCH)!({ Sqls: ['DELETE FROM t', 'INSERT INTO t SELECT 1'] })) as { Id: string };
    expect(calls).toEqual([['DELETE FROM t', 'INSERT INTO t SELECT 1']]);
    const pending = table.get(DESCRIBE)!({ Id }); // waits for the statement, up to a few seconds
    finish();
    expect(await pending).toEqual({ Id, Status: 'FINISHED' });
    expect(await table.get(DESCRIBE)!({ Id })).toEqual({ Id, Status: 'FINISHED' });
  });

  it("reports a failed load as FAILED with the warehouse's error", async () => {
    const { runtime, finish } = heldWarehouse();
    const table = localResourceTable(runtime);
    const { Id } = (await table.get(BATCH)!({ Sqls: ['COPY x'] })) as { Id: string };
    finish(new Error('no such table: x'));
    expect(await table.get(DESCRIBE)!({ Id })).toEqual({ Id, Status: 'FAILED', Error: 'no such table: x' });
  });

  it('refuses an unknown statement id and an empty batch', async () => {
    const table = localResourceTable(heldWarehouse().runtime);
    await expect(table.get(DESCRIBE)!({ Id: 'nope' })).rejects.toThrow(/no statement nope/);
    await expect(table.get(BATCH)!({ Sqls: [] })).rejects.toThrow(/non-empty/);
  });
});
