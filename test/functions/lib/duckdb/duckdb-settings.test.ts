import { DuckDBInstance } from '@duckdb/node-api';
import { readRows } from '../../../../functions/lib/duckdb/duckdb-rows';
import { withSettings } from '../../../../functions/lib/duckdb/duckdb-settings';

describe('withSettings', () => {
  it('changes the settings for the work only, and puts back what they were also when the work fails', async () => {
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const conn = await db.connect();
    const current = async (): Promise<Record<string, unknown>> =>
      (await readRows(conn, "SELECT current_setting('threads') AS threads, current_setting('preserve_insertion_order') AS keep"))[0];
    try {
      const inside = await withSettings(conn, { threads: 1, preserve_insertion_order: false }, current);
      expect(inside).toEqual({ threads: 1, keep: false });
      await expect(withSettings(conn, { threads: 1 }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await current()).toEqual({ threads: 2, keep: true });
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
