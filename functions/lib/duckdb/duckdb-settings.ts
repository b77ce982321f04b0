import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, sqlString } from './duckdb-rows';

/** Runs `work` with DuckDB settings of this connection changed, then puts back the values they had. */
export async function withSettings<T>(conn: DuckDBConnection, settings: Record<string, string | number | boolean>, work: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  const [before] = await readRows(conn, `SELECT ${names.map((n) => `current_setting(${sqlString(n)}) AS ${n}`).join(', ')}`);
  for (const n of names) await conn.run(`SET ${n} = ${sqlString(String(settings[n]))}`);
  try {
    return await work();
  } finally {
    for (const n of names) await conn.run(`SET ${n} = ${sqlString(String(before[n]))}`);
  }
}
