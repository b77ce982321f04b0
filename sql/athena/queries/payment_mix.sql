-- Payment mix per store over a range of business dates: sale transactions and sales revenue by payment method,
-- and each method's share of the store's sales revenue (in %). Returns excluded. A transaction counts once on each
-- business date it has sale lines, with the greatest of its lines' payment methods, as the warehouse's fact_basket
-- counts it. Reads store_day_baskets (kept from sales_lines by the pipeline), not the lines.
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
SELECT
  store_id,
  COALESCE(payment_method, '(none)') AS payment_method,
  SUM(baskets) AS transactions,
  SUM(net_revenue) AS net_revenue,
  ROUND(100 * SUM(net_revenue) / NULLIF(SUM(SUM(net_revenue)) OVER (PARTITION BY store_id), 0), 2) AS revenue_share_pct
FROM store_day_baskets
WHERE month_start BETWEEN date_trunc('month', {{from}}) AND date_trunc('month', {{to}})
  AND business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR store_id = {{store}})
GROUP BY store_id, COALESCE(payment_method, '(none)')
ORDER BY store_id, net_revenue DESC, payment_method
