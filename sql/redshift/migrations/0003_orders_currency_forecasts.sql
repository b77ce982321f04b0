-- Migration 0003: the tables of issue "decisions a store manager can act on", created together so that every part
-- (purchase orders, currencies, forecasts) builds on one schema.
--
-- fact_purchase_order: purchase-order lines (event_type 'purchase_order') and the receipts that fill them
-- (event_type 'receipt': an inventory_adjustment with reason receipt and a po_id; its stock effect stays in
-- fact_inventory_event, this row only links it to the order). expected_date and supplier are NULL on receipts.
CREATE TABLE IF NOT EXISTS fact_purchase_order (
  date_key      DATE         NOT NULL ENCODE raw,
  timestamp_utc TIMESTAMP    NOT NULL ENCODE az64,
  store_id      VARCHAR(32)  NOT NULL ENCODE raw,
  sku           VARCHAR(64)  NOT NULL ENCODE zstd,
  event_id      VARCHAR(64)  NOT NULL ENCODE zstd,
  event_type    VARCHAR(16)  NOT NULL ENCODE bytedict,
  po_id         VARCHAR(64)  NOT NULL ENCODE zstd,
  quantity      INTEGER      NOT NULL ENCODE az64,
  expected_date DATE         ENCODE az64,
  supplier      VARCHAR(256) ENCODE zstd,
  PRIMARY KEY (event_id),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id),
  FOREIGN KEY (sku) REFERENCES dim_product (sku)
)
DISTKEY (sku)
COMPOUND SORTKEY (date_key, store_id);

-- COPY target of curated purchase_orders (Parquet columns in file order).
CREATE TABLE IF NOT EXISTS stg_purchase_orders (
  event_id      VARCHAR(64),
  store_id      VARCHAR(32),
  sku           VARCHAR(64),
  occurred_at   TIMESTAMP,
  business_date DATE,
  event_type    VARCHAR(16),
  po_id         VARCHAR(64),
  quantity      INTEGER,
  expected_date DATE,
  supplier      VARCHAR(256)
)
DISTKEY (sku);

-- Daily exchange rates (reference/exchange_rates/exchange_rates.csv): 1 unit of `currency` = `rate` units of the
-- reporting currency on rate_date. A date without a rate uses the latest earlier one (v_exchange_rate_daily).
CREATE TABLE IF NOT EXISTS dim_exchange_rate (
  rate_date DATE          NOT NULL ENCODE raw,
  currency  CHAR(3)       NOT NULL ENCODE bytedict,
  rate      DECIMAL(18,8) NOT NULL ENCODE az64,
  PRIMARY KEY (rate_date, currency)
)
DISTSTYLE ALL
SORTKEY (rate_date);

CREATE TABLE IF NOT EXISTS stg_exchange_rate (
  rate_date DATE,
  currency  CHAR(3),
  rate      DECIMAL(18,8)
)
DISTSTYLE ALL;

-- The stage's reporting currency (one row, written by the reference load from the REPORTING_CURRENCY setting).
CREATE TABLE IF NOT EXISTS dim_reporting_currency (
  currency CHAR(3) NOT NULL ENCODE raw,
  PRIMARY KEY (currency)
)
DISTSTYLE ALL;

-- The fitted demand model per store and SKU (FitForecasts, weekly). The forecast for a date t after fitted_through
-- is GREATEST(0, level + trend * h + season_<ISO day of week of t>), h = t - fitted_through in days; intermittent
-- models (Croston, SBA, TSB) have trend and seasons 0. sigma: standard deviation of the one-day forecast error.
CREATE TABLE IF NOT EXISTS forecast_model (
  store_id       VARCHAR(32)   NOT NULL ENCODE raw,
  sku            VARCHAR(64)   NOT NULL ENCODE zstd,
  fitted_through DATE          NOT NULL ENCODE az64,
  model          VARCHAR(16)   NOT NULL ENCODE bytedict,
  level          DECIMAL(18,6) NOT NULL ENCODE az64,
  trend          DECIMAL(18,6) NOT NULL ENCODE az64,
  season_1       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_2       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_3       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_4       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_5       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_6       DECIMAL(18,6) NOT NULL ENCODE az64,
  season_7       DECIMAL(18,6) NOT NULL ENCODE az64,
  sigma          DECIMAL(18,6) NOT NULL ENCODE az64,
  next_review    DATE          ENCODE az64,
  PRIMARY KEY (store_id, sku)
)
DISTKEY (sku)
SORTKEY (store_id, sku);

