-- Migration (stock risk v2): the stock position stock_risk.sql now projects from the forecast and the open
-- orders, and the per store-SKU alert state that decides which changes are worth a message.
-- fact_inventory_snapshot gains the projection's results; the defaults fill the rows written before (which
-- knew nothing of orders or forecasts).
ALTER TABLE fact_inventory_snapshot ADD COLUMN on_order_qty INTEGER DEFAULT 0 ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN next_arrival_date DATE DEFAULT NULL ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN stockout_date DATE DEFAULT NULL ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN order_by_date DATE DEFAULT NULL ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN suggested_qty INTEGER DEFAULT 0 ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN safety_stock DECIMAL(12,2) DEFAULT 0 ENCODE az64;
ALTER TABLE fact_inventory_snapshot ADD COLUMN forecast_daily DECIMAL(12,4) DEFAULT 0 ENCODE az64;
-- 'dead' (stock, no sale for deadStockDays) | 'overstock' (cover above overstockCover x lead time) | NULL
ALTER TABLE fact_inventory_snapshot ADD COLUMN stock_flag VARCHAR(16) DEFAULT NULL ENCODE bytedict;

-- alert_state: one row per store-SKU that has ever been flagged. level is the latest severity ('critical' |
-- 'high' | 'ok') and since the date it took that level; notified_* is what the last message said, and
-- last_digest_date the business date of the last daily digest that listed it. StockRisk sets pending_batch /
-- pending_kind ('immediate' | 'digest') on the rows the batch must announce; PublishAlerts, after sending,
-- copies the level into notified_* (so a retried PublishAlerts sends the same messages, and a later run only
-- speaks when the level moves away from what was said).
CREATE TABLE IF NOT EXISTS alert_state (
  store_id               VARCHAR(32)  NOT NULL ENCODE raw,
  sku                    VARCHAR(64)  NOT NULL ENCODE zstd,
  level                  VARCHAR(8)   NOT NULL ENCODE bytedict,
  since                  DATE         NOT NULL ENCODE az64,
  notified_level         VARCHAR(8)   ENCODE bytedict,
  notified_at            TIMESTAMP    ENCODE az64,
  notified_on_hand       INTEGER      ENCODE az64,
  notified_stockout_date DATE         ENCODE az64,
  last_digest_date       DATE         ENCODE az64,
  pending_batch          VARCHAR(128) ENCODE zstd,
  pending_kind           VARCHAR(16)  ENCODE bytedict,
  PRIMARY KEY (store_id, sku)
)
DISTKEY (sku)
SORTKEY (store_id);
