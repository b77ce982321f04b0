import { curatedTablePrefix, PRODUCTS_KEY } from '../../../functions/lib/lake-layout';
import { CuratedQueryEngine, lakeTablesShape } from '../../../local/engine/curated-engine';
import { curateNextBatch, putRaw, sale, tempLake, withReference } from '../../helpers/lake-fixture';

describe('the local Athena’s views over the lake (when it registers them again)', () => {
  it('sees files put (in new partitions too) and deleted without registering again; registers when a table gets its first file or loses its last, or a reference file goes', async () => {
    const lake = tempLake('lake-shape');
    const engine = await CuratedQueryEngine.open(lake.root);
    try {
      await withReference(lake.store);
      const shapes = [lakeTablesShape(lake.root)];
      const lines = async (): Promise<[string, number][]> =>
        (await engine.query(`SELECT CAST(business_date AS VARCHAR) AS d, count(*) AS n FROM sales_lines GROUP BY 1 ORDER BY 1`)).map((r) => [String(r.d), Number(r.n)]);
      const baskets = async (): Promise<number> => Number((await engine.query(`SELECT sum(baskets) AS b FROM daily_store_sales`))[0].b ?? 0);
      expect(await lines()).toEqual([]); // an empty table, not a failure

      await putRaw(lake.store, [JSON.stringify(sale({ occurred_at: '2024-03-01T15:00:00Z' }))], new Date('2024-03-02T01:00:00Z'), 'a');
      await curateNextBatch(lake.store, lake.root);
      shapes.push(lakeTablesShape(lake.root)); // sales_lines got its first file
      expect(await lines()).toEqual([['2024-03-01', 2]]);

      // a second batch: a file in the same partition and one in a new partition, seen by the views made before them
      await putRaw(lake.store, [JSON.stringify(sale({ occurred_at: '2024-03-01T16:00:00Z' })), JSON.stringify(sale({ occurred_at: '2024-03-05T10:00:00Z' }))], new Date('2024-03-06T01:00:00Z'), 'b');
      await curateNextBatch(lake.store, lake.root);
      expect(lakeTablesShape(lake.root)).toEqual(shapes[1]);
      expect(await lines()).toEqual([['2024-03-01', 4], ['2024-03-05', 2]]);
      expect(await baskets()).toBe(3); // a derived view made once reads them too

      const files = (await lake.store.list(curatedTablePrefix('sales_lines'))).map((o) => o.key);
      expect(files).toHaveLength(3);
      await lake.store.delete(files.filter((k) => k.includes('2024-03-01')));
      expect(lakeTablesShape(lake.root)).toEqual(shapes[1]);
      expect(await lines()).toEqual([['2024-03-05', 2]]);
      expect(await baskets()).toBe(1);

      await lake.store.delete(files);
      shapes.push(lakeTablesShape(lake.root)); // lost its last file: an empty table again
      expect(await lines()).toEqual([]);
      expect(await baskets()).toBe(0);

      await lake.store.delete([PRODUCTS_KEY]);
      shapes.push(lakeTablesShape(lake.root));
      expect(Number((await engine.query(`SELECT count(*) AS n FROM products`))[0].n)).toBe(0);
      // each change is the one table's
      const changed = (a: Map<string, boolean>, b: Map<string, boolean>): string[] => [...a].filter(([name, files]) => b.get(name) !== files).map(([name]) => name);
      expect(changed(shapes[1], shapes[0])).toEqual(['sales_lines']);
      expect(shapes[2]).toEqual(shapes[0]);
      expect(changed(shapes[3], shapes[2])).toEqual(['products']);
    } finally {
      engine.close();
      lake.cleanup();
    }
  });
});
