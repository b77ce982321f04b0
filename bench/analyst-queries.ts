/** The analyst queries the benchmark times over the curated tables (the same SQL runs in Athena). */
export const ANALYST_QUERIES: { name: string; sql: string }[] = [
  { name: 'revenue by store and day', sql: `SELECT store_id, business_date, sum(net_revenue) AS revenue, sum(gross_margin) AS margin FROM sales_lines GROUP BY store_id, business_date ORDER BY store_id, business_date` },
  { name: 'top 20 SKUs by revenue', sql: `SELECT sku, sum(quantity) AS units, sum(net_revenue) AS revenue FROM sales_lines GROUP BY sku ORDER BY revenue DESC LIMIT 20` },
  { name: 'basket size and value', sql: `SELECT store_id, avg(lines) AS lines_per_basket, avg(value) AS basket_value FROM (SELECT store_id, transaction_id, count(*) AS lines, sum(net_revenue) AS value FROM sales_lines WHERE event_type = 'sale' GROUP BY store_id, transaction_id) GROUP BY store_id` },
  { name: 'margin % by store', sql: `SELECT store_id, 100 * sum(gross_margin) / nullif(sum(net_revenue), 0) AS margin_pct FROM sales_lines GROUP BY store_id ORDER BY margin_pct` },
  { name: 'return rate by store', sql: `SELECT store_id, count(*) FILTER (WHERE event_type = 'return') * 1.0 / count(*) AS return_rate FROM sales_lines GROUP BY store_id` },
  { name: 'one day (partition pruning)', sql: `SELECT store_id, sum(net_revenue) AS revenue FROM sales_lines WHERE business_date = (SELECT max(business_date) FROM sales_lines) GROUP BY store_id` },
  { name: 'loyalty share', sql: `SELECT payment_method, count(DISTINCT customer_id) AS members, sum(net_revenue) FILTER (WHERE customer_id IS NOT NULL) / sum(net_revenue) AS loyalty_share FROM sales_lines GROUP BY payment_method` },
];

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
