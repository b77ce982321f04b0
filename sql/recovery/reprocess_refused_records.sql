-- The records of re-curated events the current rules refuse, in Validate's rejects format with their dedup key,
-- one per event (its first copy, as Curate would have taken it): they go to quarantine under the reprocess's id.
-- Inputs: rejects (the re-validation's rejects, with ord = their order), selected_events, kept_events (the
-- selected events that are still curated).
SELECT key, reason, detail, raw, received_at, source_key, batch_id
FROM (
  SELECT r.*, row_number() OVER (PARTITION BY r.event_id ORDER BY r.ord) AS copy_no
  FROM (
    SELECT *, CASE WHEN json_valid(raw) THEN json_extract_string(raw, '$.event_id') END AS event_id FROM rejects
  ) r
  WHERE r.event_id IN (SELECT event_id FROM selected_events)
    AND r.event_id NOT IN (SELECT event_id FROM kept_events)
) firsts
WHERE copy_no = 1
ORDER BY event_id
