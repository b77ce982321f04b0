-- Stock counts (snapshots) and adjustments, dated by the store's business date.
-- Inputs: staged_events, dated_events (the new events' dates, by seq).
SELECT
  e.event_id,
  e.store_id,
  e.sku,
  d.occurred_at_utc AS occurred_at,
  d.business_date,
  e.event_type,
  CAST(e.on_hand_qty AS INTEGER) AS on_hand_qty,
  CAST(e.reorder_point AS INTEGER) AS reorder_point,
  CAST(e.quantity_change AS INTEGER) AS quantity_change,
  e.reason
FROM staged_events e
JOIN dated_events d ON d.seq = e.seq
WHERE e.event_type IN ('inventory_snapshot', 'inventory_adjustment')
