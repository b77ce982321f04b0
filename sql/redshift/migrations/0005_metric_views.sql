-- Migration: the retail metric library (docs/architecture.md §5, "Metrics"), one view per metric. The pipeline
-- role only reads them (SELECT, granted on every relation of the schema); analysts and dashboards query them by
-- name. Definitions shared by several views:
-- * A basket is one sale transaction (fact_sales.basket_id of event_type 'sale' lines). Returns are excluded from
--   basket counts, basket value and units per transaction, and from attach rate, cross-sell and loyalty visits.
--   Revenue, margin and units elsewhere are net of returns (returns are negative rows).
-- * Money per store is in the store's currency (`currency`); every total across stores reads v_sales_reporting's
--   *_rpt columns and carries `reporting_currency`.
-- * A period is a calendar month (`month_start`, the month's first day); the stock position is
--   fact_inventory_snapshot (the end-of-day stock estimate stock risk writes), average inventory = the mean over
--   the snapshot dates within the month, valued at dim_product.unit_cost (in the store's currency, as the sales
--   lines' cost is).
-- * The stock lists look at the latest snapshot date D and the 28 days ending on D (D-27..D).

-- How a store's daily target (dim_store.target_daily_revenue, the mean day) is spread over the week: weights by
-- ISO day of week (1 = Monday), averaging 1 so that a week's target is 7 x the daily mean. The admin may change
-- the weights (keeping their mean at 1); the values below are the retail default: weekends heavy, Monday light.
CREATE TABLE IF NOT EXISTS dim_weekday_profile (
  day_of_week SMALLINT     NOT NULL ENCODE raw,
  weight      DECIMAL(6,4) NOT NULL ENCODE az64,
  PRIMARY KEY (day_of_week)
)
DISTSTYLE ALL
SORTKEY (day_of_week);

INSERT INTO dim_weekday_profile (day_of_week, weight)
SELECT d, w FROM (
  SELECT 1 AS d, 0.8500 AS w UNION ALL SELECT 2, 0.9000 UNION ALL SELECT 3, 0.9500 UNION ALL SELECT 4, 1.0000
  UNION ALL SELECT 5, 1.1500 UNION ALL SELECT 6, 1.3000 UNION ALL SELECT 7, 0.8500
) profile
WHERE NOT EXISTS (SELECT 1 FROM dim_weekday_profile);

-- Revenue vs target per store and calendar day (every day of dim_calendar, days without sales at 0), in the
-- store's currency: target = target_daily_revenue x the weekday's weight.
CREATE OR REPLACE VIEW v_metric_revenue_vs_target AS
SELECT
  c.date_key,
  s.store_id,
  COALESCE(s.currency, rc.currency) AS currency,
  c.day_of_week,
  CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,2)) AS net_revenue,
  CAST(s.target_daily_revenue * w.weight AS DECIMAL(18,2)) AS target_revenue,
  CAST(100 * CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,4)) / NULLIF(CAST(s.target_daily_revenue * w.weight AS DECIMAL(18,2)), 0) AS DECIMAL(12,2)) AS pct_of_target
FROM dim_calendar c
CROSS JOIN dim_store s
CROSS JOIN dim_reporting_currency rc
JOIN dim_weekday_profile w ON w.day_of_week = c.day_of_week
LEFT JOIN (
  SELECT date_key, store_id, SUM(net_revenue) AS net_revenue FROM fact_sales GROUP BY date_key, store_id
) f ON f.date_key = c.date_key AND f.store_id = s.store_id;

-- Basket value and units per transaction per store and day (sale baskets only, see above), store currency.
CREATE OR REPLACE VIEW v_metric_basket AS
SELECT
  date_key,
  store_id,
  MAX(currency) AS currency,
  COUNT(*) AS baskets,
  SUM(units) AS units,
  SUM(revenue) AS net_revenue,
  CAST(CAST(SUM(revenue) AS DECIMAL(18,4)) / COUNT(*) AS DECIMAL(18,2)) AS avg_basket_value,
  CAST(CAST(SUM(units) AS DECIMAL(18,4)) / COUNT(*) AS DECIMAL(12,2)) AS units_per_transaction
