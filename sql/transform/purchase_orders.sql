-- Purchase-order lines (event_type 'purchase_order'), and one link row per receipt that names an order
-- (event_type 'receipt': the adjustment's event_id, quantity = quantity_change, no expected_date or supplier; its
-- stock effect stays in inventory_events), dated by the store's business date.
-- Inputs: staged_events, dated_events (the new events' dates, by seq).
SELECT
  e.event_id,
  e.store_id,
  e.sku,
  d.occurred_at_utc AS occurred_at,
  d.business_date,
  CASE WHEN e.event_type = 'purchase_order' THEN 'purchase_order' ELSE 'receipt' END AS event_type,
  e.po_id,
  CAST(CASE WHEN e.event_type = 'purchase_order' THEN e.quantity ELSE e.quantity_change END AS INTEGER) AS quantity,
  CAST(e.expected_date AS DATE) AS expected_date,
  e.supplier
FROM staged_events e
JOIN dated_events d ON d.seq = e.seq
WHERE e.event_type = 'purchase_order'
   OR (e.event_type = 'inventory_adjustment' AND e.reason = 'receipt' AND e.po_id IS NOT NULL)
