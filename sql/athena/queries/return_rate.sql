-- Return rate per store over a range of business dates: returned units as a share of sold units, and returned
-- revenue as a share of sales revenue (both in %).
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
SELECT
  store_id,
  SUM(CASE WHEN event_type = 'sale' THEN quantity ELSE 0 END) AS units_sold,
  -SUM(CASE WHEN event_type = 'return' THEN quantity ELSE 0 END) AS units_returned,
  ROUND(100.0 * -SUM(CASE WHEN event_type = 'return' THEN quantity ELSE 0 END)
    / NULLIF(SUM(CASE WHEN event_type = 'sale' THEN quantity ELSE 0 END), 0), 2) AS unit_return_rate_pct,
  ROUND(100 * -SUM(CASE WHEN event_type = 'return' THEN net_revenue ELSE 0 END)
    / NULLIF(SUM(CASE WHEN event_type = 'sale' THEN net_revenue ELSE 0 END), 0), 2) AS revenue_return_rate_pct
FROM sales_lines
WHERE business_date BETWEEN {{from}} AND {{to}}
GROUP BY store_id
ORDER BY unit_return_rate_pct DESC, store_id