-- COPY target of the fitted models' Parquet file (same columns, same order).
CREATE TABLE IF NOT EXISTS stg_forecast_model (
  store_id       VARCHAR(32),
  sku            VARCHAR(64),
  fitted_through DATE,
  model          VARCHAR(16),
  level          DECIMAL(18,6),
  trend          DECIMAL(18,6),
  season_1       DECIMAL(18,6),
  season_2       DECIMAL(18,6),
  season_3       DECIMAL(18,6),
  season_4       DECIMAL(18,6),
  season_5       DECIMAL(18,6),
  season_6       DECIMAL(18,6),
  season_7       DECIMAL(18,6),
  sigma          DECIMAL(18,6),
  next_review    DATE
)
DISTKEY (sku);

-- Backtest accuracy of each fit, one row per model: 'selected' (the per-series choice), each candidate, and the
-- 'seasonal_naive' baseline on the same series and hold-out days. bias_pct = 100 * sum(forecast - actual) / sum(actual).
CREATE TABLE IF NOT EXISTS forecast_accuracy (
  fitted_through DATE          NOT NULL ENCODE raw,
  model          VARCHAR(16)   NOT NULL ENCODE bytedict,
  series         INTEGER       NOT NULL ENCODE az64,
  wape           DECIMAL(12,6) ENCODE az64,
  bias_pct       DECIMAL(12,6) ENCODE az64,
  mase           DECIMAL(12,6) ENCODE az64,
  PRIMARY KEY (fitted_through, model)
)
DISTSTYLE ALL
SORTKEY (fitted_through);

-- Each currency's rate on every calendar date from its first rate on (the latest rate on or before the date).
CREATE OR REPLACE VIEW v_exchange_rate_daily AS
SELECT c.date_key, r.currency, r.rate
FROM (
  SELECT currency, rate, rate_date, LEAD(rate_date) OVER (PARTITION BY currency ORDER BY rate_date) AS next_rate_date
  FROM dim_exchange_rate
) r
JOIN dim_calendar c ON c.date_key >= r.rate_date AND (r.next_rate_date IS NULL OR c.date_key < r.next_rate_date);

-- fact_sales with amounts in the reporting currency (*_rpt) at the business date's rate: what every total across
-- stores reads. A store in the reporting currency has rate 1; one in another currency without a rate yet has NULL
-- *_rpt amounts (never a silent 1).
-- Costs: products.csv's unit_cost is in the reporting currency, and a line's gross_margin was computed as
-- net_revenue - quantity * unit_cost, so cost_rpt = net_revenue - gross_margin exactly, and the margin in the
-- reporting currency is net_revenue_rpt - cost_rpt (not gross_margin * rate, which would convert the cost too).
-- fact_sales.gross_margin itself is right only for stores in the reporting currency: read gross_margin_rpt, or
-- gross_margin_local for a store's own currency. Products are widened to DECIMAL(38,2) before the rate multiplies
-- them, and the *_rpt amounts stay DECIMAL(38,2): an amount the contract accepts (up to 18 digits) times a rate above 1
-- would not fit 18 digits.
CREATE OR REPLACE VIEW v_sales_reporting AS
SELECT
  f.date_key, f.timestamp_utc, f.store_id, f.sku, f.basket_id, f.qty_sold, f.unit_price, f.net_revenue, f.gross_margin,
  f.customer_id, f.event_id, f.line_no, f.event_type, f.discount, f.payment_method,
  COALESCE(s.currency, rc.currency) AS currency,
  rc.currency AS reporting_currency,
  CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN CAST(1 AS DECIMAL(18,8)) ELSE x.rate END AS fx_rate,
  CAST(CAST(f.net_revenue AS DECIMAL(38,2)) * CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN 1 ELSE x.rate END AS DECIMAL(38,2)) AS net_revenue_rpt,
  CAST(CAST(f.net_revenue AS DECIMAL(38,2)) * CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN 1 ELSE x.rate END AS DECIMAL(38,2))
    - CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency OR x.rate IS NOT NULL THEN f.net_revenue - f.gross_margin END AS gross_margin_rpt,
  CAST(CAST(f.discount AS DECIMAL(38,2)) * CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN 1 ELSE x.rate END AS DECIMAL(38,2)) AS discount_rpt,
  CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency OR x.rate IS NOT NULL THEN f.net_revenue - f.gross_margin END AS cost_rpt,
  -- the margin in the store's own currency: the cost converted back at the same rate
  CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN f.gross_margin
       ELSE CAST(f.net_revenue - CAST(f.net_revenue - f.gross_margin AS DECIMAL(38,2)) / x.rate AS DECIMAL(18,2)) END AS gross_margin_local
FROM fact_sales f
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = f.store_id
LEFT JOIN v_exchange_rate_daily x ON x.currency = s.currency AND x.date_key = f.date_key;

-- v_sales_reporting needs the row: USD until the reference load writes the stage's setting.
INSERT INTO dim_reporting_currency (currency)
SELECT 'USD' WHERE NOT EXISTS (SELECT 1 FROM dim_reporting_currency);
