-- Stock counts (snapshots) and adjustments, dated by the store's business date.
-- Inputs: new_events, stores.
SELECT
  e.event_id,
  e.store_id,
  e.sku,
  utc_timestamp(e.occurred_at) AS occurred_at,
  local_date(e.occurred_at, st.timezone) AS business_date,
  e.event_type,
  CAST(e.on_hand_qty AS INTEGER) AS on_hand_qty,
  CAST(e.reorder_point AS INTEGER) AS reorder_point,
  CAST(e.quantity_change AS INTEGER) AS quantity_change,
  e.reason
FROM new_events e
JOIN stores st ON st.store_id = e.store_id
WHERE e.event_type IN ('inventory_snapshot', 'inventory_adjustment')
