-- The low-stock alert list: SKUs flagged critical or high on {{as_of_date}}, with their store and product.
SELECT store_id, store_name, sku, product_name, on_hand_qty, reorder_point, avg_daily_demand, days_of_supply, severity, lead_time_days
FROM v_inventory_risk
WHERE as_of_date = CAST('{{as_of_date}}' AS DATE)
ORDER BY store_id, days_of_supply, sku
