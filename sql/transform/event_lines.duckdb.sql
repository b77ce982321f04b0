-- The lines of the batch's new sale and return events, one row per line, numbered from 1 in event order.
-- Unnesting is the one step each engine spells its own way: this is DuckDB's (the curate Lambda); the Glue job
-- does the same with posexplode in glue/curate_batch.py. Reads staged_events and dated_events; sales_lines.sql
-- reads the result as new_event_lines.
SELECT event_id, transaction_id, store_id, occurred_at_utc, business_date, event_type, customer_id, payment_method, line_no,
       line.sku AS sku, line.quantity AS quantity, line.unit_price AS unit_price, line.discount AS discount
FROM (
  SELECT s.event_id, s.transaction_id, s.store_id, d.occurred_at_utc, d.business_date, s.event_type, s.customer_id,
         s.payment_method, unnest(s.lines) AS line, generate_subscripts(s.lines, 1) AS line_no
  FROM staged_events s
  JOIN dated_events d ON d.seq = s.seq
  WHERE s.event_type IN ('sale', 'return')
)
