-- Top SKUs by net revenue over a range of business dates: net units (returns netted out), net revenue and the
-- stores selling them. Amounts are in the stores' own currencies, added as they are: with stores in several
-- currencies, pick one with `store` (or use the warehouse view v_metric_top_skus, in the reporting currency).
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- @param limit integer = 20 | how many SKUs (default: 20)
-- per SKU and store first, then per SKU (stores_selling counts the groups, no COUNT(DISTINCT)), then the names
WITH by_store AS (
  SELECT sku, store_id, SUM(quantity) AS net_units, SUM(net_revenue) AS net_revenue
  FROM sales_lines
  WHERE business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY sku, store_id
),
by_sku AS (
  SELECT sku, SUM(net_units) AS net_units, SUM(net_revenue) AS net_revenue, COUNT(*) AS stores_selling
  FROM by_store
  GROUP BY sku
)
SELECT
  s.sku,
  p.product_name,
  p.category,
  s.net_units,
  s.net_revenue,
  s.stores_selling
FROM by_sku s
LEFT JOIN products p ON p.sku = s.sku
ORDER BY s.net_revenue DESC, s.sku
LIMIT {{limit}}
