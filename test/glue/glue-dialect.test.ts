import { readFileSync } from 'node:fs';
import { CURATED_COLUMNS } from '../../functions/lib/curated-schema';
import {
  ACCEPTED_IDS_PREFIX,
  CURATED_TABLES,
  acceptedIdsKey,
  dailyAcceptedIdsPrefix,
  commitIntentKey,
  commitPrefix,
  curateCommitId,
  curatedBatchFileKey,
  curatedPartitionPrefix,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  stagingPrefix,
} from '../../functions/lib/lake-layout';
import { curateJobArguments, transformSqlFiles } from '../../infra/lib/pipeline/curate-glue-job';
import { projectPath } from '../../infra/lib/common/paths';

interface DialectMapping {
  session: Record<string, string>;
  rewrite: Record<string, { params: string[]; spark: string }>;
  identical: string[];
}

const mapping = JSON.parse(readFileSync(projectPath('glue', 'dialect.json'), 'utf8')) as DialectMapping;
/** Words followed by "(" that are SQL syntax, not functions. */
const SYNTAX = new Set(['as', 'in', 'over', 'and', 'or', 'not', 'from', 'join', 'on', 'where', 'select', 'decimal', 'partition', 'by', 'then', 'else', 'when', 'all', 'union']);

function code(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
}

/** Names of the functions a SQL text calls. */
function calledFunctions(sql: string): string[] {
  return [...code(sql).matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1].toLowerCase()).filter((n) => !SYNTAX.has(n));
}

describe('the Glue job’s DuckDB -> Spark mapping (glue/dialect.json)', () => {
  const macros = [...readFileSync(projectPath('sql', 'transform', 'functions.duckdb.sql'), 'utf8').matchAll(/CREATE OR REPLACE MACRO (\w+)\(([^)]*)\)/gi)].map((m) => ({
    name: m[1].toLowerCase(),
    params: m[2].split(',').map((p) => p.trim()),
  }));

  it('maps exactly the engine-specific functions DuckDB defines as macros, with the same parameters', () => {
    expect(macros.length).toBeGreaterThan(0);
    expect(Object.keys(mapping.rewrite).sort()).toEqual(macros.map((m) => m.name).sort());
    for (const macro of macros) {
      const rule = mapping.rewrite[macro.name];
      expect(rule.params).toHaveLength(macro.params.length);
      for (const p of rule.params) expect(rule.spark).toContain(`{${p}}`);
    }
  });

  it('knows every function the transform SQL calls: mapped, or the same in both engines', () => {
    const known = new Set([...Object.keys(mapping.rewrite), ...mapping.identical]);
    const files = transformSqlFiles();
    expect(files).toEqual(expect.arrayContaining(['new_events.sql', 'sales_lines.sql', 'inventory_events.sql', 'date_totals.sql']));
    for (const file of files) {
      const unknown = calledFunctions(readFileSync(projectPath('sql', 'transform', file), 'utf8')).filter((f) => !known.has(f));
      expect({ file, unknown }).toEqual({ file, unknown: [] });
    }
  });

  it('gives the job the lake layout of functions/lib/lake-layout.ts', () => {
    const args = curateJobArguments('bucket');
    const batch = '{batch_id}';
    expect(args['--staged_events_key']).toBe(`${stagingPrefix(batch)}${STAGED_EVENTS_GLOB}`);
    expect(args['--accepted_ids_prefix']).toBe(ACCEPTED_IDS_PREFIX);
    expect(args['--accepted_ids_key']).toBe(acceptedIdsKey('{month}', batch));
    expect(args['--daily_accepted_ids_prefix']).toBe(dailyAcceptedIdsPrefix('{date}'));
    expect(args['--curate_record_key']).toBe(runRecordKeys(runPrefix(batch)).curate);
    expect(args['--partition_prefix']).toBe(curatedPartitionPrefix('sales_lines', '{date}').replace('sales_lines', '{table}'));
    expect(args['--curated_file_key'].replace('{table}', 'sales_lines').replace('{date}', '2024-01-05')).toBe(curatedBatchFileKey('sales_lines', '2024-01-05', batch));
    expect(args['--commit_id']).toBe(curateCommitId(batch));
    expect(args['--commit_prefix']).toBe(commitPrefix(curateCommitId(batch)));
    expect(args['--commit_intent_key']).toBe(commitIntentKey(curateCommitId(batch)));
    expect(args['--sales_lines_columns'].split(',')).toEqual(Object.keys(CURATED_COLUMNS.sales_lines));
    expect(args['--inventory_events_columns'].split(',')).toEqual(Object.keys(CURATED_COLUMNS.inventory_events));
    expect(args['--purchase_orders_columns'].split(',')).toEqual(Object.keys(CURATED_COLUMNS.purchase_orders));
  });

  it('writes every curated table of functions/lib/lake-layout.ts', () => {
    const script = readFileSync(projectPath('glue', 'curate_batch.py'), 'utf8');
    for (const table of CURATED_TABLES) expect({ table, transformed: script.includes(`"${table}": spark.sql(sql_file("${table}"))`) }).toEqual({ table, transformed: true });
  });

  it('names every argument the script reads', () => {
    const script = readFileSync(projectPath('glue', 'curate_batch.py'), 'utf8');
    const read = [...script.slice(script.indexOf('getResolvedOptions'), script.indexOf('BATCH =')).matchAll(/"(\w+)"/g)].map((m) => m[1]);
    const given = Object.keys(curateJobArguments('bucket')).map((k) => k.slice(2));
    expect(read.filter((a) => a !== 'JOB_NAME' && a !== 'batch_id').sort()).toEqual(given.sort());
  });
});
