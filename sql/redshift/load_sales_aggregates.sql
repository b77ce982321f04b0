-- agg_category_day (migration 0010) rebuilt for the business dates in the work list stg_sales_agg_dates: the dates
-- whose sales a load replaced (load_sales_lines.sql), those with sales of a SKU whose category it changed
-- (load_reference.sql), and those a reload cleared (clear_fact_dates.sql). Runs in the derived-tables batch, after
-- the load's transaction committed: each listed date's rows are what the GROUP BY of fact_sales and dim_product
-- gives now (none for a date without sales). Then the list is emptied; it is durable, so a refresh that failed is
-- made whole by the next one. No placeholders.
DELETE FROM agg_category_day
WHERE date_key IN (SELECT date_key FROM stg_sales_agg_dates);

INSERT INTO agg_category_day (date_key, store_id, category, paired_category, net_units, net_revenue, gross_margin, baskets, attached_baskets)
WITH lines AS (
  SELECT f.date_key, f.store_id, f.basket_id, f.event_type, f.qty_sold, f.net_revenue, f.gross_margin, COALESCE(p.category, '(unknown)') AS category
  FROM fact_sales f
  LEFT JOIN dim_product p ON p.sku = f.sku
  WHERE f.date_key IN (SELECT date_key FROM stg_sales_agg_dates)
),
basket_categories AS (
  -- each sale basket's categories, with how many it has. Read from the facts again, not from lines: a CTE read
  -- twice is materialized by DuckDB, which cost more than the second scan (10M lines of a month's execution: 4 s to
  -- build, 5.4 s to read back)
  SELECT date_key, store_id, basket_id, category, COUNT(*) OVER (PARTITION BY date_key, store_id, basket_id) AS categories
  FROM (
    SELECT DISTINCT f.date_key, f.store_id, f.basket_id, COALESCE(p.category, '(unknown)') AS category
    FROM fact_sales f
    LEFT JOIN dim_product p ON p.sku = f.sku
    WHERE f.date_key IN (SELECT date_key FROM stg_sales_agg_dates)
      AND f.event_type = 'sale'
  ) d
),
category_baskets AS (
  SELECT date_key, store_id, category, COUNT(*) AS baskets, SUM(CASE WHEN categories > 1 THEN 1 ELSE 0 END) AS attached_baskets
  FROM basket_categories
  GROUP BY date_key, store_id, category
)
SELECT a.date_key, a.store_id, a.category, a.category, a.net_units, a.net_revenue, a.gross_margin, COALESCE(b.baskets, 0), COALESCE(b.attached_baskets, 0)
FROM (
  SELECT date_key, store_id, category, SUM(qty_sold) AS net_units, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin
  FROM lines
  GROUP BY date_key, store_id, category
) a
LEFT JOIN category_baskets b ON b.date_key = a.date_key AND b.store_id = a.store_id AND b.category = a.category
UNION ALL
SELECT x.date_key, x.store_id, x.category, y.category, 0, 0, 0, COUNT(*), 0
FROM basket_categories x
JOIN basket_categories y ON y.date_key = x.date_key AND y.store_id = x.store_id AND y.basket_id = x.basket_id AND y.category > x.category
-- only a basket of two categories or more has a pair: the others stay out of the join
WHERE x.categories > 1 AND y.categories > 1
GROUP BY x.date_key, x.store_id, x.category, y.category;


-- agg_store_day (migration 0012) rebuilt for the same listed dates: per store-day the sums of its lines (all, sale
-- lines, sale lines with a customer) and its sale baskets, from fact_sales and fact_basket as they are now.
DELETE FROM agg_store_day
WHERE date_key IN (SELECT date_key FROM stg_sales_agg_dates);

INSERT INTO agg_store_day (date_key, store_id, net_units, net_revenue, gross_margin, basket_lines, basket_units, basket_revenue, loyalty_revenue, baskets, loyalty_visits)
SELECT a.date_key, a.store_id, a.net_units, a.net_revenue, a.gross_margin, a.basket_lines, a.basket_units, a.basket_revenue, a.loyalty_revenue,
  COALESCE(b.baskets, 0), COALESCE(b.loyalty_visits, 0)
FROM (
  SELECT date_key, store_id,
    SUM(units) AS net_units,
    SUM(net_revenue) AS net_revenue,
    SUM(gross_margin) AS gross_margin,
    SUM(CASE WHEN event_type = 'sale' THEN lines ELSE 0 END) AS basket_lines,
    SUM(CASE WHEN event_type = 'sale' THEN units ELSE 0 END) AS basket_units,
    SUM(CASE WHEN event_type = 'sale' THEN net_revenue ELSE 0 END) AS basket_revenue,
    SUM(CASE WHEN event_type = 'sale' AND with_customer THEN net_revenue ELSE 0 END) AS loyalty_revenue
  FROM (
    SELECT date_key, store_id, event_type, customer_id IS NOT NULL AS with_customer,
      SUM(CAST(qty_sold AS BIGINT)) AS units, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin, COUNT(*) AS lines
    FROM fact_sales
    WHERE date_key IN (SELECT date_key FROM stg_sales_agg_dates)
    GROUP BY date_key, store_id, event_type, customer_id IS NOT NULL
  ) parts
  GROUP BY date_key, store_id
) a
LEFT JOIN (
  SELECT date_key, store_id, COUNT(*) AS baskets, COUNT(customer_id) AS loyalty_visits
  FROM fact_basket
  WHERE event_type = 'sale' AND date_key IN (SELECT date_key FROM stg_sales_agg_dates)
  GROUP BY date_key, store_id
) b ON b.date_key = a.date_key AND b.store_id = a.store_id;

-- agg_sku_day (migration 0013) rebuilt for the same dates: per date and SKU, the units and the reporting-currency
-- revenue of each store's lines converted once at the date's rate, summed over the stores (the rows of the data
-- set sku_day_sales summed over its stores). load_reference.sql also lists the dates whose conversion changes.
DELETE FROM agg_sku_day
WHERE date_key IN (SELECT date_key FROM stg_sales_agg_dates);

INSERT INTO agg_sku_day (date_key, sku, net_units, net_revenue_rpt)
SELECT v.date_key, v.sku, SUM(v.net_units),
  SUM(CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN CAST(v.net_revenue AS DECIMAL(38,2))
      ELSE CAST(CAST(v.net_revenue AS DECIMAL(38,2)) * x.rate AS DECIMAL(38,2)) END)
FROM (
  SELECT date_key, store_id, sku, SUM(qty_sold) AS net_units, SUM(net_revenue) AS net_revenue
  FROM fact_sales
  WHERE date_key IN (SELECT date_key FROM stg_sales_agg_dates)
  GROUP BY date_key, store_id, sku
) v
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = v.store_id
LEFT JOIN v_exchange_rate_daily x ON x.currency = s.currency AND x.date_key = v.date_key
GROUP BY v.date_key, v.sku;

DELETE FROM stg_sales_agg_dates;
