import { DuckDbWarehouse } from '../../../local/warehouse/duckdb-warehouse';
import { categoryAggregatesThroughLoads } from '../../helpers/category-aggregates-scenario';
import { tempLake } from '../../helpers/warehouse-fixture';

// agg_category_day through loads, reruns, a late event, a category change and a reload, on the local warehouse
// (on PostgreSQL as the pipeline's role: test/local/warehouse/redshift-semantics.test.ts)
describe('agg_category_day follows the sales and the products\' categories', () => {
  it('on DuckDB', async () => {
    const lake = tempLake('agg');
    const w = DuckDbWarehouse.inMemory(lake.root);
    try {
      await categoryAggregatesThroughLoads(lake.root, w);
    } finally {
      await w.close();
      lake.cleanup();
    }
  });
});