FROM (
  SELECT date_key, store_id, basket_id, MAX(currency) AS currency, SUM(qty_sold) AS units, SUM(net_revenue) AS revenue
  FROM v_sales_reporting
  WHERE event_type = 'sale'
  GROUP BY date_key, store_id, basket_id
) b
GROUP BY date_key, store_id;

-- Gross margin % per store and day: gross margin / net revenue, both net of returns, store currency.
CREATE OR REPLACE VIEW v_metric_gross_margin AS
SELECT
  date_key,
  store_id,
  MAX(currency) AS currency,
  SUM(net_revenue) AS net_revenue,
  SUM(gross_margin) AS gross_margin,
  CAST(100 * CAST(SUM(gross_margin) AS DECIMAL(18,4)) / NULLIF(SUM(net_revenue), 0) AS DECIMAL(12,2)) AS gross_margin_pct
FROM v_sales_reporting
GROUP BY date_key, store_id;

-- Inventory turnover per store and month: cost of goods sold (net revenue - gross margin) / average inventory at
-- cost (NULL without a snapshot in the month). Not annualised: a month's turnover.
CREATE OR REPLACE VIEW v_metric_inventory_turnover AS
WITH sales AS (
  SELECT f.store_id, CAST(DATE_TRUNC('month', f.date_key) AS DATE) AS month_start,
    SUM(f.net_revenue - f.gross_margin) AS cogs
  FROM fact_sales f
  GROUP BY 1, 2
),
stock AS (
  SELECT store_id, month_start, AVG(inventory_cost) AS avg_inventory_cost
  FROM (
    SELECT r.store_id, CAST(DATE_TRUNC('month', r.date_key) AS DATE) AS month_start, r.date_key,
      SUM(CAST(GREATEST(r.on_hand_qty, 0) AS DECIMAL(18,2)) * p.unit_cost) AS inventory_cost
    FROM fact_inventory_snapshot r
    JOIN dim_product p ON p.sku = r.sku
    GROUP BY 1, 2, 3
  ) d
  GROUP BY store_id, month_start
)
SELECT
  s.store_id,
  s.month_start,
  CAST(s.cogs AS DECIMAL(18,2)) AS cogs,
  CAST(i.avg_inventory_cost AS DECIMAL(18,2)) AS avg_inventory_cost,
  CAST(CAST(s.cogs AS DECIMAL(18,4)) / NULLIF(CAST(i.avg_inventory_cost AS DECIMAL(18,2)), 0) AS DECIMAL(12,2)) AS turnover
FROM sales s
LEFT JOIN stock i ON i.store_id = s.store_id AND i.month_start = s.month_start;

-- GMROI per store and month: gross margin / average inventory at cost (same inventory basis as turnover).
CREATE OR REPLACE VIEW v_metric_gmroi AS
SELECT
  store_id,
  month_start,
  gross_margin,
  avg_inventory_cost,
  CAST(CAST(gross_margin AS DECIMAL(18,4)) / NULLIF(avg_inventory_cost, 0) AS DECIMAL(12,2)) AS gmroi
FROM (
  SELECT t.store_id, t.month_start, CAST(g.gross_margin AS DECIMAL(18,2)) AS gross_margin, t.avg_inventory_cost
  FROM v_metric_inventory_turnover t
  JOIN (
    SELECT store_id, CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start, SUM(gross_margin) AS gross_margin
    FROM fact_sales
    GROUP BY 1, 2
  ) g ON g.store_id = t.store_id AND g.month_start = t.month_start
) m;

