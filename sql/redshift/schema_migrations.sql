-- The migration ledger: one row per migration of sql/redshift/migrations/ applied to this warehouse, written in
-- the same transaction as the migration itself (functions/lib/warehouse/migrations.ts). Created before any
-- migration runs, so it is not a migration itself.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER      NOT NULL ENCODE raw,
  name       VARCHAR(128) NOT NULL ENCODE zstd,
  applied_at TIMESTAMP    NOT NULL ENCODE az64,
  PRIMARY KEY (version)
)
DISTSTYLE ALL
SORTKEY (version);
