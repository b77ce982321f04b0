-- Top SKUs by net revenue over a range of business dates: net units (returns netted out), net revenue and the
-- stores selling them. Amounts are in the stores' own currencies, added as they are: with stores in several
-- currencies, pick one with `store` (or use the warehouse view v_metric_top_skus, in the reporting currency).
-- @param from date = (SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- @param limit integer = 20 | how many SKUs (default: 20)
SELECT
  s.sku,
  p.product_name,
  p.category,
  SUM(s.quantity) AS net_units,
  SUM(s.net_revenue) AS net_revenue,
  COUNT(DISTINCT s.store_id) AS stores_selling
FROM sales_lines s
LEFT JOIN products p ON p.sku = s.sku
WHERE s.business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR s.store_id = {{store}})
GROUP BY s.sku, p.product_name, p.category
ORDER BY net_revenue DESC, s.sku
LIMIT {{limit}}
