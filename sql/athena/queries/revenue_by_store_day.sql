-- Revenue and gross margin by store and business date (the store's own calendar day), net of returns and
-- discounts, in the store's currency. Against the store's target shaped by weekday: the warehouse view
-- v_metric_revenue_vs_target.
-- @param from date = (SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
SELECT
  s.business_date,
  s.store_id,
  st.store_name,
  st.region,
  SUM(s.net_revenue) AS net_revenue,
  SUM(s.gross_margin) AS gross_margin
FROM sales_lines s
LEFT JOIN stores st ON st.store_id = s.store_id
WHERE s.business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR s.store_id = {{store}})
GROUP BY s.business_date, s.store_id, st.store_name, st.region
ORDER BY s.business_date, s.store_id
