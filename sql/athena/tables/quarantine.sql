-- Rejected events with the reason, the detail and the original text, partitioned by the day they arrived.
-- Mirrors the Glue table of infra/lib/lake/curated-catalog.ts. Placeholders: database, quarantine_bucket.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.quarantine (
  reason      string,
  detail      string,
  raw         string,
  received_at timestamp,
  source_key  string,
  batch_id    string
)
PARTITIONED BY (received_date date)
STORED AS PARQUET
LOCATION 's3://{{quarantine_bucket}}/quarantine/pos/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.received_date.type' = 'date',
  'projection.received_date.format' = 'yyyy-MM-dd',
  'projection.received_date.range' = '2020-01-01,NOW+1DAYS',
  'storage.location.template' = 's3://{{quarantine_bucket}}/quarantine/pos/received_date=${received_date}/'
)
