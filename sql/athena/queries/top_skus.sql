-- The 20 best-selling SKUs by net revenue over a date range, with units sold (returns netted out).
SELECT
  s.sku,
  p.product_name,
  p.category,
  SUM(s.quantity) AS net_units,
  SUM(s.net_revenue) AS net_revenue,
  COUNT(DISTINCT s.store_id) AS stores_selling
FROM sales_lines s
LEFT JOIN products p ON p.sku = s.sku
WHERE s.business_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
GROUP BY s.sku, p.product_name, p.category
ORDER BY net_revenue DESC
LIMIT 20