-- Sell-through per store, SKU and month, chosen definition: units sold (net of returns) / (units sold + units on
-- hand at the month's last snapshot), in %: the share of the units available in the month that sold.
CREATE OR REPLACE VIEW v_metric_sell_through AS
WITH sold AS (
  SELECT store_id, sku, CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start, SUM(qty_sold) AS units_sold
  FROM fact_sales
  GROUP BY 1, 2, 3
),
ending AS (
  SELECT store_id, sku, month_start, on_hand_qty
  FROM (
    SELECT store_id, sku, CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start, GREATEST(on_hand_qty, 0) AS on_hand_qty,
      ROW_NUMBER() OVER (PARTITION BY store_id, sku, CAST(DATE_TRUNC('month', date_key) AS DATE) ORDER BY date_key DESC) AS rn
    FROM fact_inventory_snapshot
  ) ranked
  WHERE rn = 1
)
SELECT
  s.store_id,
  s.sku,
  s.month_start,
  s.units_sold,
  e.on_hand_qty AS ending_on_hand,
  CAST(100 * CAST(s.units_sold AS DECIMAL(18,4)) / NULLIF(s.units_sold + e.on_hand_qty, 0) AS DECIMAL(12,2)) AS sell_through_pct
FROM sold s
JOIN ending e ON e.store_id = s.store_id AND e.sku = s.sku AND e.month_start = s.month_start;

-- Top SKUs per month across stores: net units and net revenue in the reporting currency, ranked by revenue
-- (revenue_rank 1 = best; filter revenue_rank <= 20 for a top 20).
CREATE OR REPLACE VIEW v_metric_top_skus AS
SELECT
  month_start,
  sku,
  product_name,
  category,
  reporting_currency,
  net_units,
  net_revenue_rpt,
  stores_selling,
  RANK() OVER (PARTITION BY month_start ORDER BY net_revenue_rpt DESC) AS revenue_rank
FROM (
  SELECT
    CAST(DATE_TRUNC('month', v.date_key) AS DATE) AS month_start,
    v.sku,
    COALESCE(p.product_name, v.sku) AS product_name,
    COALESCE(p.category, '(unknown)') AS category,
    MAX(v.reporting_currency) AS reporting_currency,
    SUM(v.qty_sold) AS net_units,
    SUM(v.net_revenue_rpt) AS net_revenue_rpt,
    COUNT(DISTINCT v.store_id) AS stores_selling
  FROM v_sales_reporting v
  LEFT JOIN dim_product p ON p.sku = v.sku
  GROUP BY 1, 2, 3, 4
) m;

-- Region roll-up per day, reporting currency: stores trading, net revenue, gross margin and margin %, sale
-- baskets and average basket value (the basket definition above).
CREATE OR REPLACE VIEW v_metric_region_rollup AS
SELECT
  v.date_key,
  COALESCE(s.region, '(unknown)') AS region,
  MAX(v.reporting_currency) AS reporting_currency,
  COUNT(DISTINCT v.store_id) AS stores,
  SUM(v.net_revenue_rpt) AS net_revenue_rpt,
  SUM(v.gross_margin_rpt) AS gross_margin_rpt,
  CAST(100 * CAST(SUM(v.gross_margin_rpt) AS DECIMAL(18,4)) / NULLIF(SUM(v.net_revenue_rpt), 0) AS DECIMAL(12,2)) AS gross_margin_pct,
  COUNT(DISTINCT CASE WHEN v.event_type = 'sale' THEN v.store_id || '|' || v.basket_id END) AS baskets,
  CAST(CAST(SUM(CASE WHEN v.event_type = 'sale' THEN v.net_revenue_rpt ELSE 0 END) AS DECIMAL(18,4))
    / NULLIF(COUNT(DISTINCT CASE WHEN v.event_type = 'sale' THEN v.store_id || '|' || v.basket_id END), 0) AS DECIMAL(18,2)) AS avg_basket_value_rpt
FROM v_sales_reporting v
LEFT JOIN dim_store s ON s.store_id = v.store_id
GROUP BY v.date_key, COALESCE(s.region, '(unknown)');

-- Category roll-up per day, reporting currency: net units, net revenue, gross margin and margin %.
CREATE OR REPLACE VIEW v_metric_category_rollup AS
SELECT
  v.date_key,
  COALESCE(p.category, '(unknown)') AS category,
  MAX(v.reporting_currency) AS reporting_currency,
  SUM(v.qty_sold) AS net_units,
  SUM(v.net_revenue_rpt) AS net_revenue_rpt,
  SUM(v.gross_margin_rpt) AS gross_margin_rpt,
  CAST(100 * CAST(SUM(v.gross_margin_rpt) AS DECIMAL(18,4)) / NULLIF(SUM(v.net_revenue_rpt), 0) AS DECIMAL(12,2)) AS gross_margin_pct
FROM v_sales_reporting v
LEFT JOIN dim_product p ON p.sku = v.sku
GROUP BY v.date_key, COALESCE(p.category, '(unknown)');

-- Attach rate per store, month and category: of the sale baskets holding the category, the share (in %) that
-- also hold at least one item of another category.
CREATE OR REPLACE VIEW v_metric_attach_rate AS
WITH basket_category AS (
  SELECT DISTINCT f.store_id, CAST(DATE_TRUNC('month', f.date_key) AS DATE) AS month_start,
    f.basket_id, COALESCE(p.category, '(unknown)') AS category
  FROM fact_sales f
  LEFT JOIN dim_product p ON p.sku = f.sku
  WHERE f.event_type = 'sale'
),
categories AS (
  SELECT store_id, basket_id, COUNT(*) AS n FROM basket_category GROUP BY store_id, basket_id
)
SELECT
  b.store_id,
  b.month_start,
  b.category,
  COUNT(*) AS baskets,
  SUM(CASE WHEN c.n > 1 THEN 1 ELSE 0 END) AS attached_baskets,
  CAST(100 * CAST(SUM(CASE WHEN c.n > 1 THEN 1 ELSE 0 END) AS DECIMAL(18,4)) / COUNT(*) AS DECIMAL(12,2)) AS attach_rate_pct
FROM basket_category b
JOIN categories c ON c.store_id = b.store_id AND c.basket_id = b.basket_id
GROUP BY b.store_id, b.month_start, b.category;

-- Cross-sell pairs over all sale baskets of all stores: for SKUs a < b, support = baskets with both / all
-- baskets, confidence a->b = baskets with both / baskets with a (and b->a), lift = support / (support(a) x
-- support(b)). Only pairs in at least 3 baskets (the minimum support) and with lift > 1.
CREATE OR REPLACE VIEW v_metric_cross_sell_pairs AS
WITH items AS (
  SELECT DISTINCT store_id, basket_id, sku FROM fact_sales WHERE event_type = 'sale'
),
total AS (
  SELECT COUNT(*) AS baskets FROM (SELECT DISTINCT store_id, basket_id FROM items) b
),
single AS (
  SELECT sku, COUNT(*) AS baskets FROM items GROUP BY sku
),
pairs AS (
  SELECT a.sku AS sku_a, b.sku AS sku_b, COUNT(*) AS baskets
  FROM items a
  JOIN items b ON b.store_id = a.store_id AND b.basket_id = a.basket_id AND b.sku > a.sku
  GROUP BY a.sku, b.sku
  HAVING COUNT(*) >= 3
)
SELECT
  p.sku_a,
  p.sku_b,
  p.baskets AS pair_baskets,
  CAST(CAST(p.baskets AS DECIMAL(18,6)) / t.baskets AS DECIMAL(12,4)) AS support,
  CAST(CAST(p.baskets AS DECIMAL(18,6)) / sa.baskets AS DECIMAL(12,4)) AS confidence_a_to_b,
  CAST(CAST(p.baskets AS DECIMAL(18,6)) / sb.baskets AS DECIMAL(12,4)) AS confidence_b_to_a,
  -- in FLOAT8: a DECIMAL product of counts would outgrow Redshift's 38 digits of division precision
  CAST(CAST(p.baskets AS FLOAT8) * t.baskets / (CAST(sa.baskets AS FLOAT8) * sb.baskets) AS DECIMAL(12,4)) AS lift
FROM pairs p
CROSS JOIN total t
JOIN single sa ON sa.sku = p.sku_a
JOIN single sb ON sb.sku = p.sku_b
-- lift > 1, compared exactly in whole numbers
WHERE p.baskets * t.baskets > sa.baskets * sb.baskets;

-- Loyalty per store and month, store currency: a visit is a sale basket with a customer_id. Spend per visit =
-- those baskets' net revenue / visits; repeat rate = customers with 2 or more visits in the month / customers, in %.
CREATE OR REPLACE VIEW v_metric_loyalty AS
WITH visits AS (
  SELECT store_id, CAST(DATE_TRUNC('month', date_key) AS DATE) AS month_start,
    basket_id, MAX(customer_id) AS customer_id, MAX(currency) AS currency, SUM(net_revenue) AS revenue
  FROM v_sales_reporting
  WHERE event_type = 'sale' AND customer_id IS NOT NULL
  GROUP BY 1, 2, 3
),
customers AS (
  SELECT store_id, month_start, customer_id, COUNT(*) AS visits FROM visits GROUP BY store_id, month_start, customer_id
)
SELECT
  v.store_id,
  v.month_start,
  MAX(v.currency) AS currency,
  COUNT(*) AS visits,
  COUNT(DISTINCT v.customer_id) AS customers,
  SUM(v.revenue) AS loyalty_revenue,
  CAST(CAST(SUM(v.revenue) AS DECIMAL(18,4)) / COUNT(*) AS DECIMAL(18,2)) AS spend_per_visit,
  CAST(100 * CAST(MAX(r.repeaters) AS DECIMAL(18,4)) / COUNT(DISTINCT v.customer_id) AS DECIMAL(12,2)) AS repeat_rate_pct
FROM visits v
JOIN (
  SELECT store_id, month_start, SUM(CASE WHEN visits >= 2 THEN 1 ELSE 0 END) AS repeaters FROM customers GROUP BY store_id, month_start
) r ON r.store_id = v.store_id AND r.month_start = v.month_start
GROUP BY v.store_id, v.month_start;

-- The stock position the three stock lists read: per store and SKU on the latest snapshot date D, on hand, the
-- units sold (net) and the last sale in the 28 days D-27..D, the cover in days at that pace, the lead time.
CREATE OR REPLACE VIEW v_metric_stock_position AS
WITH latest AS (
  SELECT MAX(date_key) AS as_of_date FROM fact_inventory_snapshot
),
recent AS (
  SELECT f.store_id, f.sku, SUM(f.qty_sold) AS units_28d,
    MAX(CASE WHEN f.event_type = 'sale' THEN f.date_key END) AS last_sale_date
  FROM fact_sales f
  CROSS JOIN latest l
  WHERE f.date_key <= l.as_of_date AND f.date_key > DATEADD(day, -28, l.as_of_date)
  GROUP BY f.store_id, f.sku
)
SELECT
  r.date_key AS as_of_date,
  r.store_id,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  r.on_hand_qty,
  CAST(CAST(r.on_hand_qty AS DECIMAL(18,2)) * p.unit_cost AS DECIMAL(18,2)) AS stock_value_cost,
  COALESCE(s.units_28d, 0) AS units_28d,
  s.last_sale_date,
  CASE WHEN s.units_28d > 0 THEN CAST(CAST(r.on_hand_qty AS DECIMAL(18,4)) * 28 / s.units_28d AS DECIMAL(12,1)) END AS cover_days,
  p.lead_time_days
FROM fact_inventory_snapshot r
JOIN latest l ON r.date_key = l.as_of_date
LEFT JOIN recent s ON s.store_id = r.store_id AND s.sku = r.sku
LEFT JOIN dim_product p ON p.sku = r.sku;

-- Dead stock: on hand > 0 and no sale in the 28 days D-27..D.
CREATE OR REPLACE VIEW v_metric_dead_stock AS
SELECT as_of_date, store_id, sku, product_name, on_hand_qty, stock_value_cost
FROM v_metric_stock_position
WHERE on_hand_qty > 0 AND last_sale_date IS NULL;

-- Slow movers: on hand > 0, sold in the 28 days, but the 28-day sell-through (units / (units + on hand)) is
-- below 20%, i.e. on hand is more than 4 x the 28 days' units.
CREATE OR REPLACE VIEW v_metric_slow_movers AS
SELECT as_of_date, store_id, sku, product_name, on_hand_qty, units_28d, cover_days, stock_value_cost
FROM v_metric_stock_position
WHERE on_hand_qty > 0 AND last_sale_date IS NOT NULL AND units_28d > 0 AND on_hand_qty > 4 * units_28d;

-- Overstock: on hand > 0, sold in the 28 days, and the cover at the 28 days' pace is above 3 x the lead time
-- (the overstockCover default of stock risk).
CREATE OR REPLACE VIEW v_metric_overstock AS
SELECT as_of_date, store_id, sku, product_name, on_hand_qty, units_28d, cover_days, lead_time_days, stock_value_cost
FROM v_metric_stock_position
WHERE on_hand_qty > 0 AND units_28d > 0 AND cover_days > 3 * lead_time_days;
