-- Events of this batch that count: not accepted by an earlier batch, and the first copy of each event_id within
-- the batch (at-least-once delivery and replays repeat events; event_id is the idempotency key).
-- Inputs: staged_events (validated events in arrival order, with seq), accepted_ids (event_id of earlier batches).
SELECT *
FROM (
  SELECT s.*, row_number() OVER (PARTITION BY s.event_id ORDER BY s.seq) AS copy_no
  FROM staged_events s
  WHERE NOT EXISTS (SELECT 1 FROM accepted_ids a WHERE a.event_id = s.event_id)
) t
WHERE copy_no = 1
