-- After stock_risk.sql: the next time-based review of each store-SKU evaluated as of {{as_of_date}} (the scope).
-- Without new events a store-SKU's position moves only with time, so it is looked at again:
--   * the next day while it is flagged (critical or high), and while an order of it is overdue;
--   * otherwise at the earliest of: a week on ({{review_interval_days}} days), the day its next open order falls due,
--     its order-by date, and, for stock that still sells, the day it would turn dead stock (its last sale in the
--     dead-stock window + deadStockDays, {{dead_stock_days}}: "dead stock still surfaces");
--   * never earlier than the next day.
-- A new batch's events and a refit (FitForecasts, load_forecast_model.sql) bring it into a run earlier.
-- Placeholders: as_of_date, dead_stock_start, dead_stock_days, review_interval_days.
DELETE FROM stock_review
USING stock_risk_scope sc
WHERE sc.store_id = stock_review.store_id AND sc.sku = stock_review.sku;

INSERT INTO stock_review (store_id, sku, evaluated_on, next_review_date, rows_seen)
WITH seen AS (
  -- the rows each store-SKU has on the as-of date (stock_risk_scope.sql compares a later run's count with it)
  SELECT store_id, sku, COUNT(*) AS n
  FROM (
    SELECT f.store_id, f.sku FROM fact_sales f
    JOIN stock_risk_scope sc ON sc.store_id = f.store_id AND sc.sku = f.sku
    WHERE f.date_key = CAST('{{as_of_date}}' AS DATE)
    UNION ALL
    SELECT e.store_id, e.sku FROM fact_inventory_event e
    JOIN stock_risk_scope sc ON sc.store_id = e.store_id AND sc.sku = e.sku
    WHERE e.date_key = CAST('{{as_of_date}}' AS DATE)
    UNION ALL
    SELECT o.store_id, o.sku FROM fact_purchase_order o
    JOIN stock_risk_scope sc ON sc.store_id = o.store_id AND sc.sku = o.sku
    WHERE o.date_key = CAST('{{as_of_date}}' AS DATE)
  ) as_of_rows
  GROUP BY store_id, sku
),
last_sale AS (
  SELECT f.store_id, f.sku, MAX(f.date_key) AS sold_on
  FROM fact_sales f
  JOIN stock_risk_scope sc ON sc.store_id = f.store_id AND sc.sku = f.sku
  WHERE f.qty_sold > 0
    AND f.date_key BETWEEN CAST('{{dead_stock_start}}' AS DATE) AND CAST('{{as_of_date}}' AS DATE)
  GROUP BY f.store_id, f.sku
),
candidates AS (
  SELECT
    s.store_id,
    s.sku,
    s.risk_flag,
    CAST(DATEADD(day, {{review_interval_days}}, CAST('{{as_of_date}}' AS DATE)) AS DATE) AS weekly,
    s.next_arrival_date,
    s.order_by_date,
    CASE WHEN s.on_hand_qty > 0 AND l.sold_on IS NOT NULL
      THEN CAST(DATEADD(day, {{dead_stock_days}}, l.sold_on) AS DATE) END AS turns_dead
  FROM fact_inventory_snapshot s
  JOIN stock_risk_scope sc ON sc.store_id = s.store_id AND sc.sku = s.sku
  LEFT JOIN last_sale l ON l.store_id = s.store_id AND l.sku = s.sku
  WHERE s.date_key = CAST('{{as_of_date}}' AS DATE)
),
earliest AS (
  -- LEAST of non-NULL values only: engines differ on LEAST with NULL
  SELECT
    store_id, sku, risk_flag,
    LEAST(weekly, COALESCE(next_arrival_date, weekly), COALESCE(order_by_date, weekly), COALESCE(turns_dead, weekly)) AS review_on
  FROM candidates
)
SELECT
  e.store_id,
  e.sku,
  CAST('{{as_of_date}}' AS DATE),
  CASE
    WHEN e.risk_flag IN ('critical', 'high') OR e.review_on <= CAST('{{as_of_date}}' AS DATE)
      THEN CAST(DATEADD(day, 1, CAST('{{as_of_date}}' AS DATE)) AS DATE)
    ELSE e.review_on
  END,
  CAST(COALESCE(s.n, 0) AS INTEGER)
FROM earliest e
LEFT JOIN seen s ON s.store_id = e.store_id AND s.sku = e.sku;
