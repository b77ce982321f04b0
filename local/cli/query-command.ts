import { existsSync } from 'node:fs';
import { NamedQueryError, renderNamedQuery, withDateDefaultsAnswered, type NamedQuery } from '../../functions/lib/athena/named-queries';
import type { Row } from '../../functions/lib/ports';
import { CuratedQueryEngine } from '../engine/curated-engine';
import { QueryRefused, isDuckDbRefusal } from '../engine/read-only-sql';
import { localSettings, openLocalWarehouse, warehousePath } from '../local-runtime';
import { UsageError } from './errors';
import { formatRows, type OutputFormat } from './format-rows';

export interface QueryOptions {
  warehouse?: boolean;
  format: OutputFormat;
  /** CSV cells as they are, formulas included (by default they are neutralised when stdout is not a terminal) */
  rawCsv?: boolean;
  /** the named lake query `sql` renders, run with its date defaults answered first (named-queries.ts) */
  named?: { query: NamedQuery; values: Record<string, string> };
}

const firstLine = (err: unknown): string => (err as Error).message.split('\n')[0];

/** Analyst SQL, read-only as Athena is: the curated views or the warehouse file, no writes and no files outside the lake. */
export async function queryCommand(lakeRoot: string, sql: string, opts: QueryOptions): Promise<string> {
  if (!existsSync(lakeRoot)) throw new UsageError(`lake ${lakeRoot} does not exist: run \`retail-lake demo\` or \`retail-lake run\` first`);
  let rows: Row[];
  try {
    if (opts.warehouse) {
      if (!existsSync(warehousePath(lakeRoot))) throw new UsageError(`no warehouse in ${lakeRoot} yet: run the pipeline first`);
      const warehouse = await openLocalWarehouse(lakeRoot, { readOnly: true });
      try {
        rows = await warehouse.query(sql);
      } finally {
        await warehouse.close();
      }
    } else {
      const engine = await CuratedQueryEngine.openReadOnly(lakeRoot, localSettings(lakeRoot));
      try {
        const run = opts.named ? renderNamedQuery(opts.named.query, await withDateDefaultsAnswered(opts.named.query, opts.named.values, engine)) : sql;
        rows = await engine.query(run);
      } finally {
        engine.close();
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // a from after the latest date: the named query's values, checked once its defaults are answered
    if (err instanceof NamedQueryError) throw new UsageError(`query: ${err.message}`);
    if (err instanceof QueryRefused || isDuckDbRefusal(err)) {
      throw new UsageError(`query: refused: this engine is read-only (as Athena is): ${firstLine(err)}`);
    }
    // DuckDB's message names the problem (syntax, unknown table or column); it is the analyst's to fix
    throw new UsageError(`query failed: ${firstLine(err)}`);
  }
  return formatRows(rows, opts.format, { rawCsv: opts.rawCsv });
}
