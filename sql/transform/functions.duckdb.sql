-- The functions whose spelling differs between engines. The transform SQL calls only these; each engine
-- defines them once: DuckDB here (local, curate Lambda), Spark in glue/ (the Glue job's registration).
-- utc_timestamp(text): an RFC 3339 timestamp with offset -> the UTC instant as a timestamp without zone.
-- local_timestamp(utc_ts, tz): that UTC instant as wall-clock time in the IANA time zone tz.
-- quarter_hour(ts): ts truncated to its quarter hour.
CREATE OR REPLACE MACRO utc_timestamp(ts_text) AS CAST(timezone('UTC', CAST(ts_text AS TIMESTAMPTZ)) AS TIMESTAMP);
CREATE OR REPLACE MACRO local_timestamp(utc_ts, tz) AS timezone(tz, timezone('UTC', utc_ts));
CREATE OR REPLACE MACRO quarter_hour(ts) AS time_bucket(INTERVAL 15 MINUTE, ts);
