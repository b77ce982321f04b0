-- The event ids this batch accepts, with the UTC date of occurred_at they are kept under (batch_utc_dates.sql),
-- taken from dated_events, which has the instant already (no second parse of occurred_at).
-- Inputs: new_events, dated_events.
SELECT n.event_id, CAST(d.occurred_at_utc AS DATE) AS utc_date
FROM new_events n
JOIN dated_events d ON d.seq = n.seq
