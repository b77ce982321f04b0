import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDb, duckDbConfig, withDuckDb } from '../../../../functions/lib/duckdb/duckdb-factory';
import { readRows } from '../../../../functions/lib/duckdb/duckdb-rows';
import { settingsFromEnv } from '../../../../functions/lib/pipeline/pipeline-settings';
import { projectPath } from '../../../../infra/lib/common/paths';
import { localSettings } from '../../../../local/local-runtime';

describe('the DuckDB factory', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'retail-lake-duckdb-factory-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('spills under <work>/duckdb, created if missing, with the memory and threads of the settings', async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir, DUCKDB_MEMORY_MB: '200', DUCKDB_THREADS: '1' });
    const rows = await withDuckDb(settings, (conn) =>
      readRows(conn, `SELECT current_setting('temp_directory') AS temp, current_setting('memory_limit') AS memory, current_setting('threads') AS threads`),
    );
    expect(rows).toEqual([{ temp: join(workDir, 'duckdb'), memory: expect.stringMatching(/^19\d\.\d MiB$/), threads: 1 }]);
    expect(existsSync(join(workDir, 'duckdb'))).toBe(true);
  });

  it("leaves memory and threads to DuckDB when the settings say 0, but never its temp directory", async () => {
    const settings = settingsFromEnv({ WORK_DIR: workDir });
    expect(duckDbConfig(settings)).toEqual({ temp_directory: join(workDir, 'duckdb') });
    const db = await createDuckDb(settings, join(workDir, 'file.duckdb'));
    const conn = await db.connect();
    expect(await readRows(conn, `SELECT current_setting('temp_directory') AS temp`)).toEqual([{ temp: join(workDir, 'duckdb') }]);
    conn.closeSync();
    db.closeSync();
  });

  it('puts a local lake’s work folder inside the lake, unless WORK_DIR says otherwise', () => {
    expect(localSettings('/data/lake', {}).workDir).toBe('/data/lake/.work');
    expect(localSettings('/data/lake', { WORK_DIR: '/scratch' }).workDir).toBe('/scratch');
  });
});

describe('every DuckDB of the code base', () => {
  it('is opened through the factory (no DuckDBInstance.create elsewhere in functions/, local/ or bench/)', () => {
    const openers: string[] = [];
    for (const folder of ['functions', 'local', 'bench']) {
      for (const file of readdirSync(projectPath(folder), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
        if (/DuckDBInstance\.create\(/.test(readFileSync(projectPath(folder, file), 'utf8'))) openers.push(`${folder}/${file}`);
      }
    }
    expect(openers).toEqual(['functions/lib/duckdb/duckdb-factory.ts']);
  });
});
