-- Revenue and gross margin by store and business date (the store's own calendar day), net of returns and
-- discounts, in the store's currency. Against the store's target shaped by weekday: the warehouse view
-- v_metric_revenue_vs_target.
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- per store and day first, then the store's name and region joined to those rows
WITH by_day AS (
  SELECT business_date, store_id, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin
  FROM sales_lines
  WHERE business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY business_date, store_id
)
SELECT
  s.business_date,
  s.store_id,
  st.store_name,
  st.region,
  s.net_revenue,
  s.gross_margin
FROM by_day s
LEFT JOIN stores st ON st.store_id = s.store_id
ORDER BY s.business_date, s.store_id
