-- The new events' UTC instant and business date (the calendar date in the store's own time zone), by seq.
-- Zone offsets are whole quarter hours and change only on quarter-hour boundaries, so the costly zone lookup
-- is done once per store and quarter hour, not once per event; occurred_at is parsed once per event.
-- Inputs: new_events, staged_events, stores.
WITH parsed AS (
  SELECT s.seq, s.store_id, utc_timestamp(s.occurred_at) AS occurred_at_utc
  FROM staged_events s
  JOIN new_events n ON n.seq = s.seq
),
utc AS (
  SELECT seq, store_id, occurred_at_utc, quarter_hour(occurred_at_utc) AS utc_quarter
  FROM parsed
),
offsets AS (
  SELECT q.store_id, q.utc_quarter, local_timestamp(q.utc_quarter, st.timezone) - q.utc_quarter AS utc_offset
  FROM (SELECT DISTINCT store_id, utc_quarter FROM utc) q
  JOIN stores st ON st.store_id = q.store_id
)
SELECT u.seq, u.occurred_at_utc, CAST(u.occurred_at_utc + o.utc_offset AS DATE) AS business_date
FROM utc u
JOIN offsets o ON o.store_id = u.store_id AND o.utc_quarter = u.utc_quarter
