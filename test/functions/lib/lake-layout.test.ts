import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as ts from 'typescript';
import {
  acceptedIdsKey,
  dailyAcceptedIdsPrefix,
  utcMonthOf,
  ACCEPTED_IDS_PREFIX,
  curatedDatePrefix,
  curatedPartitionPrefix,
  CURATED_PREFIX,
  CONTROL_PREFIX,
  FORECAST_PREFIX,
  isStagedPart,
  queryableTablePrefix,
  QUARANTINE_PREFIX,
  RAW_PREFIX,
  REFERENCE_PREFIX,
  runPrefix,
  runRecordKeys,
  STAGED_EVENTS_GLOB,
  stagedPartName,
  ZONE_BUCKET,
} from '../../../functions/lib/lake-layout';
import { PROJECT_ROOT } from '../../../infra/lib/common/paths';

/** Key fragments that only functions/lib/lake-layout.ts may spell (in code; comments and prose may name them). */
const LAYOUT_FRAGMENT =
  /control\/|raw\/pos|quarantine\/pos|accepted_ids\/|runs\/|staging\/|(manifest|validation|curate|committed|reconcile|alerts)\.json|(business|received)_date=|^(curated|reference)\//;

/** String and template literals of a TypeScript file that look like lake keys: no spaces, not a module path. */
function layoutLiterals(file: string, text = readFileSync(`${PROJECT_ROOT}/${file}`, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if ((ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && !/\s/.test(node.text) && LAYOUT_FRAGMENT.test(node.text)) {
      found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('lake layout', () => {
  it('keeps the key layout of the design (the cloud and the local lake share it)', () => {
    expect([RAW_PREFIX, QUARANTINE_PREFIX, CURATED_PREFIX, REFERENCE_PREFIX, CONTROL_PREFIX]).toEqual(['raw/pos/', 'quarantine/pos/', 'curated/', 'reference/', 'control/']);
    expect(runRecordKeys(runPrefix('b1'))).toEqual({
      manifest: 'control/runs/b1/manifest.json',
      validation: 'control/runs/b1/validation.json',
      curate: 'control/runs/b1/curate.json',
      committed: 'control/runs/b1/committed.json',
      reconcile: 'control/runs/b1/reconcile.json',
      alerts: 'control/runs/b1/alerts.json',
      alertTransitions: 'control/runs/b1/alert-transitions.json',
      loaded: 'control/runs/b1/loaded.json',
      published: 'control/runs/b1/alerts-published.json',
    });
    expect(acceptedIdsKey(utcMonthOf('2024-01-05'), 'b1')).toBe('control/accepted_ids/utc_month=2024-01/batch=b1.parquet');
    expect(acceptedIdsKey(utcMonthOf('undated'), 'b1')).toBe('control/accepted_ids/utc_month=undated/batch=b1.parquet');
    expect(acceptedIdsKey('2024-01', 'b1').startsWith(ACCEPTED_IDS_PREFIX)).toBe(true);
    expect(dailyAcceptedIdsPrefix('2024-01-05')).toBe('control/accepted_ids/utc_date=2024-01-05/');
    expect(curatedPartitionPrefix('sales_lines', '2024-01-05')).toBe('curated/sales_lines/business_date=2024-01-05/');
    expect(curatedPartitionPrefix('sales_lines', '2024-01-05').startsWith(curatedDatePrefix('sales_lines', '2024-01-'))).toBe(true);
    expect(queryableTablePrefix('quarantine')).toBe(QUARANTINE_PREFIX);
    expect(queryableTablePrefix('inventory_events')).toBe('curated/inventory_events/');
  });

  it('names staged parts so the glob Curate (Lambda and Glue) reads matches them', () => {
    const name = stagedPartName(3, 12);
    expect(name).toBe('events-000003-000012.ndjson');
    expect(isStagedPart(name)).toBe(true);
    const glob = new RegExp(`^${STAGED_EVENTS_GLOB.replace('.', '\\.').replace('*', '.*')}$`);
    expect(glob.test(name)).toBe(true);
  });

  it('maps every zone prefix to the bucket that holds it', () => {
    for (const prefix of [RAW_PREFIX, QUARANTINE_PREFIX, CURATED_PREFIX, REFERENCE_PREFIX, CONTROL_PREFIX, FORECAST_PREFIX]) {
      expect(ZONE_BUCKET[prefix.split('/')[0]]).toBeDefined();
    }
    expect(Object.keys(ZONE_BUCKET)).toHaveLength(6);
    expect(ZONE_BUCKET.forecast).toBe('curated');
  });

  it('is the only module that spells a layout key (functions/, local/, infra/, bench/, dashboards/)', () => {
    const files = execFileSync('git', ['ls-files', 'functions/*.ts', 'local/*.ts', 'infra/*.ts', 'bench/*.ts', 'dashboards/*.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && f !== 'functions/lib/lake-layout.ts');
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => layoutLiterals(f))).toEqual([]);
  });

  it('finds a layout key spelled outside lake-layout.ts (the check above can fail)', () => {
    const probe = "import { x } from '../reference/x';\nconst k = `control/runs/${id}/manifest.json`;\nconst about = 'reads curated/ Parquet';";
    expect(layoutLiterals('probe.ts', probe)).toEqual(['probe.ts:2 control/runs/', 'probe.ts:2 /manifest.json']);
  });
});
