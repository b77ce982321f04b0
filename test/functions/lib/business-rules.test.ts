import { businessDate, lineGrossMargin, lineNetRevenue } from '../../../functions/lib/business-rules';
import { openDuckDb } from '../../../functions/lib/duckdb/duckdb-factory';
import { readRows, sqlString } from '../../../functions/lib/duckdb/duckdb-rows';
import { readSql } from '../../../functions/lib/sql-files';

const ZONES = ['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];

/** Runs sql/transform/dated_events.sql over the given (store = zone) instants. */
async function sqlBusinessDates(instants: { zone: string; at: string }[]): Promise<string[]> {
  const conn = await openDuckDb();
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(readSql('transform/functions.duckdb.sql'));
  await conn.run(`CREATE TABLE stores AS SELECT unnest([${ZONES.map(sqlString).join(',')}]) AS store_id, unnest([${ZONES.map(sqlString).join(',')}]) AS timezone`);
  const values = instants.map((e, i) => `(${i}, ${sqlString(e.zone)}, ${sqlString(e.at)})`).join(',');
  await conn.run(`CREATE TABLE staged_events AS SELECT * FROM (VALUES ${values}) t(seq, store_id, occurred_at)`);
  await conn.run(`CREATE TABLE new_events AS SELECT seq FROM staged_events`);
  const rows = await readRows(conn, `SELECT seq, CAST(business_date AS VARCHAR) AS d FROM (${readSql('transform/dated_events.sql')}) ORDER BY seq`);
  conn.closeSync();
  return rows.map((r) => String(r.d));
}

describe('business date', () => {
  it.each([
    ['America/New_York', '2024-03-10T06:59:00Z', '2024-03-10'], // 01:59 EST, the night DST starts
    ['America/New_York', '2024-03-10T04:30:00Z', '2024-03-09'], // 23:30 EST
    ['America/New_York', '2024-11-03T03:59:00Z', '2024-11-02'], // 23:59 EDT, the night DST ends
    ['America/New_York', '2024-11-03T05:30:00Z', '2024-11-03'], // 01:30 EDT, the repeated hour's first pass
    ['Australia/Sydney', '2024-04-06T12:59:00Z', '2024-04-06'], // 23:59 AEDT
    ['Australia/Sydney', '2024-04-06T13:00:00Z', '2024-04-07'], // 00:00 AEDT
    ['Asia/Kathmandu', '2024-03-09T18:14:00Z', '2024-03-09'], // 23:59 at +05:45
    ['Asia/Kathmandu', '2024-03-09T18:15:00Z', '2024-03-10'],
    ['Europe/Berlin', '2024-03-09T23:30:00+01:00', '2024-03-09'], // an offset other than Z
  ])('%s at %s is %s, in JS and in the curation SQL', async (zone, at, expected) => {
    expect(businessDate(at, zone)).toBe(expected);
    expect(await sqlBusinessDates([{ zone, at }])).toEqual([expected]);
  });

  it('the SQL agrees with the JS rule on 5,000 instants across zones and DST changes', async () => {
    const instants: { zone: string; at: string }[] = [];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // deterministic
      const ms = Date.UTC(2023, 0, 1) + (x % (2 * 365 * 24 * 60)) * 60_000;
      instants.push({ zone: ZONES[i % ZONES.length], at: new Date(ms).toISOString() });
    }
    const sql = await sqlBusinessDates(instants);
    const mismatches = instants.filter((e, i) => businessDate(e.at, e.zone) !== sql[i]);
    expect(mismatches).toEqual([]);
  });
});

describe('line arithmetic', () => {
  it('net revenue and margin; returns negative', () => {
    expect(lineNetRevenue('sale', 3, 19.99, 2)).toBe(57.97);
    expect(lineNetRevenue('return', 1, 6.5)).toBe(-6.5);
    expect(lineGrossMargin('sale', 3, 19.99, 2, 8.5)).toBe(32.47);
    expect(lineGrossMargin('return', 1, 6.5, 0, 2)).toBe(-4.5);
  });
});
