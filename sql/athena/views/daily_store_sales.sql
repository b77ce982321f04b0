-- Daily sales per store and business date, over the curated sales_lines (Athena in the cloud, DuckDB locally:
-- plain SQL both accept). PrepareLoads sends this statement to Athena after each batch; the local query engine
-- registers it too. Returns are negative lines in sales_lines, so the sums are net of returns.
CREATE OR REPLACE VIEW daily_store_sales AS
SELECT
  business_date,
  store_id,
  COUNT(DISTINCT CASE WHEN event_type = 'sale' THEN transaction_id END) AS baskets,
  SUM(CASE WHEN event_type = 'sale' THEN quantity ELSE 0 END) AS units_sold,
  -SUM(CASE WHEN event_type = 'return' THEN quantity ELSE 0 END) AS units_returned,
  SUM(net_revenue) AS net_revenue,
  SUM(gross_margin) AS gross_margin,
  COUNT(*) AS sales_lines
FROM sales_lines
GROUP BY business_date, store_id
