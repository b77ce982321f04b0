-- Basket value and units per transaction per store and business date. A basket is one sale transaction
-- (transaction_id of 'sale' lines); returns are excluded (the definition of the warehouse view v_metric_basket).
-- Amounts in the store's currency.
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- one pass over the lines: a basket's lines share its date and store, so the sums over a store-day's lines are
-- the sums over its baskets (no per-basket grouping first)
SELECT
  business_date,
  store_id,
  COUNT(DISTINCT transaction_id) AS baskets,
  SUM(quantity) AS units,
  SUM(net_revenue) AS net_revenue,
  ROUND(SUM(net_revenue) / COUNT(DISTINCT transaction_id), 2) AS avg_basket_value,
  ROUND(CAST(SUM(quantity) AS DOUBLE) / COUNT(DISTINCT transaction_id), 2) AS units_per_transaction
FROM sales_lines
WHERE event_type = 'sale'
  AND business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR store_id = {{store}})
GROUP BY business_date, store_id
ORDER BY business_date, store_id
