-- The UTC dates of occurred_at in the batch: the partitions of control/accepted_ids/ that Curate reads.
-- Accepted ids are kept by the UTC date of occurred_at, not by business date: an event's UTC date follows from
-- the event alone, so a replay of any age lands in the partition of its first copy even if its store's time
-- zone has changed in the reference data since (the business date would then move).
-- Inputs: staged_events.
SELECT DISTINCT CAST(utc_timestamp(occurred_at) AS DATE) AS utc_date
FROM staged_events
