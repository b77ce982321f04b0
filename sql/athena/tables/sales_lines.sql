-- The curated sales lines as Athena sees them: the same table the CDK app creates in the Glue catalog
-- (infra/lib/lake/curated-catalog.ts), for re-creating it by hand or in another account. Columns follow
-- functions/lib/curated-schema.ts; business_date is the partition (projected from the key, no MSCK REPAIR).
-- Placeholders: database, curated_bucket.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.sales_lines (
  event_id       string,
  line_no        int,
  transaction_id string,
  store_id       string,
  sku            string,
  occurred_at    timestamp,
  event_type     string,
  quantity       int,
  unit_price     decimal(18,2),
  discount       decimal(18,2),
  net_revenue    decimal(18,2),
  unit_cost      decimal(18,2),
  gross_margin   decimal(18,2),
  customer_id    string,
  payment_method string
)
PARTITIONED BY (business_date date)
STORED AS PARQUET
LOCATION 's3://{{curated_bucket}}/curated/sales_lines/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.business_date.type' = 'date',
  'projection.business_date.format' = 'yyyy-MM-dd',
  'projection.business_date.range' = '2020-01-01,NOW+1DAYS',
  'storage.location.template' = 's3://{{curated_bucket}}/curated/sales_lines/business_date=${business_date}/'
)
