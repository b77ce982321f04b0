-- The two functions whose spelling differs between engines. The transform SQL calls only these; each engine
-- defines them once: DuckDB here (local, curate Lambda), Spark in glue/ (the Glue job's UDF registration).
-- utc_timestamp(text): an RFC 3339 timestamp with offset -> the UTC instant as a timestamp without zone.
-- local_date(text, tz): the calendar date of that instant in the IANA time zone tz (the business date).
CREATE OR REPLACE MACRO utc_timestamp(ts_text) AS CAST(timezone('UTC', CAST(ts_text AS TIMESTAMPTZ)) AS TIMESTAMP);
CREATE OR REPLACE MACRO local_date(ts_text, tz) AS CAST(timezone(tz, CAST(ts_text AS TIMESTAMPTZ)) AS DATE);
