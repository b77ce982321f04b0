import { CuratedQueryEngine } from '../../../local/engine/curated-engine';
import { tempLake, withReference } from '../../helpers/lake-fixture';

describe('CuratedQueryEngine.close (the local Athena)', () => {
  it('waits for a query under way: a failed execution closes the runtime while a Parallel branch may still query', async () => {
    const lake = tempLake('engine-close');
    try {
      await withReference(lake.store);
      const engine = await CuratedQueryEngine.open(lake.root);
      // long enough to be running when close() is called (closing DuckDB under it crashed the process)
      const running = engine.query('SELECT count(*) AS n FROM range(300000000) t(i) WHERE i % 7 = 3');
      await new Promise((r) => setTimeout(r, 20));
      engine.close();
      const [row] = await running;
      expect(Number(row.n)).toBe(42857143);
      // and it is closed once the query has ended
      await expect(engine.query('SELECT 1 AS one')).rejects.toThrow();
    } finally {
      lake.cleanup();
    }
  });
});
