-- What the batch adds to the curated tables on each business date (CurateResult.dateTotals, the lake side of the
-- per-date reconcile): sales lines, net revenue in integer cents (exact: net_revenue is DECIMAL(18,2), so its sum
-- times 100 is a whole number), inventory events. Purchase orders count as inventory events (the warehouse side
-- counts them so too); a receipt's link row in purchase_orders is not counted again (its adjustment already is).
-- The curate Lambda and the Glue job run this same query.
-- Inputs: new_sales_lines, new_inventory_events, new_purchase_orders.
SELECT
  business_date,
  CAST(sum(sales_lines) AS BIGINT) AS sales_lines,
  CAST(sum(net_revenue_cents) AS BIGINT) AS net_revenue_cents,
  CAST(sum(inventory_events) AS BIGINT) AS inventory_events
FROM (
  SELECT business_date, count(*) AS sales_lines, CAST(sum(net_revenue) * 100 AS BIGINT) AS net_revenue_cents, 0 AS inventory_events
  FROM new_sales_lines GROUP BY business_date
  UNION ALL
  SELECT business_date, 0 AS sales_lines, 0 AS net_revenue_cents, count(*) AS inventory_events
  FROM new_inventory_events GROUP BY business_date
  UNION ALL
  SELECT business_date, 0 AS sales_lines, 0 AS net_revenue_cents, count(*) AS inventory_events
  FROM new_purchase_orders WHERE event_type = 'purchase_order' GROUP BY business_date
) per_table
GROUP BY business_date
ORDER BY business_date
