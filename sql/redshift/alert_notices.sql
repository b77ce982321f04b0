-- What batch {{batch_id}} announces (marked pending by alert_state_update.sql), with everything the message says:
-- the stock position of {{as_of_date}} and what the last message said about the SKU.
SELECT
  a.store_id,
  COALESCE(st.store_name, a.store_id) AS store_name,
  a.sku,
  COALESCE(p.product_name, a.sku) AS product_name,
  a.pending_kind AS kind,
  a.level,
  COALESCE(a.notified_level, 'ok') AS notified_level,
  a.notified_at,
  a.notified_on_hand,
  a.notified_stockout_date,
  a.since,
  s.on_hand_qty,
  s.on_order_qty,
  s.next_arrival_date,
  s.stockout_date,
  s.order_by_date,
  s.suggested_qty,
  s.forecast_daily,
  s.stock_flag,
  p.lead_time_days
FROM alert_state a
JOIN fact_inventory_snapshot s ON s.store_id = a.store_id AND s.sku = a.sku AND s.date_key = CAST('{{as_of_date}}' AS DATE)
LEFT JOIN dim_store st ON st.store_id = a.store_id
LEFT JOIN dim_product p ON p.sku = a.sku
WHERE a.pending_batch = '{{batch_id}}'
ORDER BY a.store_id, s.stockout_date, a.sku
