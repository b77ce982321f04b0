-- Stock counts (snapshots) and adjustments, dated by the store's business date.
-- Inputs: dated_events.
SELECT
  e.event_id,
  e.store_id,
  e.sku,
  e.occurred_at_utc AS occurred_at,
  e.business_date,
  e.event_type,
  CAST(e.on_hand_qty AS INTEGER) AS on_hand_qty,
  CAST(e.reorder_point AS INTEGER) AS reorder_point,
  CAST(e.quantity_change AS INTEGER) AS quantity_change,
  e.reason
FROM dated_events e
WHERE e.event_type IN ('inventory_snapshot', 'inventory_adjustment')
