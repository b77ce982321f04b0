-- Stock risk as of {{as_of_date}} for the store-SKUs of stock_risk_scope (the run's scope: stock_risk_scope.sql),
-- written to fact_inventory_snapshot (their rows of that date replaced: the statements run in one transaction, so
-- a rerun gives the same rows). A row depends only on its own store-SKU's facts (and its store's sales history),
-- so a scoped run gives each evaluated store-SKU exactly what a run over all of them gives. As-of correct: only
-- facts and receipts with date_key <= the as-of date, orders placed on or before it, forecast models fitted
-- through it at the latest.
-- Placeholders: as_of_date; fallback_demand_sql (demand_average.sql: store_id, sku, avg_daily_demand, sigma_daily,
-- for the store-SKUs of fallback_scope);
-- z (the service level's normal quantile), review_days, default_lead_days, dead_stock_start (first date of the
-- dead-stock window), overstock_cover.
--
-- Per store and SKU with at least one stock count (inventory_snapshot event):
--   on hand        = the latest count + adjustments after it - units sold after it + units returned after it
--                    ("after" compares UTC timestamps; fact_sales.qty_sold is negative for returns);
--   open orders    = per order line (po_id, sku) placed by the as-of date: ordered - received so far, arriving on
--                    its expected date (an overdue one on the next day);
--   daily forecast = the fitted model (GREATEST(0, level + trend * h + season of the ISO weekday), h = days after
--                    fitted_through), or without one the average daily demand of the fallback with its sigma;
--   projection     = on hand (at least 0) - cumulative forecast + open orders arrived, each day k = 1 .. L + review
--                    (L = the product's lead time); stockout = the first day it is below half a unit once at
--                    least half a unit of demand is expected (stock of a SKU nobody buys does not "run out");
--   safety stock   = z * sigma * sqrt(L); reorder point = forecast demand over L + safety stock;
--   order by       = the last day an order placed then (arriving L days later) still lands before the projection
--                    falls below safety stock (today at the earliest; NULL when it does not within the horizon);
--   suggested qty  = forecast demand over L + review + safety stock - on hand - everything on order, at least 0;
--   risk_flag      = 'critical' when it runs out within ceil(L / 2) days, 'high' within L days, else 'ok': a flag
--                    means "runs out within its lead time unless someone orders", open orders counted;
--   stock_flag     = 'dead' (on hand, no sale since dead_stock_start, and the store has sales history that
--                    long), else 'overstock' (on hand above overstock_cover x L days of forecast), else NULL.
DELETE FROM fact_inventory_snapshot
USING stock_risk_scope sc
WHERE fact_inventory_snapshot.date_key = CAST('{{as_of_date}}' AS DATE)
  AND sc.store_id = fact_inventory_snapshot.store_id
  AND sc.sku = fact_inventory_snapshot.sku;

INSERT INTO fact_inventory_snapshot (
  date_key, timestamp_utc, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand,
  on_order_qty, next_arrival_date, stockout_date, order_by_date, suggested_qty, safety_stock, forecast_daily, stock_flag
)
WITH digits AS (
  SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
-- 0..999 from digits: Redshift runs generate_series on the leader node only and cannot join it to a table
numbers AS (
  SELECT a.d + 10 * b.d + 100 * c.d AS n
  FROM digits a CROSS JOIN digits b CROSS JOIN digits c
),
last_count AS (
  SELECT store_id, sku, timestamp_utc, on_hand_qty
  FROM (
    SELECT
      e.store_id, e.sku, e.timestamp_utc, e.on_hand_qty,
      ROW_NUMBER() OVER (PARTITION BY e.store_id, e.sku ORDER BY e.timestamp_utc DESC, e.event_id DESC) AS rn
    FROM fact_inventory_event e
    JOIN stock_risk_scope sc ON sc.store_id = e.store_id AND sc.sku = e.sku
    WHERE e.event_type = 'inventory_snapshot'
      AND e.date_key <= CAST('{{as_of_date}}' AS DATE)
  ) ranked
  WHERE rn = 1
),
adjusted AS (
  SELECT c.store_id, c.sku, SUM(e.quantity_change) AS qty, MAX(e.timestamp_utc) AS last_at
  FROM last_count c
  JOIN fact_inventory_event e ON e.store_id = c.store_id AND e.sku = c.sku
  WHERE e.event_type = 'inventory_adjustment'
    AND e.timestamp_utc > c.timestamp_utc
    AND e.date_key <= CAST('{{as_of_date}}' AS DATE)
  GROUP BY c.store_id, c.sku
),
-- the lines after the count (qty, last_at: NULL when none), and whether a sale fell in the dead-stock window, in one
-- join: as two, DuckDB built a hash table of the month's fact_sales for each (7.5 s apiece over 30.8M lines)
sold AS (
  SELECT
    c.store_id, c.sku,
    SUM(CASE WHEN f.timestamp_utc > c.timestamp_utc THEN f.qty_sold END) AS qty,
    MAX(CASE WHEN f.timestamp_utc > c.timestamp_utc THEN f.timestamp_utc END) AS last_at,
    MAX(CASE WHEN f.qty_sold > 0 AND f.date_key >= CAST('{{dead_stock_start}}' AS DATE) THEN 1 ELSE 0 END) AS sold_lately
  FROM last_count c
  JOIN fact_sales f ON f.store_id = c.store_id AND f.sku = c.sku
  WHERE f.date_key <= CAST('{{as_of_date}}' AS DATE)
    AND (f.timestamp_utc > c.timestamp_utc OR f.date_key >= CAST('{{dead_stock_start}}' AS DATE))
  GROUP BY c.store_id, c.sku
),
po_lines AS (
  SELECT
    store_id, sku, po_id,
    SUM(CASE WHEN event_type = 'purchase_order' THEN CAST(quantity AS BIGINT) ELSE 0 END) AS ordered,
    SUM(CASE WHEN event_type = 'receipt' THEN CAST(quantity AS BIGINT) ELSE 0 END) AS received,
    MAX(expected_date) AS expected_date
  FROM fact_purchase_order o
  WHERE o.date_key <= CAST('{{as_of_date}}' AS DATE)
    -- only a counted store-SKU is evaluated (a fifth of the scope at a month's history)
    AND EXISTS (SELECT 1 FROM last_count c WHERE c.store_id = o.store_id AND c.sku = o.sku)
  GROUP BY store_id, sku, po_id
),
open_orders AS (
  SELECT
    store_id, sku, ordered - received AS open_qty,
    CASE
      WHEN expected_date > CAST('{{as_of_date}}' AS DATE) THEN expected_date
      ELSE CAST(DATEADD(day, 1, CAST('{{as_of_date}}' AS DATE)) AS DATE)
    END AS arrival_date
  FROM po_lines
  WHERE ordered > received
),
on_order AS (
  SELECT store_id, sku, SUM(open_qty) AS on_order_qty, MIN(arrival_date) AS next_arrival_date
  FROM open_orders
  GROUP BY store_id, sku
),
arrivals AS (
  SELECT store_id, sku, DATEDIFF(day, CAST('{{as_of_date}}' AS DATE), arrival_date) AS k, SUM(open_qty) AS qty
  FROM open_orders
  GROUP BY store_id, sku, DATEDIFF(day, CAST('{{as_of_date}}' AS DATE), arrival_date)
),
model AS (
  SELECT *
  FROM forecast_model
  WHERE fitted_through <= CAST('{{as_of_date}}' AS DATE)
),
-- the store-SKUs that need the fallback demand: counted, with no model
fallback_scope AS (
  SELECT c.store_id, c.sku
  FROM last_count c
  WHERE NOT EXISTS (SELECT 1 FROM model m WHERE m.store_id = c.store_id AND m.sku = c.sku)
),
fallback AS (
{{fallback_demand_sql}}
),
inputs AS (
  SELECT
    c.store_id,
    c.sku,
    -- Counts and adjustments are each valid INTEGERs, their sum need not be: add in BIGINT, store at the column's
    -- bound (2^31 - 1 units is far past any risk threshold, so the flag is the same).
    LEAST(GREATEST(CAST(c.on_hand_qty AS BIGINT) + COALESCE(a.qty, 0) - COALESCE(s.qty, 0), -2147483648), 2147483647) AS on_hand_qty,
    GREATEST(c.timestamp_utc, COALESCE(a.last_at, c.timestamp_utc), COALESCE(s.last_at, c.timestamp_utc)) AS timestamp_utc,
    COALESCE(s.sold_lately, 0) AS sold_lately,
    CASE WHEN COALESCE(p.lead_time_days, {{default_lead_days}}) < 1 THEN 1 ELSE COALESCE(p.lead_time_days, {{default_lead_days}}) END AS lead_days,
    CAST(CASE WHEN m.store_id IS NOT NULL THEN m.sigma ELSE COALESCE(f.sigma_daily, 0) END AS DECIMAL(18,6)) AS sigma,
    COALESCE(o.on_order_qty, 0) AS on_order_qty,
    o.next_arrival_date,
    -- the daily forecast's inputs, so the per-day rows below need no join (forecast_model's key is store_id, sku)
    CASE WHEN m.store_id IS NULL THEN 0 ELSE 1 END AS has_model,
    m.level AS model_level, m.trend AS model_trend, m.fitted_through AS model_fitted_through,
    m.season_1, m.season_2, m.season_3, m.season_4, m.season_5, m.season_6, m.season_7,
    f.avg_daily_demand AS fallback_daily
  FROM last_count c
  LEFT JOIN adjusted a ON a.store_id = c.store_id AND a.sku = c.sku
  LEFT JOIN sold s ON s.store_id = c.store_id AND s.sku = c.sku
  LEFT JOIN dim_product p ON p.sku = c.sku
  LEFT JOIN model m ON m.store_id = c.store_id AND m.sku = c.sku
  LEFT JOIN fallback f ON f.store_id = c.store_id AND f.sku = c.sku
  LEFT JOIN on_order o ON o.store_id = c.store_id AND o.sku = c.sku
),
positioned AS (
  SELECT
    i.*,
    CASE WHEN i.on_hand_qty > 0 THEN i.on_hand_qty ELSE 0 END AS stock,
    CAST({{z}} * CAST(i.sigma AS DOUBLE PRECISION) * SQRT(CAST(i.lead_days AS DOUBLE PRECISION)) AS DECIMAL(12,2)) AS safety_stock,
    -- a whole-number key for the per-day rows (a store-SKU has L + review of them): their joins and groups are on
    -- it rather than on two strings. Ordered, so an engine that evaluates this CTE once per reference numbers alike.
    ROW_NUMBER() OVER (ORDER BY i.store_id, i.sku) AS pos_id
  FROM inputs i
),
horizon AS (
  SELECT p.*, n.n AS k, CAST(DATEADD(day, n.n, CAST('{{as_of_date}}' AS DATE)) AS DATE) AS day
  FROM positioned p
  JOIN numbers n ON n.n BETWEEN 1 AND p.lead_days + {{review_days}}
),
daily AS (
  SELECT
    h.pos_id, h.k, h.lead_days, h.stock, h.safety_stock,
    CAST(CASE
      WHEN h.has_model = 0 THEN COALESCE(h.fallback_daily, 0)
      ELSE GREATEST(0, h.model_level + h.model_trend * DATEDIFF(day, h.model_fitted_through, h.day) + CASE CAST(EXTRACT(DOW FROM h.day) AS INTEGER)
        WHEN 1 THEN h.season_1 WHEN 2 THEN h.season_2 WHEN 3 THEN h.season_3 WHEN 4 THEN h.season_4
        WHEN 5 THEN h.season_5 WHEN 6 THEN h.season_6 ELSE h.season_7 END)
    END AS DECIMAL(18,6)) AS demand
  FROM horizon h
),
totals AS (
  SELECT
    d.pos_id,
    -- the same on every day of a store-SKU: carried, so short needs no join (DuckDB then sizes it right and
    -- builds the hash table of projected's join on it, not on the per-day rows)
    MAX(d.stock) AS stock,
    MAX(d.safety_stock) AS safety_stock,
    CAST(SUM(CASE WHEN d.k <= d.lead_days THEN d.demand ELSE 0 END) AS DECIMAL(18,6)) AS lead_demand,
    CAST(SUM(d.demand) AS DECIMAL(18,6)) AS horizon_demand,
    COUNT(*) AS horizon_days
  FROM daily d
  GROUP BY d.pos_id
),
-- Daily demand is never negative and arrivals only add, so the projection never falls below stock - horizon demand:
-- a store-SKU with that much left (most of them) neither runs out nor falls below safety stock within the horizon.
-- Only the others need the day-by-day running sums.
short AS (
  SELECT t.pos_id
  FROM totals t
  WHERE t.stock - t.horizon_demand < 0.5
    OR t.stock - t.horizon_demand < t.safety_stock
),
pos_arrivals AS (
  SELECT i.pos_id, a.k, a.qty
  FROM arrivals a
  JOIN positioned i ON i.store_id = a.store_id AND i.sku = a.sku
),
projected AS (
  SELECT
    d.pos_id, d.k, d.demand, d.stock, d.safety_stock,
    SUM(d.demand) OVER (PARTITION BY d.pos_id ORDER BY d.k ROWS UNBOUNDED PRECEDING) AS cum_demand,
    SUM(COALESCE(a.qty, 0)) OVER (PARTITION BY d.pos_id ORDER BY d.k ROWS UNBOUNDED PRECEDING) AS cum_arrivals
  FROM daily d
  JOIN short s ON s.pos_id = d.pos_id
  LEFT JOIN pos_arrivals a ON a.pos_id = d.pos_id AND a.k = d.k
),
crossings AS (
  SELECT
    p.pos_id,
    MIN(CASE WHEN p.stock + p.cum_arrivals - p.cum_demand < 0.5 AND p.cum_demand >= 0.5 THEN p.k END) AS stockout_k,
    MIN(CASE WHEN p.stock + p.cum_arrivals - p.cum_demand < p.safety_stock THEN p.k END) AS below_safety_k
  FROM projected p
  GROUP BY p.pos_id
),
outlook AS (
  SELECT t.pos_id, t.lead_demand, t.horizon_demand, t.horizon_days, c.stockout_k, c.below_safety_k
  FROM totals t
  LEFT JOIN crossings c ON c.pos_id = t.pos_id
),
risk AS (
  SELECT
    i.*,
    CAST(o.horizon_demand / o.horizon_days AS DECIMAL(12,4)) AS forecast_daily,
    CAST(CEIL(o.lead_demand + i.safety_stock) AS INTEGER) AS reorder_point,
    o.stockout_k,
    CASE WHEN o.below_safety_k IS NULL THEN NULL WHEN o.below_safety_k <= i.lead_days THEN 0 ELSE o.below_safety_k - i.lead_days END AS order_by_k,
    CAST(CASE
      WHEN o.horizon_demand + i.safety_stock - i.stock - i.on_order_qty > 0
        THEN CEIL(o.horizon_demand + i.safety_stock - i.stock - i.on_order_qty)
      ELSE 0
    END AS BIGINT) AS suggested_qty,
    CASE
      WHEN o.stockout_k <= CEIL(CAST(i.lead_days AS DECIMAL(9,1)) / 2) THEN 'critical'
      WHEN o.stockout_k <= i.lead_days THEN 'high'
      ELSE 'ok'
    END AS risk_flag,
    CASE
      WHEN i.stock > 0
        AND i.sold_lately = 0
        AND EXISTS (
          SELECT 1 FROM fact_sales f
          WHERE f.store_id = i.store_id AND f.date_key <= CAST('{{dead_stock_start}}' AS DATE)
        )
        THEN 'dead'
      WHEN i.stock * o.horizon_days > {{overstock_cover}} * i.lead_days * o.horizon_demand THEN 'overstock'
    END AS stock_flag
  FROM positioned i
  JOIN outlook o ON o.pos_id = i.pos_id
)
SELECT
  CAST('{{as_of_date}}' AS DATE),
  timestamp_utc,
  store_id,
  sku,
  on_hand_qty,
  reorder_point,
  -- centuries of cover: the column's bound (a CASE, not LEAST: engines differ on LEAST with NULL)
  CASE WHEN forecast_daily > 0 THEN
    CAST(CASE
      WHEN CAST(CAST(stock AS DECIMAL(18,4)) / forecast_daily AS DECIMAL(18,4)) > 9999999999.99 THEN 9999999999.99
      ELSE CAST(CAST(stock AS DECIMAL(18,4)) / forecast_daily AS DECIMAL(18,4))
    END AS DECIMAL(12,2))
  END,
  risk_flag,
  forecast_daily,
  CAST(CASE WHEN on_order_qty > 2147483647 THEN 2147483647 ELSE on_order_qty END AS INTEGER),
  next_arrival_date,
  CASE WHEN stockout_k IS NOT NULL THEN CAST(DATEADD(day, stockout_k, CAST('{{as_of_date}}' AS DATE)) AS DATE) END,
  CASE WHEN order_by_k IS NOT NULL THEN CAST(DATEADD(day, order_by_k, CAST('{{as_of_date}}' AS DATE)) AS DATE) END,
  CAST(CASE WHEN suggested_qty > 2147483647 THEN 2147483647 ELSE suggested_qty END AS INTEGER),
  safety_stock,
  forecast_daily,
  stock_flag
FROM risk;
