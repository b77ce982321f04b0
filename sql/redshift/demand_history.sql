-- Daily demand history per store and SKU for forecasting (FitForecasts), {{history_start}} .. {{as_of_date}}, of the
-- stores listed in {{store_ids}}.
-- Placeholders: as_of_date, history_start, store_ids (quoted store ids, comma separated).
--
-- One row per store, SKU and calendar date from the later of history_start and the store-SKU's first stock count
-- (a store-SKU never counted has no stock data and no rows):
--   units    = net units sold that day (sales minus returns), at least 0; 0 on a day without sales;
--   censored = the estimated on hand at the end of the day is <= 0: the store-SKU was out of stock, so that day's
--              sales are not its demand (a missing value for fitting, not a zero).
-- On hand is estimated as stock_risk.sql does: the latest count + adjustments after it - units sold after it
-- (+ returns), at the end of each day with events. Worked out per day, so that the cost follows the store-SKU-days,
-- not the sale lines (a day of 10M lines on 2,400 store-SKUs took 12.8-14 s with a running sum over every line,
-- and 1.1-1.6 s so): a day's moves (adjustments, sale lines) are summed, and only a count's own day looks at the instants
-- of its moves, to take those after the day's last count (a move at the very instant of a count is taken as
-- already counted). On hand at the end of a day = (that count + its day's moves after it) + the moves of the days
-- since: with `moved` the running total of the days' moves, `offset` = (count + moves after it) - moved at the
-- count's day, and on hand = offset of the latest count + moved.
-- Only facts up to as_of_date count (as-of correct); moves start at each store-SKU's latest count before
-- history_start, so the scan does not reach back through the whole history.
-- The stores are chosen in `anchor` and in each scan of a fact table, not around the whole query: every step then
-- works on those stores' rows only (filtered outside, DuckDB computed the CTEs and window functions over every
-- store for each group of stores that FitForecasts reads).
-- Ordered by store_id, sku, date_key: the caller reads one series after another.
WITH anchor AS (
  SELECT store_id, sku, MAX(CASE WHEN date_key < CAST('{{history_start}}' AS DATE) THEN date_key END) AS from_date
  FROM fact_inventory_event
  WHERE event_type = 'inventory_snapshot'
    AND date_key <= CAST('{{as_of_date}}' AS DATE)
    AND store_id IN ({{store_ids}})
  GROUP BY store_id, sku
),
moves AS (
  -- every stock move from the anchor on: an adjustment adds its quantity_change, a sale line takes its qty_sold
  -- (a return's is negative: it adds)
  SELECT e.store_id, e.sku, e.date_key, e.timestamp_utc, CAST(e.quantity_change AS BIGINT) AS quantity, CAST(0 AS BIGINT) AS sold
  FROM fact_inventory_event e
  JOIN anchor a ON a.store_id = e.store_id AND a.sku = e.sku
  WHERE e.event_type = 'inventory_adjustment'
    AND e.store_id IN ({{store_ids}})
    AND e.date_key >= COALESCE(a.from_date, CAST('{{history_start}}' AS DATE))
    AND e.date_key <= CAST('{{as_of_date}}' AS DATE)
  UNION ALL
  SELECT f.store_id, f.sku, f.date_key, f.timestamp_utc, -CAST(f.qty_sold AS BIGINT), CAST(f.qty_sold AS BIGINT)
  FROM fact_sales f
  JOIN anchor a ON a.store_id = f.store_id AND a.sku = f.sku
  WHERE f.store_id IN ({{store_ids}})
    AND f.date_key >= COALESCE(a.from_date, CAST('{{history_start}}' AS DATE))
    AND f.date_key <= CAST('{{as_of_date}}' AS DATE)
),
last_counts AS (
  -- each day's last count: the latest instant, and at one instant the greatest event_id
  SELECT store_id, sku, date_key, timestamp_utc, counted
  FROM (
    SELECT e.store_id, e.sku, e.date_key, e.timestamp_utc, CAST(e.on_hand_qty AS BIGINT) AS counted,
      ROW_NUMBER() OVER (PARTITION BY e.store_id, e.sku, e.date_key ORDER BY e.timestamp_utc DESC, e.event_id DESC) AS rn
    FROM fact_inventory_event e
    JOIN anchor a ON a.store_id = e.store_id AND a.sku = e.sku
    WHERE e.event_type = 'inventory_snapshot'
      AND e.store_id IN ({{store_ids}})
      AND e.date_key >= COALESCE(a.from_date, CAST('{{history_start}}' AS DATE))
      AND e.date_key <= CAST('{{as_of_date}}' AS DATE)
  ) ranked
  WHERE rn = 1
),
days_moved AS (
  -- per store-SKU and date with moves or a count, in one pass over the moves: units sold, the day's moves, and on a
  -- count's day on hand at its end (the day's last count + the day's moves after it)
  SELECT COALESCE(m.store_id, c.store_id) AS store_id, COALESCE(m.sku, c.sku) AS sku, COALESCE(m.date_key, c.date_key) AS date_key,
    COALESCE(SUM(m.sold), 0) AS sold,
    COALESCE(SUM(m.quantity), 0) AS moved,
    MAX(c.counted) + SUM(CASE WHEN m.timestamp_utc > c.timestamp_utc THEN m.quantity ELSE 0 END) AS counted_end
  FROM moves m
  FULL JOIN last_counts c ON c.store_id = m.store_id AND c.sku = m.sku AND c.date_key = m.date_key
  GROUP BY COALESCE(m.store_id, c.store_id), COALESCE(m.sku, c.sku), COALESCE(m.date_key, c.date_key)
),
running AS (
  -- the running total of the days' moves, and the number of count days so far
  SELECT store_id, sku, date_key, sold, counted_end,
    SUM(moved) OVER (PARTITION BY store_id, sku ORDER BY date_key ROWS UNBOUNDED PRECEDING) AS moved,
    COUNT(counted_end) OVER (PARTITION BY store_id, sku ORDER BY date_key ROWS UNBOUNDED PRECEDING) AS count_no
  FROM days_moved
),
event_days AS (
  -- on hand at the end of the day (NULL before the first count): the offset of the latest count, carried to the
  -- days after it (they share its count_no), + moved
  SELECT store_id, sku, date_key, sold,
    CASE WHEN count_no > 0 THEN MAX(counted_end - moved) OVER (PARTITION BY store_id, sku, count_no) + moved END AS on_hand_end
  FROM running
),
first_count AS (
  SELECT store_id, sku, MIN(date_key) AS first_date
  FROM event_days
  WHERE on_hand_end IS NOT NULL
  GROUP BY store_id, sku
),
days AS (
  SELECT f.store_id, f.sku, c.date_key, d.sold, d.on_hand_end,
    -- days without events keep the on hand of the latest day with events: number the event days and spread
    COUNT(d.date_key) OVER (PARTITION BY f.store_id, f.sku ORDER BY c.date_key ROWS UNBOUNDED PRECEDING) AS event_day_no
  FROM first_count f
  JOIN dim_calendar c ON c.date_key >= f.first_date AND c.date_key <= CAST('{{as_of_date}}' AS DATE)
  LEFT JOIN event_days d ON d.store_id = f.store_id AND d.sku = f.sku AND d.date_key = c.date_key
)
SELECT store_id, sku, date_key, units, censored
FROM (
  SELECT store_id, sku, date_key,
    CAST(CASE WHEN sold > 0 THEN sold ELSE 0 END AS INTEGER) AS units,
    CASE WHEN MAX(on_hand_end) OVER (PARTITION BY store_id, sku, event_day_no) <= 0 THEN TRUE ELSE FALSE END AS censored
  FROM days
) daily
WHERE date_key >= CAST('{{history_start}}' AS DATE)
ORDER BY store_id, sku, date_key
