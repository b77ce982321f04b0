-- Revenue by store and business date (the store's own calendar day), net of returns and discounts, against
-- the store's daily target. Change the date range to taste; it prunes partitions.
SELECT
  s.business_date,
  s.store_id,
  st.store_name,
  st.region,
  SUM(s.net_revenue) AS net_revenue,
  SUM(s.gross_margin) AS gross_margin,
  MAX(st.target_daily_revenue) AS target_revenue,
  ROUND(100 * SUM(s.net_revenue) / NULLIF(MAX(st.target_daily_revenue), 0), 1) AS pct_of_target
FROM sales_lines s
LEFT JOIN stores st ON st.store_id = s.store_id
WHERE s.business_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
GROUP BY s.business_date, s.store_id, st.store_name, st.region
ORDER BY s.business_date, s.store_id
