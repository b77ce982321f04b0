-- Migration 0001: the star schema of the retail-lake warehouse (docs/architecture.md §5), in Redshift's dialect.
-- Migrations run as the warehouse admin, at deploy (the DDL custom resource) and when the local warehouse opens
-- (functions/lib/warehouse/migrations.ts); locally through local/warehouse/redshift-to-duckdb.ts.
--
-- Conventions
-- * date_key is the business date (the store's local date, docs/architecture.md §3) as a DATE, not an integer
--   yyyymmdd: it joins to curated business_date without conversion, sorts and zone-maps as well as an integer
--   in Redshift, and QuickSight treats it as a date.
-- * Small dimensions are DISTSTYLE ALL (a copy on every node: joins never move them).
-- * The facts are distributed on sku (many distinct values, unlike store_id, so no skew) and compound-sorted
--   on (date_key, store_id): loads delete and insert whole dates, dashboards filter by date range and store,
--   and stock risk joins the facts with each other on (store_id, sku), which sku co-locates.
-- * PRIMARY KEY / FOREIGN KEY are declared for the planner; Redshift does not enforce them, so the loads
--   themselves guarantee uniqueness (delete + insert by date, see load_*.sql).
-- * Sort key columns are ENCODE raw (AWS advice), other columns az64 (numbers, dates) or zstd / bytedict (text).
-- * Monetary amounts are DECIMAL(18,2) as in the curated Parquet; returns are negative rows (qty_sold,
--   net_revenue, gross_margin), exactly as curated.
-- CREATE TABLE IF NOT EXISTS and CREATE OR REPLACE VIEW: a warehouse created before migrations existed (by the
-- schema file the loads used to send) is adopted as it is.

CREATE TABLE IF NOT EXISTS dim_store (
  store_id             VARCHAR(32)   NOT NULL ENCODE raw,
  store_name           VARCHAR(256)  NOT NULL ENCODE zstd,
  region               VARCHAR(64)   ENCODE bytedict,
  manager_email        VARCHAR(256)  ENCODE zstd,
  timezone             VARCHAR(64)   ENCODE bytedict,
  target_daily_revenue DECIMAL(18,2) ENCODE az64,
  PRIMARY KEY (store_id)
)
DISTSTYLE ALL
SORTKEY (store_id);

CREATE TABLE IF NOT EXISTS dim_product (
  sku            VARCHAR(64)   NOT NULL ENCODE raw,
  product_name   VARCHAR(256)  NOT NULL ENCODE zstd,
  category       VARCHAR(128)  ENCODE bytedict,
  brand          VARCHAR(128)  ENCODE zstd,
  unit_cost      DECIMAL(18,2) ENCODE az64,
  list_price     DECIMAL(18,2) ENCODE az64,
  supplier       VARCHAR(256)  ENCODE zstd,
  lead_time_days INTEGER       ENCODE az64,
  PRIMARY KEY (sku)
)
DISTSTYLE ALL
SORTKEY (sku);

-- One row per date from the first to the last business date in the facts (load_calendar.sql).
-- day_of_week: ISO, 1 = Monday .. 7 = Sunday. week_num: week of the calendar year counted from 1 January
-- (days 1-7 are week 1; days 365-366 are week 53). fiscal_period: a 4-4-5 retail calendar on those weeks,
-- fiscal year = calendar year: each quarter has periods of 4, 4 and 5 weeks (weeks 1-4 P01, 5-8 P02,
-- 9-13 P03, 14-17 P04, ... 48-52 P12; the last one or two days of the year, week 53, belong to P12),
-- written 'FY2024-P03'.
CREATE TABLE IF NOT EXISTS dim_calendar (
  date_key      DATE        NOT NULL ENCODE raw,
  day_of_week   SMALLINT    NOT NULL ENCODE az64,
  week_num      SMALLINT    NOT NULL ENCODE az64,
  month         SMALLINT    NOT NULL ENCODE az64,
  quarter       SMALLINT    NOT NULL ENCODE az64,
  year          SMALLINT    NOT NULL ENCODE az64,
  fiscal_period VARCHAR(12) NOT NULL ENCODE bytedict,
  is_weekend    BOOLEAN     NOT NULL ENCODE raw,
  PRIMARY KEY (date_key)
)
DISTSTYLE ALL
SORTKEY (date_key);

-- One row per sale or return line. basket_id is the POS transaction_id. event_type, discount and
-- payment_method extend the seed design for return-rate, discount and tender analysis.
CREATE TABLE IF NOT EXISTS fact_sales (
  date_key       DATE          NOT NULL ENCODE raw,
  timestamp_utc  TIMESTAMP     NOT NULL ENCODE az64,
  store_id       VARCHAR(32)   NOT NULL ENCODE raw,
  sku            VARCHAR(64)   NOT NULL ENCODE zstd,
  basket_id      VARCHAR(64)   NOT NULL ENCODE zstd,
  qty_sold       INTEGER       NOT NULL ENCODE az64,
  unit_price     DECIMAL(18,2) NOT NULL ENCODE az64,
  net_revenue    DECIMAL(18,2) NOT NULL ENCODE az64,
  gross_margin   DECIMAL(18,2) NOT NULL ENCODE az64,
  customer_id    VARCHAR(64)   ENCODE zstd,
  event_id       VARCHAR(64)   NOT NULL ENCODE zstd,
  line_no        INTEGER       NOT NULL ENCODE az64,
  event_type     VARCHAR(16)   NOT NULL ENCODE bytedict,
  discount       DECIMAL(18,2) NOT NULL ENCODE az64,
  payment_method VARCHAR(16)   ENCODE bytedict,
  PRIMARY KEY (event_id, line_no),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id),
  FOREIGN KEY (sku) REFERENCES dim_product (sku)
)
DISTKEY (sku)
COMPOUND SORTKEY (date_key, store_id);

