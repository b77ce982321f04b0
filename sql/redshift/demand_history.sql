-- Daily demand history per store and SKU for forecasting (FitForecasts), {{history_start}} .. {{as_of_date}}.
-- Placeholders: as_of_date, history_start.
--
-- One row per store, SKU and calendar date from the later of history_start and the store-SKU's first stock count
-- (a store-SKU never counted has no stock data and no rows):
--   units    = net units sold that day (sales minus returns), at least 0; 0 on a day without sales;
--   censored = the estimated on hand at the end of the day is <= 0: the store-SKU was out of stock, so that day's
--              sales are not its demand (a missing value for fitting, not a zero).
-- On hand is estimated as stock_risk.sql does: the latest count + adjustments after it - units sold after it
-- (+ returns). Written with running sums, so each day needs no self-join: every stock move (adjustment, sale line)
-- adds to a running total `moved`; a count at time t fixes `offset` = counted - moved(t) (moves at the very instant
-- of the count are taken as already counted); on hand at any later point = offset of the latest count + moved.
-- Only facts up to as_of_date count (as-of correct); moves start at each store-SKU's latest count before
-- history_start, so the scan does not reach back through the whole history.
-- Ordered by store_id, sku, date_key: the caller reads one series after another.
WITH anchor AS (
  SELECT store_id, sku, MAX(CASE WHEN date_key < CAST('{{history_start}}' AS DATE) THEN date_key END) AS from_date
  FROM fact_inventory_event
  WHERE event_type = 'inventory_snapshot'
    AND date_key <= CAST('{{as_of_date}}' AS DATE)
  GROUP BY store_id, sku
),
events AS (
  -- kind 0: a move (quantity), kind 1: a count (counted); at the same instant moves sort first
  SELECT e.store_id, e.sku, e.date_key, e.timestamp_utc, e.event_id,
    CASE WHEN e.event_type = 'inventory_snapshot' THEN 1 ELSE 0 END AS kind,
    CAST(CASE WHEN e.event_type = 'inventory_snapshot' THEN 0 ELSE e.quantity_change END AS BIGINT) AS quantity,
    CAST(e.on_hand_qty AS BIGINT) AS counted,
    CAST(0 AS BIGINT) AS sold
  FROM fact_inventory_event e
  JOIN anchor a ON a.store_id = e.store_id AND a.sku = e.sku
  WHERE e.event_type IN ('inventory_snapshot', 'inventory_adjustment')
    AND e.date_key >= COALESCE(a.from_date, CAST('{{history_start}}' AS DATE))
    AND e.date_key <= CAST('{{as_of_date}}' AS DATE)
  UNION ALL
  SELECT f.store_id, f.sku, f.date_key, f.timestamp_utc, f.event_id, 0, -CAST(f.qty_sold AS BIGINT), NULL, CAST(f.qty_sold AS BIGINT)
  FROM fact_sales f
  JOIN anchor a ON a.store_id = f.store_id AND a.sku = f.sku
  WHERE f.date_key >= COALESCE(a.from_date, CAST('{{history_start}}' AS DATE))
    AND f.date_key <= CAST('{{as_of_date}}' AS DATE)
),
running AS (
  SELECT store_id, sku, date_key, kind, counted, sold,
    SUM(quantity) OVER (PARTITION BY store_id, sku ORDER BY timestamp_utc, kind, event_id ROWS UNBOUNDED PRECEDING) AS moved,
    SUM(kind) OVER (PARTITION BY store_id, sku ORDER BY timestamp_utc, kind, event_id ROWS UNBOUNDED PRECEDING) AS count_no,
    -- the day's last row in that order (the next row is on a later date, or there is none): its moved and count_no
    -- are the day's end; business dates never go down as the instants go up, so one ordering serves both
    CASE WHEN LEAD(date_key) OVER (PARTITION BY store_id, sku ORDER BY timestamp_utc, kind, event_id) = date_key THEN 0 ELSE 1 END AS day_end
  FROM events
),
counted AS (
  SELECT store_id, sku, date_key, sold, moved, count_no, day_end,
    -- the offset of the latest count: every row after a count carries that count's number
    MAX(CASE WHEN kind = 1 THEN counted - moved END) OVER (PARTITION BY store_id, sku, count_no) AS count_offset
  FROM running
),
event_days AS (
  -- per store-SKU and date with events: units sold, and on hand at the end of the day (NULL before the first count)
  SELECT store_id, sku, date_key,
    SUM(sold) AS sold,
    MAX(CASE WHEN day_end = 1 AND count_no > 0 THEN count_offset + moved END) AS on_hand_end
  FROM counted
  GROUP BY store_id, sku, date_key
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
