-- Migration (incremental stock risk): a run evaluates the store-SKUs its batch touched plus those due for a
-- time-based review, not every store-SKU (docs/architecture.md §2.4, "Incremental runs").
-- stock_review: one row per store-SKU stock risk has evaluated. evaluated_on is the as-of date of its last
-- evaluation, next_review_date the date on which a run re-evaluates it even without new events (daily while
-- flagged, when it would turn dead stock, when an open order falls due, at the latest a week on). FitForecasts
-- sets next_review_date to the fit's date for the series it refits (their forecast changed). rows_seen: how many
-- fact rows (sales lines, stock events, order rows) the store-SKU had dated evaluated_on when it was evaluated, so
-- that a later run on the same date tells a store-SKU with new rows from one whose rows it has already seen.
CREATE TABLE IF NOT EXISTS stock_review (
  store_id         VARCHAR(32) NOT NULL ENCODE raw,
  sku              VARCHAR(64) NOT NULL ENCODE zstd,
  evaluated_on     DATE        NOT NULL ENCODE az64,
  next_review_date DATE        NOT NULL ENCODE az64,
  rows_seen        INTEGER     NOT NULL ENCODE az64,
  PRIMARY KEY (store_id, sku)
)
DISTKEY (sku)
SORTKEY (next_review_date);

-- The store-SKUs the latest batch's stock-risk run evaluates (the pipeline role may not create tables, temporary
-- ones included, so the work table is part of the schema). Kept until the next batch: a retried StockRisk of the
-- same batch evaluates the same store-SKUs, so the alert lifecycle, which reads the scope, decides on all of them
-- even when the first attempt stopped after updating the review plan.
CREATE TABLE IF NOT EXISTS stock_risk_scope (
  batch_id VARCHAR(128) NOT NULL ENCODE zstd,
  store_id VARCHAR(32)  NOT NULL ENCODE raw,
  sku      VARCHAR(64)  NOT NULL ENCODE zstd,
  PRIMARY KEY (store_id, sku)
)
DISTKEY (sku)
SORTKEY (store_id, sku);