-- Every stock count (inventory_snapshot) and adjustment, as curated: the input of stock risk.
CREATE TABLE IF NOT EXISTS fact_inventory_event (
  date_key        DATE        NOT NULL ENCODE raw,
  timestamp_utc   TIMESTAMP   NOT NULL ENCODE az64,
  store_id        VARCHAR(32) NOT NULL ENCODE raw,
  sku             VARCHAR(64) NOT NULL ENCODE zstd,
  event_id        VARCHAR(64) NOT NULL ENCODE zstd,
  event_type      VARCHAR(32) NOT NULL ENCODE bytedict,
  on_hand_qty     INTEGER     ENCODE az64,
  reorder_point   INTEGER     ENCODE az64,
  quantity_change INTEGER     ENCODE az64,
  reason          VARCHAR(32) ENCODE bytedict,
  PRIMARY KEY (event_id),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id),
  FOREIGN KEY (sku) REFERENCES dim_product (sku)
)
DISTKEY (sku)
COMPOUND SORTKEY (date_key, store_id);

-- The estimated stock position per store and SKU at the end of a business date, written by stock risk
-- (stock_risk.sql) for the latest date in the data. risk_flag: 'critical' | 'high' | 'ok'.
-- avg_daily_demand extends the seed design so the alert and the dashboard can show what the estimate used.
CREATE TABLE IF NOT EXISTS fact_inventory_snapshot (
  date_key         DATE          NOT NULL ENCODE raw,
  timestamp_utc    TIMESTAMP     NOT NULL ENCODE az64,
  store_id         VARCHAR(32)   NOT NULL ENCODE raw,
  sku              VARCHAR(64)   NOT NULL ENCODE zstd,
  on_hand_qty      INTEGER       NOT NULL ENCODE az64,
  reorder_point    INTEGER       ENCODE az64,
  days_of_supply   DECIMAL(12,2) ENCODE az64,
  risk_flag        VARCHAR(8)    NOT NULL ENCODE bytedict,
  avg_daily_demand DECIMAL(12,4) NOT NULL ENCODE az64,
  PRIMARY KEY (date_key, store_id, sku),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id),
  FOREIGN KEY (sku) REFERENCES dim_product (sku)
)
DISTKEY (sku)
COMPOUND SORTKEY (date_key, store_id);

-- Staging tables: COPY targets, emptied with DELETE at the start of each load (TRUNCATE would commit the
-- Data API batch's transaction). The curated ones have the curated Parquet columns in file order
-- (functions/lib/curated-schema.ts): COPY ... FORMAT AS PARQUET maps columns by position.
CREATE TABLE IF NOT EXISTS stg_sales_lines (
  event_id       VARCHAR(64),
  line_no        INTEGER,
  transaction_id VARCHAR(64),
  store_id       VARCHAR(32),
  sku            VARCHAR(64),
  occurred_at    TIMESTAMP,
  business_date  DATE,
  event_type     VARCHAR(16),
  quantity       INTEGER,
  unit_price     DECIMAL(18,2),
  discount       DECIMAL(18,2),
  net_revenue    DECIMAL(18,2),
  unit_cost      DECIMAL(18,2),
  gross_margin   DECIMAL(18,2),
  customer_id    VARCHAR(64),
  payment_method VARCHAR(16)
)
DISTKEY (sku);

CREATE TABLE IF NOT EXISTS stg_inventory_events (
  event_id        VARCHAR(64),
  store_id        VARCHAR(32),
  sku             VARCHAR(64),
  occurred_at     TIMESTAMP,
  business_date   DATE,
  event_type      VARCHAR(32),
  on_hand_qty     INTEGER,
  reorder_point   INTEGER,
  quantity_change INTEGER,
  reason          VARCHAR(32)
)
DISTKEY (sku);

-- Reference CSV staging: the columns of stores.csv / products.csv (docs/architecture.md §3) in header order.
CREATE TABLE IF NOT EXISTS stg_store (
  store_id             VARCHAR(32),
  store_name           VARCHAR(256),
  region               VARCHAR(64),
  manager_email        VARCHAR(256),
  timezone             VARCHAR(64),
  target_daily_revenue DECIMAL(18,2)
)
DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS stg_product (
  sku            VARCHAR(64),
  product_name   VARCHAR(256),
  category       VARCHAR(128),
  brand          VARCHAR(128),
  unit_cost      DECIMAL(18,2),
  list_price     DECIMAL(18,2),
  supplier       VARCHAR(256),
  lead_time_days INTEGER
)
DISTSTYLE ALL;

-- The at-risk SKUs (critical or high) of every stock-risk date, with their store and product: what the
-- low-stock alerts (at_risk_skus.sql) and the inventory-risk dashboard dataset both read.
CREATE OR REPLACE VIEW v_inventory_risk AS
SELECT
  r.date_key AS as_of_date,
  r.store_id,
  COALESCE(s.store_name, r.store_id) AS store_name,
  r.sku,
  COALESCE(p.product_name, r.sku) AS product_name,
  r.on_hand_qty,
  r.reorder_point,
  r.avg_daily_demand,
  r.days_of_supply,
  r.risk_flag AS severity,
  p.lead_time_days
FROM fact_inventory_snapshot r
LEFT JOIN dim_store s ON s.store_id = r.store_id
LEFT JOIN dim_product p ON p.sku = r.sku
WHERE r.risk_flag IN ('critical', 'high');
