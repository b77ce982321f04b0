-- fact_inventory_event from the curated inventory_events partitions of the batch's affected business dates.
-- Placeholders and idempotency as in load_sales_lines.sql: each affected date present in staging is
-- replaced whole.
-- Staged in a temporary table of the load's session, as in load_sales_lines.sql.
CREATE TEMP TABLE tmp_inventory_events (LIKE stg_inventory_events);

COPY tmp_inventory_events
FROM 's3://{{bucket}}/{{prefix}}'
IAM_ROLE '{{role}}'
FORMAT AS PARQUET;

DELETE FROM fact_inventory_event
WHERE date_key IN (SELECT DISTINCT business_date FROM tmp_inventory_events WHERE {{date_filter}});

INSERT INTO fact_inventory_event (
  date_key, timestamp_utc, store_id, sku, event_id, event_type, on_hand_qty, reorder_point, quantity_change, reason
)
SELECT
  s.business_date, s.occurred_at, s.store_id, s.sku, s.event_id, s.event_type, s.on_hand_qty, s.reorder_point,
  s.quantity_change, s.reason
FROM tmp_inventory_events s
WHERE {{date_filter}};
