-- The low-stock alert list: SKUs flagged critical or high on {{as_of_date}}, with their store and product.
SELECT
  r.store_id,
  COALESCE(s.store_name, r.store_id) AS store_name,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  r.on_hand_qty,
  r.reorder_point,
  r.avg_daily_demand,
  r.days_of_supply,
  r.risk_flag AS severity,
  p.lead_time_days
FROM fact_inventory_snapshot r
LEFT JOIN dim_store s ON s.store_id = r.store_id
LEFT JOIN dim_product p ON p.sku = r.sku
WHERE r.date_key = CAST('{{as_of_date}}' AS DATE)
  AND r.risk_flag IN ('critical', 'high')
ORDER BY r.store_id, r.days_of_supply, r.sku
