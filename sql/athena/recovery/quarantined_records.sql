-- Redrive: the quarantined records of one reason, with the batch that quarantined each
-- (functions/lib/recovery/redrive.ts re-validates them against the current reference data).
-- Runs on the curated query engine: Athena in the cloud, DuckDB over the local lake. Placeholder: reason (one of
-- the contract's reject reasons, checked before rendering).
SELECT raw, batch_id
FROM quarantine
WHERE reason = '{{reason}}'
ORDER BY batch_id, received_at, source_key
