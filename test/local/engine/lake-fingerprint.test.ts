import { curatedBatchFileKey, STORES_KEY } from '../../../functions/lib/lake-layout';
import { lakeTablesFingerprint } from '../../../local/engine/curated-engine';
import { tempLake, withReference } from '../../helpers/lake-fixture';

describe('lakeTablesFingerprint (when the local Athena binds its views again)', () => {
  it('stays while no file comes or goes, and changes when one is put, replaced or deleted', async () => {
    const lake = tempLake('fingerprint');
    try {
      await withReference(lake.store);
      const key = curatedBatchFileKey('sales_lines', '2024-03-01', 'b1');
      await lake.store.put(key, 'one');
      const first = lakeTablesFingerprint(lake.root);
      expect(lakeTablesFingerprint(lake.root)).toBe(first);

      const prints = [first];
      await lake.store.put(curatedBatchFileKey('sales_lines', '2024-03-01', 'b2'), 'two'); // a file in an existing partition
      prints.push(lakeTablesFingerprint(lake.root));
      await lake.store.put(key, 'one, replaced');
      prints.push(lakeTablesFingerprint(lake.root));
      await lake.store.delete([key]);
      prints.push(lakeTablesFingerprint(lake.root));
      await lake.store.put(STORES_KEY, 'store_id\n'); // a reference file
      prints.push(lakeTablesFingerprint(lake.root));
      expect(new Set(prints).size).toBe(prints.length);
    } finally {
      lake.cleanup();
    }
  });
});
