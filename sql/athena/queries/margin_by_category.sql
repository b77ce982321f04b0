-- Gross margin and margin % by product category over a range of business dates (margin = net revenue -
-- quantity x unit cost; returns negative). Amounts in the stores' own currencies, added as they are: with stores
-- in several currencies, pick one with `store` (or use the warehouse view v_metric_category_rollup).
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
-- per SKU first, then the (few thousand) SKUs joined to their category
WITH by_sku AS (
  SELECT sku, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin
  FROM sales_lines
  WHERE business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY sku
)
SELECT
  COALESCE(p.category, '(unknown)') AS category,
  SUM(s.net_revenue) AS net_revenue,
  SUM(s.gross_margin) AS gross_margin,
  ROUND(100 * SUM(s.gross_margin) / NULLIF(SUM(s.net_revenue), 0), 1) AS margin_pct
FROM by_sku s
LEFT JOIN products p ON p.sku = s.sku
GROUP BY COALESCE(p.category, '(unknown)')
ORDER BY gross_margin DESC, category
