import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATHENA_V3_FUNCTIONS, functionsCalled, functionsOutsideAthena } from '../../../functions/lib/athena/athena-functions';
import { sqlRoot } from '../../../functions/lib/sql-files';

/** Every .sql file under sql/athena/ (named queries, views, reconcile and recovery queries). */
function athenaFiles(dir = join(sqlRoot(), 'athena')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? athenaFiles(join(dir, d.name)) : d.name.endsWith('.sql') ? [join(dir, d.name)] : [],
  );
}

describe('Athena engine v3 functions only (functions/lib/athena/athena-functions.ts)', () => {
  it('finds the calls of a SQL text, not keywords, types, string literals or comments', () => {
    const sql = `-- round(x) in a comment\nSELECT ROUND(SUM(a), 2), CAST(b AS DECIMAL(18,2)), 'strftime(x)' FROM t WHERE c IN (1) AND EXISTS (SELECT 1) AND row_number() OVER (ORDER BY d) > 0`;
    expect(functionsCalled(sql)).toEqual(['cast', 'round', 'row_number', 'sum']);
    expect(functionsOutsideAthena(`SELECT strftime(d, '%Y'), list_sum(x), sum(y) FROM t`)).toEqual(['list_sum', 'strftime']);
  });

  it.each(athenaFiles().map((f) => [f.slice(sqlRoot().length + 1), f]))('%s calls only listed functions', (_name, file) => {
    expect(functionsOutsideAthena(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('lists lower-case names only', () => {
    for (const f of ATHENA_V3_FUNCTIONS) expect(f).toMatch(/^[a-z_0-9]+$/);
  });
});
