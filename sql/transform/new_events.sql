-- Events of this batch that count: not accepted by an earlier batch, and the first copy of each event_id within
-- the batch (at-least-once delivery and replays repeat events; event_id is the idempotency key): the copy of the
-- lowest seq, found by grouping (a hash aggregate, no sort). Only the keys: the later steps join back to
-- staged_events by seq, so the wide rows are not copied here.
-- Inputs: staged_events (validated events, seq in arrival order), accepted_ids (event_id of earlier batches).
SELECT min(s.seq) AS seq, s.event_id
FROM staged_events s
WHERE NOT EXISTS (SELECT 1 FROM accepted_ids a WHERE a.event_id = s.event_id)
GROUP BY s.event_id
