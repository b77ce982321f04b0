-- The run's alert list: every SKU flagged critical or high on {{as_of_date}}, with its store, product and the
-- projection's results (what to order by when).
SELECT
  store_id, store_name, sku, product_name, severity, on_hand_qty, on_order_qty, next_arrival_date, stockout_date,
  order_by_date, suggested_qty, reorder_point, safety_stock, forecast_daily, days_of_supply, lead_time_days
FROM v_inventory_risk
WHERE as_of_date = CAST('{{as_of_date}}' AS DATE)
ORDER BY store_id, stockout_date, sku
