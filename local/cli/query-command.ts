import { existsSync } from 'node:fs';
import type { Row } from '../../functions/lib/ports';
import { CuratedQueryEngine } from '../engine/curated-engine';
import { localSettings, openLocalWarehouse, warehousePath } from '../local-runtime';
import { UsageError } from './errors';
import { formatRows, type OutputFormat } from './format-rows';

export async function queryCommand(lakeRoot: string, sql: string, opts: { warehouse?: boolean; format: OutputFormat }): Promise<string> {
  if (!existsSync(lakeRoot)) throw new UsageError(`lake ${lakeRoot} does not exist: run \`retail-lake demo\` or \`retail-lake run\` first`);
  let rows: Row[];
  try {
    if (opts.warehouse) {
      if (!existsSync(warehousePath(lakeRoot))) throw new UsageError(`no warehouse in ${lakeRoot} yet: run the pipeline first`);
      const warehouse = await openLocalWarehouse(lakeRoot);
      try {
        rows = await warehouse.query(sql);
      } finally {
        await warehouse.close();
      }
    } else {
      const engine = await CuratedQueryEngine.open(lakeRoot, localSettings(lakeRoot));
      try {
        rows = await engine.query(sql);
      } finally {
        engine.close();
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // DuckDB's message names the problem (syntax, unknown table or column); it is the analyst's to fix
    throw new UsageError(`query failed: ${(err as Error).message.split('\n')[0]}`);
  }
  return formatRows(rows, opts.format);
}
