/**
 * Timestamp semantics of the Glue job's Spark SQL on offset timestamps (occurred_at with +05:30, -08:00, Z, ...).
 *
 * There is no Spark here. What is tested:
 * - the Spark SQL that glue/spark_dialect.py makes of sql/transform/dated_events.sql (python3, from the files the job
 *   ships) parses with the zone-aware to_timestamp_ltz and names TIMESTAMP_LTZ / TIMESTAMP_NTZ in every cast, and the
 *   session settings of glue/dialect.json (UTC, LTZ default, NTZ inference for Parquet, ANSI casts);
 * - that same generated SQL, run in DuckDB with each Spark function it calls defined by a macro that follows Spark's
 *   documented semantics (SPARK_MODEL below: to_timestamp under spark.sql.timestampType=TIMESTAMP_NTZ drops the zone,
 *   DateTimeUtils.stringToTimestampWithoutTimeZone; LTZ keeps it; casts between LTZ and NTZ go through the session
 *   zone), gives the UTC instant and business date listed by hand, as the DuckDB curation does.
 * Not proven without Spark: that Spark 3.5 (Glue 5.0) implements those functions as modelled, that its parser
 * accepts the generated SQL, how its Parquet writer and reader type the columns (curate_batch.py casts zone-aware
 * timestamps to TIMESTAMP_NTZ before writing, which Spark writes as INT64 micros with isAdjustedToUTC=false, as
 * DuckDB writes TIMESTAMP), and ANSI mode's effect on the rest of the SQL.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDate } from '../../functions/lib/business-rules';
import { openDuckDb } from '../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../functions/lib/duckdb/duckdb-rows';
import { readSql } from '../../functions/lib/sql-files';
import { jobSupportFiles } from '../../infra/lib/pipeline/curate-glue-job';

interface SparkTranslation {
  session: Record<string, string>;
  datedEvents: string;
}

/** dated_events.sql as the Glue job runs it: spark_dialect.py over the files of the job's support zip. */
function sparkTranslation(): SparkTranslation {
  const folder = mkdtempSync(join(tmpdir(), 'glue-support-'));
  for (const [name, source] of Object.entries(jobSupportFiles())) copyFileSync(source, join(folder, name));
  const code = [
    'import json, sys',
    'sys.path.insert(0, sys.argv[1])',
    'import spark_dialect as d',
    'm = d.load_mapping()',
    'print(json.dumps({"session": m["session"], "datedEvents": d.to_spark(d.resource_text("dated_events.sql"), m)}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', code, folder], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr || String(r.error)}`);
  return JSON.parse(r.stdout) as SparkTranslation;
}

/**
 * Spark's functions and types as the generated SQL uses them, in DuckDB, for a session configured as given.
 * DuckDB's TIMESTAMPTZ stands for Spark's TIMESTAMP_LTZ (an instant, shown in the session zone) and TIMESTAMP for
 * TIMESTAMP_NTZ (wall-clock time); DuckDB's TimeZone setting is spark.sql.session.timeZone, so casts between the
 * two go through the session zone in both.
 */
function sparkModel(session: Record<string, string>): string[] {
  const defaultType = session['spark.sql.timestampType'] ?? 'TIMESTAMP_LTZ'; // Spark's default is LTZ
  return [
    `SET TimeZone = ${sqlString(session['spark.sql.session.timeZone'] ?? 'UTC')}`,
    'CREATE TYPE TIMESTAMP_LTZ AS TIMESTAMPTZ',
    'CREATE TYPE TIMESTAMP_NTZ AS TIMESTAMP',
    // to_timestamp(s) is CAST(s AS <spark.sql.timestampType>); to NTZ, Spark discards the zone of the text
    defaultType === 'TIMESTAMP_NTZ'
      ? `CREATE MACRO to_timestamp(s) AS CAST(regexp_replace(s, '(Z|[+-][0-9]{2}:[0-9]{2})$', '') AS TIMESTAMP)`
      : 'CREATE MACRO to_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
    // to_timestamp_ltz(s): the instant the text names (its offset; the session zone if it has none)
    'CREATE MACRO to_timestamp_ltz(s) AS CAST(s AS TIMESTAMPTZ)',
    // from_utc_timestamp(ts, tz): the wall-clock time in tz of the instant ts, as a timestamp in the session (UTC)
    `CREATE MACRO from_utc_timestamp(ts, tz) AS timezone('UTC', timezone(tz, CAST(ts AS TIMESTAMPTZ)))`,
    // unix_seconds(ts): whole seconds since the epoch, truncating below
    'CREATE MACRO unix_seconds(ts) AS CAST(floor(epoch(ts)) AS BIGINT)',
    // timestamp_seconds(n): the instant n seconds after the epoch
    'CREATE MACRO timestamp_seconds(n) AS CAST(make_timestamp(CAST(n * 1000000 AS BIGINT)) AS TIMESTAMPTZ)',
  ];
}

/** A bare TIMESTAMP in Spark SQL is the session's default timestamp type. */
function withSessionTimestampType(sparkSql: string, session: Record<string, string>): string {
  return sparkSql.replace(/\bAS\s+TIMESTAMP\s*\)/gi, `AS ${session['spark.sql.timestampType'] ?? 'TIMESTAMP_LTZ'})`);
}

/** Offset timestamps as tills send them, with the UTC instant and the store's business date worked out by hand. */
const CASES: { zone: string; at: string; utc: string; date: string }[] = [
  { zone: 'Asia/Kolkata', at: '2024-03-10T00:15:00+05:30', utc: '2024-03-09 18:45:00', date: '2024-03-10' }, // just after midnight IST
  { zone: 'Asia/Kolkata', at: '2024-03-09T23:50:00+05:30', utc: '2024-03-09 18:20:00', date: '2024-03-09' }, // just before
  { zone: 'Asia/Kolkata', at: '2024-03-09T20:00:00+05:30', utc: '2024-03-09 14:30:00', date: '2024-03-09' }, // wall clock read as UTC would be 01:30 IST the next day
  { zone: 'Asia/Kolkata', at: '2024-03-09T18:45:00Z', utc: '2024-03-09 18:45:00', date: '2024-03-10' }, // Z, 00:15 IST
  { zone: 'America/Los_Angeles', at: '2024-03-09T23:30:00-08:00', utc: '2024-03-10 07:30:00', date: '2024-03-09' }, // late evening PST, next day in UTC
  { zone: 'America/Los_Angeles', at: '2024-03-10T01:59:00-08:00', utc: '2024-03-10 09:59:00', date: '2024-03-10' }, // the minute before DST starts
  { zone: 'America/Los_Angeles', at: '2024-03-10T03:00:00-07:00', utc: '2024-03-10 10:00:00', date: '2024-03-10' }, // the first minute of PDT
  { zone: 'America/Los_Angeles', at: '2024-03-10T07:30:00Z', utc: '2024-03-10 07:30:00', date: '2024-03-09' }, // Z, 23:30 PST the day before
  { zone: 'America/New_York', at: '2024-11-03T01:30:00-04:00', utc: '2024-11-03 05:30:00', date: '2024-11-03' }, // the repeated hour, first pass (EDT)
  { zone: 'America/New_York', at: '2024-11-03T01:30:00-05:00', utc: '2024-11-03 06:30:00', date: '2024-11-03' }, // and second pass (EST)
  { zone: 'America/New_York', at: '2024-11-02T23:59:00-04:00', utc: '2024-11-03 03:59:00', date: '2024-11-02' },
  { zone: 'Europe/Berlin', at: '2024-03-31T00:30:00+01:00', utc: '2024-03-30 23:30:00', date: '2024-03-31' }, // the night DST starts
  { zone: 'Europe/Berlin', at: '2024-06-01T00:00:00.123456+02:00', utc: '2024-05-31 22:00:00.123456', date: '2024-06-01' }, // microseconds
];

/** The dated events (UTC instant and business date) that `sql` computes over CASES, after running `setup`. */
async function datedEvents(setup: string[], sql: string): Promise<{ utc: string; date: string }[]> {
  const conn = await openDuckDb();
  try {
    for (const statement of setup) await conn.run(statement);
    const zones = [...new Set(CASES.map((c) => c.zone))];
    await conn.run(`CREATE TABLE stores AS SELECT unnest([${zones.map(sqlString).join(',')}]) AS store_id, unnest([${zones.map(sqlString).join(',')}]) AS timezone`);
    const values = CASES.map((c, i) => `(${i}, ${sqlString(c.zone)}, ${sqlString(c.at)})`).join(',');
    await conn.run(`CREATE TABLE staged_events AS SELECT * FROM (VALUES ${values}) t(seq, store_id, occurred_at)`);
    await conn.run('CREATE TABLE new_events AS SELECT seq FROM staged_events');
    const rows = await readRows(conn, `SELECT seq, CAST(occurred_at_utc AS VARCHAR) AS utc, CAST(business_date AS VARCHAR) AS date FROM (${sql}) ORDER BY seq`);
    return rows.map((r) => ({ utc: String(r.utc), date: String(r.date) }));
  } finally {
    conn.closeSync();
  }
}

const EXPECTED = CASES.map((c) => ({ utc: c.utc, date: c.date }));

describe('the Glue job’s timestamps on offset timestamps', () => {
  let spark: SparkTranslation;
  beforeAll(() => {
    spark = sparkTranslation();
  });

  it('runs Spark in UTC with zone-aware TIMESTAMP as the default, NTZ inference for Parquet and ANSI casts', () => {
    expect(spark.session).toEqual({
      'spark.sql.session.timeZone': 'UTC',
      'spark.sql.timestampType': 'TIMESTAMP_LTZ',
      'spark.sql.parquet.inferTimestampNTZ.enabled': 'true',
      'spark.sql.ansi.enabled': 'true',
    });
  });

  it('parses occurred_at with to_timestamp_ltz and names the timestamp type in every cast', () => {
    const sql = spark.datedEvents;
    expect(sql).toMatch(/to_timestamp_ltz\(\(s\.occurred_at\)\)/);
    expect(sql).not.toMatch(/\bto_timestamp\s*\(/i); // its result type follows spark.sql.timestampType
    expect(sql).not.toMatch(/\bAS\s+TIMESTAMP\s*\)/i); // so does a bare TIMESTAMP
    expect(sql).toMatch(/from_utc_timestamp\(CAST\(\(q\.utc_quarter\) AS TIMESTAMP_LTZ\), \(st\.timezone\)\)/);
  });

  it('the hand-worked cases agree with the JS business-date rule', () => {
    expect(CASES.map((c) => businessDate(c.at, c.zone))).toEqual(CASES.map((c) => c.date));
  });

  it('DuckDB curation: UTC instants and business dates as worked out by hand', async () => {
    expect(await datedEvents(["SET TimeZone = 'UTC'", readSql('transform/functions.duckdb.sql')], readSql('transform/dated_events.sql'))).toEqual(EXPECTED);
  });

  it('the Glue job’s Spark SQL, with Spark’s functions modelled in DuckDB: the same instants and dates', async () => {
    expect(await datedEvents(sparkModel(spark.session), withSessionTimestampType(spark.datedEvents, spark.session))).toEqual(EXPECTED);
  });

  it('the model tells the zone-dropping parse apart: to_timestamp with TIMESTAMP_NTZ as the default follows the till’s wall clock', async () => {
    const ntz = { ...spark.session, 'spark.sql.timestampType': 'TIMESTAMP_NTZ' };
    const dropped = await datedEvents(sparkModel(ntz), withSessionTimestampType(spark.datedEvents.replace(/to_timestamp_ltz\(/g, 'to_timestamp('), ntz));
    expect(dropped[0]).toEqual({ utc: '2024-03-10 00:15:00', date: '2024-03-10' }); // the till's wall clock, not 18:45 UTC
    expect(dropped[2]).toEqual({ utc: '2024-03-09 20:00:00', date: '2024-03-10' }); // and the wrong business date
  });
});
