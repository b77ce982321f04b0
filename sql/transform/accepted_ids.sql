-- The event ids this batch accepts, with the UTC date of occurred_at they are kept under (batch_utc_dates.sql).
-- Inputs: new_events, staged_events.
SELECT n.event_id, CAST(utc_timestamp(s.occurred_at) AS DATE) AS utc_date
FROM new_events n
JOIN staged_events s ON s.seq = n.seq
