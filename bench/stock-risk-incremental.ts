/**
 * `npx tsx bench/stock-risk-incremental.ts [--stores N] [--skus N] [--changed FRACTION]`: times stock risk on a
 * synthetic warehouse of stores x SKUs (every store-SKU counted, sold every few days over 35 days, a fitted model),
 * as of a new day on which a fraction of the store-SKUs sold: the incremental run (the batch's store-SKUs and the
 * due ones) against a full one (every store-SKU). In-memory DuckDB, the local warehouse. Prints JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../functions/lib/pipeline/pipeline-settings';
import { runStockRisk } from '../functions/pipeline/stock-risk/stock-risk';
import { FsObjectStore } from '../local/adapters/fs-object-store';
import { DuckDbWarehouse } from '../local/warehouse/duckdb-warehouse';

const { values } = parseArgs({ options: { stores: { type: 'string', default: '100' }, skus: { type: 'string', default: '1000' }, changed: { type: 'string', default: '0.02' } } });
const stores = Number(values.stores);
const skus = Number(values.skus);
const changed = Number(values.changed);
const D0 = '2024-03-10';
const D1 = '2024-03-11';

/** The synthetic facts, generated inside DuckDB (range) so that millions of rows cost seconds. */
function seedSql(): string[] {
  const pairs = `(SELECT s.range AS s, k.range AS k FROM range(${stores}) s CROSS JOIN range(${skus}) k)`;
  const id = `'S' || lpad(CAST(s AS VARCHAR), 4, '0')`;
  const sku = `'K' || lpad(CAST(k AS VARCHAR), 5, '0')`;
  return [
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue) SELECT 'S' || lpad(CAST(range AS VARCHAR), 4, '0'), 'Store', 'R', 'm@example.com', 'UTC', 100 FROM range(${stores})`,
    `INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days) SELECT 'K' || lpad(CAST(range AS VARCHAR), 5, '0'), 'P', 'C', 'B', 1, 2, 'Acme', 4 FROM range(${skus})`,
    `INSERT INTO fact_inventory_event (date_key, timestamp_utc, store_id, sku, event_id, event_type, on_hand_qty, reorder_point, quantity_change, reason)
       SELECT DATE '2024-02-05', TIMESTAMP '2024-02-05 20:00:00', ${id}, ${sku}, 'c-' || s || '-' || k, 'inventory_snapshot', 20 + (s * 7 + k * 13) % 200, NULL, NULL, NULL FROM ${pairs}`,
    `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method)
       SELECT DATE '2024-02-05' + CAST(d.range AS INTEGER), TIMESTAMP '2024-02-05 10:00:00' + d.range * INTERVAL 1 DAY, ${id}, ${sku}, 'b', 1 + (s + k) % 3, 1, 1, 0, NULL, 's-' || s || '-' || k || '-' || d.range, 1, 'sale', 0, 'card'
       FROM ${pairs} p CROSS JOIN range(1, 35) d WHERE (p.s + p.k + d.range) % 4 = 0`,
    `INSERT INTO forecast_model (store_id, sku, fitted_through, model, level, trend, season_1, season_2, season_3, season_4, season_5, season_6, season_7, sigma, next_review)
       SELECT ${id}, ${sku}, DATE '${D0}', 'ses_weekday', 0.5 + (s + k) % 3 * 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, DATE '2024-03-17' FROM ${pairs}`,
  ];
}

/** The new day's sales: `changed` of the store-SKUs sell once. */
function dayOneSql(): string {
  const every = Math.max(1, Math.round(1 / changed));
  return `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method)
    SELECT DATE '${D1}', TIMESTAMP '${D1} 10:00:00', 'S' || lpad(CAST(s.range AS VARCHAR), 4, '0'), 'K' || lpad(CAST(k.range AS VARCHAR), 5, '0'), 'b', 1, 1, 1, 0, NULL, 'n-' || s.range || '-' || k.range, 1, 'sale', 0, 'card'
    FROM range(${stores}) s CROSS JOIN range(${skus}) k WHERE (s.range * ${skus} + k.range) % ${every} = 0`;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await f();
  return [out, Math.round(performance.now() - t)];
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'risk-bench-'));
  const settings = settingsFromEnv({});
  const store = new FsObjectStore(root);
  const results: Record<string, number> = { storeSkus: stores * skus };
  try {
    for (const mode of ['incremental', 'full'] as const) {
      const w = DuckDbWarehouse.inMemory(root);
      try {
        await w.execute(seedSql());
        const [first, firstMs] = await timed(() => runStockRisk(w, store, settings, `${mode}-d0`, D0, [D0]));
        results.firstRunMs = firstMs;
        results.firstRunEvaluated = first.evaluated ?? 0;
        await w.execute([dayOneSql()]);
        const [next, ms] = await timed(() => runStockRisk(w, store, settings, `${mode}-d1`, D1, mode === 'incremental' ? [D1] : undefined));
        results[`${mode}Ms`] = ms;
        results[`${mode}Evaluated`] = next.evaluated ?? 0;
        if (mode === 'incremental') {
          const [again, againMs] = await timed(() => runStockRisk(w, store, settings, `${mode}-d1b`, D1, [D1]));
          results.sameDayAgainMs = againMs;
          results.sameDayAgainEvaluated = again.evaluated ?? 0;
        }
      } finally {
        await w.close();
      }
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
