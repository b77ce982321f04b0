-- Gross margin and margin % by product category (margin = net revenue - quantity x unit cost, returns negative).
SELECT
  COALESCE(p.category, '(unknown)') AS category,
  SUM(s.net_revenue) AS net_revenue,
  SUM(s.gross_margin) AS gross_margin,
  ROUND(100 * SUM(s.gross_margin) / NULLIF(SUM(s.net_revenue), 0), 1) AS margin_pct
FROM sales_lines s
LEFT JOIN products p ON p.sku = s.sku
WHERE s.business_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
GROUP BY COALESCE(p.category, '(unknown)')
ORDER BY gross_margin DESC
