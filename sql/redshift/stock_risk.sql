-- Stock risk as of {{as_of_date}} (the latest business date in the data), written to fact_inventory_snapshot.
-- Placeholders: as_of_date, demand_sql (a SELECT of store_id, sku, avg_daily_demand: see demand_average.sql),
-- critical_days, high_days.
--
-- Per store and SKU with at least one stock count (inventory_snapshot event):
--   estimated on hand = the latest count + adjustments after it - units sold after it + units returned after it
--   (fact_sales.qty_sold is negative for returns, so "- SUM(qty_sold)" does both),
--   days of supply    = max(on hand, 0) / average daily demand; NULL when there is no demand,
--   risk_flag         = 'critical' below critical_days, 'high' below high_days, else 'ok' (also when NULL).
-- "After" compares UTC timestamps: an event at the very instant of the count is taken as already counted.
-- Idempotent: the as-of date is deleted first; both statements run in one transaction.
DELETE FROM fact_inventory_snapshot
WHERE date_key = CAST('{{as_of_date}}' AS DATE);

INSERT INTO fact_inventory_snapshot (
  date_key, timestamp_utc, store_id, sku, on_hand_qty, reorder_point, days_of_supply, risk_flag, avg_daily_demand
)
WITH last_count AS (
  SELECT store_id, sku, timestamp_utc, on_hand_qty, reorder_point
  FROM (
    SELECT
      e.store_id, e.sku, e.timestamp_utc, e.on_hand_qty, e.reorder_point,
      ROW_NUMBER() OVER (PARTITION BY e.store_id, e.sku ORDER BY e.timestamp_utc DESC, e.event_id DESC) AS rn
    FROM fact_inventory_event e
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
sold AS (
  SELECT c.store_id, c.sku, SUM(f.qty_sold) AS qty, MAX(f.timestamp_utc) AS last_at
  FROM last_count c
  JOIN fact_sales f ON f.store_id = c.store_id AND f.sku = c.sku
  WHERE f.timestamp_utc > c.timestamp_utc
    AND f.date_key <= CAST('{{as_of_date}}' AS DATE)
  GROUP BY c.store_id, c.sku
),
demand AS (
{{demand_sql}}
),
stock AS (
  SELECT
    c.store_id,
    c.sku,
    c.reorder_point,
    -- Counts and adjustments are each valid INTEGERs, their sum need not be: add in BIGINT, store at the column's
    -- bound (2^31 - 1 units is far past any risk threshold, so the flag is the same).
    LEAST(GREATEST(CAST(c.on_hand_qty AS BIGINT) + COALESCE(a.qty, 0) - COALESCE(s.qty, 0), -2147483648), 2147483647) AS on_hand_qty,
    GREATEST(c.timestamp_utc, COALESCE(a.last_at, c.timestamp_utc), COALESCE(s.last_at, c.timestamp_utc)) AS timestamp_utc,
    CAST(COALESCE(d.avg_daily_demand, 0) AS DECIMAL(12,4)) AS avg_daily_demand
  FROM last_count c
  LEFT JOIN adjusted a ON a.store_id = c.store_id AND a.sku = c.sku
  LEFT JOIN sold s ON s.store_id = c.store_id AND s.sku = c.sku
  LEFT JOIN demand d ON d.store_id = c.store_id AND d.sku = c.sku
),
cover AS (
  SELECT
    stock.*,
    CASE WHEN avg_daily_demand > 0 THEN
      CAST(CAST(CASE WHEN on_hand_qty > 0 THEN on_hand_qty ELSE 0 END AS DECIMAL(18,4)) / avg_daily_demand AS DECIMAL(18,4))
    END AS days_of_supply
  FROM stock
)
SELECT
  CAST('{{as_of_date}}' AS DATE),
  timestamp_utc,
  store_id,
  sku,
  on_hand_qty,
  reorder_point,
  -- centuries of cover: the column's bound, still 'ok' (a CASE, not LEAST: engines differ on LEAST with NULL)
  CAST(CASE WHEN days_of_supply > 9999999999.99 THEN 9999999999.99 ELSE days_of_supply END AS DECIMAL(12,2)),
  CASE
    WHEN days_of_supply < {{critical_days}} THEN 'critical'
    WHEN days_of_supply < {{high_days}} THEN 'high'
    ELSE 'ok'
  END,
  avg_daily_demand
FROM cover;
