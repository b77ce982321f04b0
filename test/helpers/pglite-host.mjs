// A PGlite database in a worker thread, for test/helpers/postgres-warehouse.ts. PGlite loads its WebAssembly
// with dynamic import(), which Jest's module sandbox refuses (without --experimental-vm-modules); a worker runs
// under Node's own loader. Messages: { id, sql } -> { id, rows } | { id, error: { message, code } }.
// Results look like the Redshift Data API's through RedshiftDataWarehouse: DECIMAL and BIGINT as numbers,
// DATE and TIMESTAMP as their text. The session is in UTC, as Redshift's is.
import { parentPort } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

const asText = (value) => value;
const db = await PGlite.create({ parsers: { [types.NUMERIC]: Number, [types.INT8]: Number, [types.DATE]: asText, [types.TIMESTAMP]: asText } });
await db.exec(`SET TimeZone = 'UTC'`);

parentPort.on('message', async ({ id, sql }) => {
  if (sql === null) {
    await db.close();
    parentPort.postMessage({ id, rows: [] });
    parentPort.close();
    return;
  }
  try {
    const result = await db.query(sql);
    parentPort.postMessage({ id, rows: result.rows });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: err.message, code: err.code } });
  }
});
parentPort.postMessage({ ready: true });
