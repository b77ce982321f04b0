-- dim_store, dim_product, dim_exchange_rate and dim_reporting_currency from the reference CSVs (header row,
-- columns as in docs/architecture.md §3, in that order: the COPY column list maps the file's fields by position).
-- Placeholders: bucket, role, stores_key, products_key, reporting_currency; prefix: the exchange rates file's key,
-- given only when the file exists (the COPY is left out otherwise: no rates).
-- Stores and products: delete + insert by natural key: a changed store or product is replaced, a new one added,
-- one no longer in the file kept (facts may still refer to it). Rerunning changes nothing.
DELETE FROM stg_store;

-- stores.csv may lack its last column, currency (files written before it existed): FILLRECORD loads it empty,
-- and an empty currency is the reporting currency.
COPY stg_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency)
FROM 's3://{{bucket}}/{{stores_key}}'
IAM_ROLE '{{role}}'
CSV IGNOREHEADER 1 FILLRECORD;

DELETE FROM stg_product;

COPY stg_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days)
FROM 's3://{{bucket}}/{{products_key}}'
IAM_ROLE '{{role}}'
CSV IGNOREHEADER 1;

-- Exchange rates: the file is the whole rate history, so the table is replaced by it (no fact refers to a rate
-- row); without the file the table is emptied.
DELETE FROM stg_exchange_rate;

COPY stg_exchange_rate (rate_date, currency, rate)
FROM 's3://{{bucket}}/{{prefix}}'
IAM_ROLE '{{role}}'
CSV IGNOREHEADER 1;

-- The dates whose aggregates the new reference changes, listed for their rebuild after the load
-- (load_sales_aggregates.sql, in the derived tables' batch), read from the staged files before the dimensions take them (so all the files are
-- staged first). Each is rare or small; unchanged files list nothing:
--  - the sales of a product whose category changes (or of a SKU sold before it was in the file, '(unknown)' until
--    now), for agg_category_day (migration 0010);
--  - the sales of a store whose currency changes (or of a store with sales before it was in the file, in the
--    reporting currency until now), for agg_sku_day (migration 0013), whose revenue is converted from it;
--  - the dates from the first rate that changes on (added, changed or gone: a file that only gains the latest
--    day's rate lists the dates from that day on), and every date when the reporting currency changes, also for
--    agg_sku_day.
-- One statement: the load is one Data API batch of at most 40.
INSERT INTO stg_sales_agg_dates (date_key)
SELECT f.date_key
FROM fact_sales f
WHERE f.sku IN (
  SELECT n.sku
  FROM stg_product n
  LEFT JOIN dim_product o ON o.sku = n.sku
  WHERE COALESCE(o.category, '(unknown)') <> COALESCE(n.category, '(unknown)')
)
UNION
SELECT f.date_key
FROM fact_sales f
WHERE f.store_id IN (
  SELECT n.store_id
  FROM stg_store n
  LEFT JOIN dim_store o ON o.store_id = n.store_id
  WHERE COALESCE(o.currency, '{{reporting_currency}}') <> COALESCE(NULLIF(TRIM(n.currency), ''), '{{reporting_currency}}')
)
UNION
SELECT a.date_key
FROM agg_sku_day a
WHERE a.date_key >= (
    SELECT MIN(c.rate_date)
    FROM (
      (SELECT rate_date, currency, rate FROM dim_exchange_rate EXCEPT SELECT rate_date, currency, rate FROM stg_exchange_rate)
      UNION ALL
      (SELECT rate_date, currency, rate FROM stg_exchange_rate EXCEPT SELECT rate_date, currency, rate FROM dim_exchange_rate)
    ) c
  )
  OR NOT EXISTS (SELECT 1 FROM dim_reporting_currency WHERE currency = '{{reporting_currency}}');

DELETE FROM dim_store USING stg_store
WHERE dim_store.store_id = stg_store.store_id;

INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue, currency)
SELECT store_id, store_name, region, manager_email, timezone, target_daily_revenue,
  COALESCE(NULLIF(TRIM(currency), ''), '{{reporting_currency}}')
FROM stg_store;

DELETE FROM dim_product USING stg_product
WHERE dim_product.sku = stg_product.sku;

INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days)
SELECT sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days
FROM stg_product;

DELETE FROM dim_exchange_rate;

INSERT INTO dim_exchange_rate (rate_date, currency, rate)
SELECT rate_date, currency, rate
FROM stg_exchange_rate;

-- The stage's reporting currency (REPORTING_CURRENCY), the one row v_sales_reporting converts into.
DELETE FROM dim_reporting_currency;

INSERT INTO dim_reporting_currency (currency) VALUES ('{{reporting_currency}}');
