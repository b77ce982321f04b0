-- Payment mix per store over a range of business dates: sale transactions and sales revenue by payment method,
-- and each method's share of the store's sales revenue (in %). Returns excluded.
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
SELECT
  store_id,
  COALESCE(payment_method, '(none)') AS payment_method,
  COUNT(DISTINCT transaction_id) AS transactions,
  SUM(net_revenue) AS net_revenue,
  ROUND(100 * SUM(net_revenue) / NULLIF(SUM(SUM(net_revenue)) OVER (PARTITION BY store_id), 0), 2) AS revenue_share_pct
FROM sales_lines
WHERE event_type = 'sale'
  AND business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR store_id = {{store}})
GROUP BY store_id, COALESCE(payment_method, '(none)')
ORDER BY store_id, net_revenue DESC, payment_method
