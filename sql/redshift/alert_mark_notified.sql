-- After PublishAlerts sent batch {{batch_id}}'s messages: what they said becomes the alert state's notified_*,
-- a digest sets the store's last digest date ({{as_of_date}}), and the rows are no longer pending. Rerunning
-- changes nothing (no row is pending for the batch any more).
UPDATE alert_state
SET notified_level = alert_state.level,
    notified_at = CAST('{{notified_at}}' AS TIMESTAMP),
    notified_on_hand = s.on_hand_qty,
    notified_stockout_date = s.stockout_date,
    last_digest_date = CASE WHEN alert_state.pending_kind = 'digest' THEN CAST('{{as_of_date}}' AS DATE) ELSE alert_state.last_digest_date END,
    pending_batch = NULL,
    pending_kind = NULL
FROM fact_inventory_snapshot s
WHERE alert_state.pending_batch = '{{batch_id}}'
  AND s.date_key = CAST('{{as_of_date}}' AS DATE)
  AND s.store_id = alert_state.store_id
  AND s.sku = alert_state.sku;
