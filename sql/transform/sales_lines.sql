-- One row per sale or return line. Returns count negative in quantity, revenue and margin.
-- Inputs: new_event_lines (dated new sale/return events, one row per line with line_no from 1), products.
SELECT
  l.event_id,
  CAST(l.line_no AS INTEGER) AS line_no,
  l.transaction_id,
  l.store_id,
  l.sku,
  l.occurred_at_utc AS occurred_at,
  l.business_date,
  l.event_type,
  CAST(CASE WHEN l.event_type = 'return' THEN -l.quantity ELSE l.quantity END AS INTEGER) AS quantity,
  CAST(l.unit_price AS DECIMAL(18, 2)) AS unit_price,
  CAST(COALESCE(l.discount, 0) AS DECIMAL(18, 2)) AS discount,
  CAST(ROUND((CASE WHEN l.event_type = 'return' THEN -1 ELSE 1 END)
    * (l.quantity * l.unit_price - COALESCE(l.discount, 0)), 2) AS DECIMAL(18, 2)) AS net_revenue,
  CAST(p.unit_cost AS DECIMAL(18, 2)) AS unit_cost,
  CAST(ROUND((CASE WHEN l.event_type = 'return' THEN -1 ELSE 1 END)
    * (l.quantity * l.unit_price - COALESCE(l.discount, 0) - l.quantity * p.unit_cost), 2) AS DECIMAL(18, 2)) AS gross_margin,
  l.customer_id,
  l.payment_method
FROM new_event_lines l
JOIN products p ON p.sku = l.sku
