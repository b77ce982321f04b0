-- An incremental run's first on a new as-of date {{as_of_date}}: the store-SKUs it does not evaluate keep their
-- last state, so the date's snapshot starts as a copy of the latest earlier date's rows (outside the scope, which
-- stock_risk.sql writes). Later runs of the same date find its rows and copy nothing. Readers of
-- fact_inventory_snapshot thus still find every store-SKU on the latest date.
INSERT INTO fact_inventory_snapshot (
  date_key, timestamp_utc, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand,
  on_order_qty, next_arrival_date, stockout_date, order_by_date, suggested_qty, safety_stock, forecast_daily, stock_flag
)
SELECT
  CAST('{{as_of_date}}' AS DATE), r.timestamp_utc, r.store_id, r.sku, r.on_hand_qty, r.reorder_point, r.days_of_supply,
  r.risk_flag, r.avg_daily_demand, r.on_order_qty, r.next_arrival_date, r.stockout_date, r.order_by_date,
  r.suggested_qty, r.safety_stock, r.forecast_daily, r.stock_flag
FROM fact_inventory_snapshot r
WHERE r.date_key = (
    SELECT MAX(date_key) FROM fact_inventory_snapshot WHERE date_key < CAST('{{as_of_date}}' AS DATE)
  )
  AND NOT EXISTS (SELECT 1 FROM fact_inventory_snapshot x WHERE x.date_key = CAST('{{as_of_date}}' AS DATE))
  AND NOT EXISTS (SELECT 1 FROM stock_risk_scope sc WHERE sc.store_id = r.store_id AND sc.sku = r.sku);
