-- After PublishAlerts sent batch {{batch_id}}'s messages: what they said becomes the alert state's notified_*,
-- a digest sets the store's last digest date ({{as_of_date}}), and the rows are no longer pending. Rerunning
-- changes nothing (no row is pending for the batch any more).
-- Two statements of one transaction over the same rows (pending for the batch, with a stock-risk row on the date):
-- the values from fact_inventory_snapshot first, then the text columns with no join (an update of text columns
-- in the order of a join's output took DuckDB ~1 s for 12,000 rows, ~30 ms in the table's order).
UPDATE alert_state
SET notified_at = CAST('{{notified_at}}' AS TIMESTAMP),
    notified_on_hand = s.on_hand_qty,
    notified_stockout_date = s.stockout_date,
    last_digest_date = CASE WHEN alert_state.pending_kind = 'digest' THEN CAST('{{as_of_date}}' AS DATE) ELSE alert_state.last_digest_date END
FROM fact_inventory_snapshot s
WHERE alert_state.pending_batch = '{{batch_id}}'
  AND s.date_key = CAST('{{as_of_date}}' AS DATE)
  AND s.store_id = alert_state.store_id
  AND s.sku = alert_state.sku;

UPDATE alert_state
SET notified_level = alert_state.level,
    pending_batch = NULL,
    pending_kind = NULL
WHERE alert_state.pending_batch = '{{batch_id}}'
  AND EXISTS (
    SELECT 1 FROM fact_inventory_snapshot s
    WHERE s.date_key = CAST('{{as_of_date}}' AS DATE)
      AND s.store_id = alert_state.store_id
      AND s.sku = alert_state.sku
  );
