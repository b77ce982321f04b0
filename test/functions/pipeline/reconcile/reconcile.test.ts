import { runPrefix, runRecordKeys } from '../../../../functions/lib/lake-layout';
import { reconcile } from '../../../../functions/pipeline/reconcile/reconcile';
import { CuratedQueryEngine } from '../../../../local/engine/curated-engine';
import { DuckDbWarehouse } from '../../../../local/warehouse/duckdb-warehouse';
import { line, tempLake, writeCurated } from '../../../helpers/warehouse-fixture';

describe('reconcile', () => {
  it('counts the curated tables and the warehouse with its sql/ files, and names every gap', async () => {
    const lake = tempLake('reconcile');
    const curated = await CuratedQueryEngine.open(lake.root);
    const warehouse = DuckDbWarehouse.inMemory(lake.root);
    try {
      await writeCurated(lake.root, 'sales_lines', [
        line({ event_id: 'a', store_id: 'S001', sku: 'SKU-1', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 3, unit_price: 2 }),
        line({ event_id: 'a', line_no: 2, store_id: 'S001', sku: 'SKU-2', occurred_at: '2024-01-01 09:00:00', business_date: '2024-01-01', quantity: 1, unit_price: 5 }),
      ]);
      const out = await reconcile(lake.store, curated, warehouse, 'b1');
      expect(out.curated).toEqual({ events: 1, salesLines: 2, netRevenue: 11, quarantined: 0 });
      expect(out.warehouse).toEqual({ salesLines: 0, netRevenue: 0 });
      expect(out.balanced).toBe(false);
      expect(out.gaps).toEqual([
        'curated tables hold 1 events, run records say 0',
        'warehouse fact_sales has 0 lines, curated sales_lines 2',
        'warehouse revenue 0 != curated revenue 11',
      ]);
      expect(JSON.parse((await lake.store.get(runRecordKeys(runPrefix('b1')).reconcile)).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(out)));
    } finally {
      curated.close();
      await warehouse.close();
      lake.cleanup();
    }
  });
});
