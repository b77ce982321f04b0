-- Top SKUs by net revenue over a range of business dates: net units (returns netted out), net revenue and the
-- stores selling them. Amounts are in the stores' own currencies, added as they are: with stores in several
-- currencies, pick one with `store` (or use the warehouse view v_metric_top_skus, in the reporting currency).
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- @param limit integer = 20 | how many SKUs (default: 20)
-- per SKU first (a catalog's worth of groups), the top ones ranked; then the stores selling only those SKUs:
-- grouping every line by SKU and store (millions of groups at a chain's scale) only to count stores took seconds
WITH by_sku AS (
  SELECT sku, SUM(quantity) AS net_units, SUM(net_revenue) AS net_revenue
  FROM sales_lines
  WHERE business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY sku
),
top AS (
  SELECT sku, net_units, net_revenue
  FROM by_sku
  ORDER BY net_revenue DESC, sku
  LIMIT {{limit}}
),
stores AS (
  SELECT l.sku, COUNT(DISTINCT l.store_id) AS stores_selling
  FROM sales_lines l
  JOIN top t ON t.sku = l.sku
  WHERE l.business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR l.store_id = {{store}})
  GROUP BY l.sku
)
SELECT
  t.sku,
  p.product_name,
  p.category,
  t.net_units,
  t.net_revenue,
  c.stores_selling
FROM top t
JOIN stores c ON c.sku = t.sku
LEFT JOIN products p ON p.sku = t.sku
ORDER BY t.net_revenue DESC, t.sku
