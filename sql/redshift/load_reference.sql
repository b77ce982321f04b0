-- dim_store and dim_product from the reference CSVs (header row, columns as in docs/architecture.md §3, in that
-- order: the COPY column list maps the file's fields by position).
-- Placeholders: bucket, role, stores_key, products_key.
-- Delete + insert by natural key: a changed store or product is replaced, a new one added, one no longer in
-- the file kept (facts may still refer to it). Rerunning changes nothing.
DELETE FROM stg_store;

COPY stg_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue)
FROM 's3://{{bucket}}/{{stores_key}}'
IAM_ROLE '{{role}}'
CSV IGNOREHEADER 1;

DELETE FROM dim_store USING stg_store
WHERE dim_store.store_id = stg_store.store_id;

INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue)
SELECT store_id, store_name, region, manager_email, timezone, target_daily_revenue
FROM stg_store;

DELETE FROM stg_product;

COPY stg_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days)
FROM 's3://{{bucket}}/{{products_key}}'
IAM_ROLE '{{role}}'
CSV IGNOREHEADER 1;

DELETE FROM dim_product USING stg_product
WHERE dim_product.sku = stg_product.sku;

INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days)
SELECT sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days
FROM stg_product;
