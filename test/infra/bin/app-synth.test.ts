import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../infra/lib/common/paths';
import { cdkJsonContext } from '../helpers';

type Manifest = { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, string> }> };

/**
 * infra/bin/app.ts as `cdk synth` runs it (cdk.json's app command, with its context): esbuild bundling, the DuckDB
 * layer, CloudFormation schema validation and the cdk-nag AwsSolutions plugin, which fails the synth on any finding.
 */
describe('cdk synth of infra/bin/app.ts', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'retail-lake-cdk-'));
  let manifest: Manifest;
  const templates: Record<string, Template> = {};
  beforeAll(() => {
    const app = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { app: string }).app;
    expect(app).toBe('npx tsx infra/bin/app.ts');
    execFileSync(process.execPath, ['--import', 'tsx', 'infra/bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true }) },
      stdio: 'pipe',
    });
    manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    for (const [id, a] of Object.entries(manifest.artifacts)) {
      if (a.type === 'aws:cloudformation:stack' && a.properties?.templateFile) templates[id] = JSON.parse(readFileSync(join(outdir, a.properties.templateFile), 'utf8')) as Template;
    }
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes the seven stacks with no validation or cdk-nag violations', () => {
    expect(Object.keys(templates).sort()).toEqual(
      ['Alerts', 'Consumers', 'Ingest', 'Lake', 'Observability', 'Pipeline', 'Warehouse'].map((c) => `RetailLake-Dev-${c}`),
    );
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('bundles each Lambda with esbuild: index.js, sql/ where the step reads SQL, worker bundles beside it', () => {
    const lambdas = Object.values(templates).flatMap((t) => Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path']));
    const byName = Object.fromEntries(lambdas.map((r) => [String(r.Properties?.FunctionName), join(outdir, String(r.Metadata?.['aws:asset:path']))]));
    for (const name of ['ingest-api', 'plan-batch', 'validate-batch', 'curate-batch', 'reconcile', 'warehouse-ddl']) {
      expect(existsSync(join(byName[`retail-lake-dev-${name}`], 'index.js'))).toBe(true);
    }
    expect(existsSync(join(byName['retail-lake-dev-curate-batch'], 'sql', 'transform', 'new_events.sql'))).toBe(true);
    expect(existsSync(join(byName['retail-lake-dev-validate-batch'], 'validate-worker.js'))).toBe(true);
    expect(existsSync(join(byName['retail-lake-dev-plan-batch'], 'sql'))).toBe(false);
    // the SDK and DuckDB stay out of the bundles
    expect(readFileSync(join(byName['retail-lake-dev-curate-batch'], 'index.js'), 'utf8')).toContain('require("@duckdb/node-api")');
  });

  it('ships DuckDB as a layer built from the installed linux-x64 packages', () => {
    const layers = Object.values(templates['RetailLake-Dev-Pipeline'].Resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
    expect(layers).toHaveLength(1);
    const dir = join(outdir, String(layers[0].Metadata?.['aws:asset:path']));
    for (const pkg of ['node-api', 'node-bindings', 'node-bindings-linux-x64']) expect(existsSync(join(dir, 'nodejs', 'node_modules', '@duckdb', pkg, 'package.json'))).toBe(true);
  });
});
