-- Events of this batch that count: not accepted by an earlier batch, and the first copy of each event_id within
-- the batch (at-least-once delivery and replays repeat events; event_id is the idempotency key). Only the keys:
-- the later steps join back to staged_events by seq, so the wide rows are not copied here.
-- Inputs: staged_events (validated events, seq in arrival order), accepted_ids (event_id of earlier batches).
SELECT seq, event_id
FROM (
  SELECT s.seq, s.event_id, row_number() OVER (PARTITION BY s.event_id ORDER BY s.seq) AS copy_no
  FROM staged_events s
  WHERE NOT EXISTS (SELECT 1 FROM accepted_ids a WHERE a.event_id = s.event_id)
) t
WHERE copy_no = 1
