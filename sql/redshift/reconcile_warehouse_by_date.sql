-- Reconcile: what the warehouse holds per business date, compared with the run records' per-date totals
-- (functions/pipeline/reconcile/reconcile.ts): no scan of the lake. One row per date_key present in fact_sales,
-- fact_inventory_event or fact_purchase_order: business_date, sales_lines, net_revenue_cents (exact: the
-- DECIMAL(38,2) sum x 100, multiplied after summing so no DECIMAL(18,2) value overflows), inventory_events
-- (purchase orders counted with them, as sql/transform/date_totals.sql does; a receipt's link row is not: its
-- adjustment is already in fact_inventory_event).
-- And the tables kept at load from fact_sales, against it (code from before them loads fact_sales without them, as
-- a rolled-back deploy does): units (fact_sales), basket_lines (fact_basket's lines, migration 0009),
-- aggregate_units and aggregate_revenue_cents (agg_category_day's rows of one category, migration 0010),
-- store_day_units and store_day_revenue_cents (agg_store_day, migration 0012), sku_day_units (agg_sku_day,
-- migration 0013: its revenue is in the reporting currency, so only its units compare).
-- And the sale baskets, against the lake's store_day_baskets (functions/pipeline/reconcile/basket-check.ts):
-- sale_baskets (fact_basket's sale rows), sale_units and sale_revenue_cents (fact_sales' sale lines).
SELECT
  business_date,
  sum(sales_lines) AS sales_lines,
  sum(net_revenue_cents) AS net_revenue_cents,
  sum(inventory_events) AS inventory_events,
  sum(units) AS units,
  sum(basket_lines) AS basket_lines,
  sum(aggregate_units) AS aggregate_units,
  sum(aggregate_revenue_cents) AS aggregate_revenue_cents,
  sum(store_day_units) AS store_day_units,
  sum(store_day_revenue_cents) AS store_day_revenue_cents,
  sum(sku_day_units) AS sku_day_units,
  sum(sale_baskets) AS sale_baskets,
  sum(sale_units) AS sale_units,
  sum(sale_revenue_cents) AS sale_revenue_cents
FROM (
  SELECT date_key AS business_date, count(*) AS sales_lines, sum(net_revenue) * 100 AS net_revenue_cents, 0 AS inventory_events,
    sum(CAST(qty_sold AS BIGINT)) AS units, 0 AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, 0 AS sku_day_units, 0 AS sale_baskets,
    sum(CASE WHEN event_type = 'sale' THEN CAST(qty_sold AS BIGINT) ELSE 0 END) AS sale_units,
    sum(CASE WHEN event_type = 'sale' THEN net_revenue ELSE 0 END) * 100 AS sale_revenue_cents
  FROM fact_sales
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, count(*) AS inventory_events,
    0 AS units, 0 AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, 0 AS sku_day_units, 0 AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM fact_inventory_event
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, count(*) AS inventory_events,
    0 AS units, 0 AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, 0 AS sku_day_units, 0 AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM fact_purchase_order
  WHERE event_type = 'purchase_order'
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, 0 AS inventory_events,
    0 AS units, sum(CAST(lines AS BIGINT)) AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, 0 AS sku_day_units,
    sum(CASE WHEN event_type = 'sale' THEN 1 ELSE 0 END) AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM fact_basket
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, 0 AS inventory_events,
    0 AS units, 0 AS basket_lines, sum(net_units) AS aggregate_units, sum(net_revenue) * 100 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, 0 AS sku_day_units, 0 AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM agg_category_day
  WHERE category = paired_category
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, 0 AS inventory_events,
    0 AS units, 0 AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    sum(net_units) AS store_day_units, sum(net_revenue) * 100 AS store_day_revenue_cents, 0 AS sku_day_units, 0 AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM agg_store_day
  GROUP BY date_key
  UNION ALL
  SELECT date_key AS business_date, 0 AS sales_lines, 0 AS net_revenue_cents, 0 AS inventory_events,
    0 AS units, 0 AS basket_lines, 0 AS aggregate_units, 0 AS aggregate_revenue_cents,
    0 AS store_day_units, 0 AS store_day_revenue_cents, sum(CAST(net_units AS BIGINT)) AS sku_day_units,
    0 AS sale_baskets, 0 AS sale_units, 0 AS sale_revenue_cents
  FROM agg_sku_day
  GROUP BY date_key
) AS by_table
GROUP BY business_date
ORDER BY business_date
