-- The run's alert list: every SKU flagged critical or high on {{as_of_date}}, with its store, product and the
-- projection's results (what to order by when). Read from the table, not v_inventory_risk: that view keeps its
-- migration-0001 columns (older code replaces it with those).
SELECT
  r.store_id,
  COALESCE(s.store_name, r.store_id) AS store_name,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  r.risk_flag AS severity,
  r.on_hand_qty, r.on_order_qty, r.next_arrival_date, r.stockout_date, r.order_by_date, r.suggested_qty,
  r.reorder_point, r.safety_stock, r.forecast_daily, r.days_of_supply,
  p.lead_time_days
FROM fact_inventory_snapshot r
LEFT JOIN dim_store s ON s.store_id = r.store_id
LEFT JOIN dim_product p ON p.sku = r.sku
WHERE r.date_key = CAST('{{as_of_date}}' AS DATE)
  AND r.risk_flag IN ('critical', 'high')
ORDER BY r.store_id, r.stockout_date, r.sku
