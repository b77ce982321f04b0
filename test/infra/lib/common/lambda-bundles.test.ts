import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { PIPELINE_STEPS } from '../../../../functions/pipeline/steps';
import { EXTERNAL_MODULES } from '../../../../infra/lib/common/lake-function';
import { handlerEntry, projectPath } from '../../../../infra/lib/common/paths';

/** What NodejsFunction's esbuild sees of a handler: its inputs and the imports it leaves external. */
async function analyse(entry: string): Promise<{ inputs: string[]; external: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    write: false,
    metafile: true,
    external: EXTERNAL_MODULES,
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  const external = new Set<string>();
  for (const input of Object.values(meta.inputs)) for (const imp of input.imports) if (imp.external) external.add(imp.path);
  return { inputs: Object.keys(meta.inputs), external: [...external].sort() };
}

/** functions/lib/typescript-worker.ts resolves tsx only for .ts worker entries (local runs); bundles use .js. */
const TSX_WORKER_LOADER = 'tsx/cjs/api';

const isBuiltin = (m: string): boolean => m.startsWith('node:') || builtinModules.includes(m);

describe('Lambda bundles', () => {
  const lambdas = [...PIPELINE_STEPS.map((s) => ({ name: s.name, folder: `pipeline/${s.name}`, duckdb: s.duckdb, workers: s.workers ?? [] })), { name: 'ingest-api', folder: 'ingest', duckdb: false, workers: [] }];

  it.each(lambdas)('$name bundles with esbuild, gets the DuckDB layer exactly when it imports DuckDB, and loads no local code', async ({ folder, duckdb }) => {
    const { inputs, external } = await analyse(handlerEntry(folder));
    const nonBuiltin = external.filter((m) => !isBuiltin(m) && m !== TSX_WORKER_LOADER);
    // only the SDK (in the runtime) and DuckDB (in the layer) are left out of the bundle
    for (const m of nonBuiltin) expect(m.startsWith('@aws-sdk/') || m === '@duckdb/node-api').toBe(true);
    expect(nonBuiltin.includes('@duckdb/node-api')).toBe(duckdb);
    expect(inputs.filter((p) => p.startsWith('local/'))).toEqual([]);
  });

  it("the warehouse DDL custom resource imports its SDK clients (Redshift Data, Secrets Manager), which the runtime provides, and loads no local code", async () => {
    const { inputs, external } = await analyse(projectPath('infra', 'functions', 'apply-warehouse-ddl', 'index.ts'));
    expect(external.filter((m) => !isBuiltin(m))).toEqual(['@aws-sdk/client-redshift-data', '@aws-sdk/client-secrets-manager']);
    expect(inputs.filter((p) => p.startsWith('local/'))).toEqual([]);
  });

  it.each(lambdas)('$name has every worker-thread entry its own code starts bundled beside it', async ({ folder, workers }) => {
    const { inputs } = await analyse(handlerEntry(folder));
    const started: string[] = [];
    for (const input of inputs.filter((p) => p.startsWith(`functions/${folder}/`))) {
      const source = readFileSync(projectPath(input), 'utf8');
      for (const m of source.matchAll(/(?:startWorker|startPoolWorker)\(\s*workerEntry\(__dirname,\s*'([^']+)'\)/g)) started.push(`${dirname(input)}/${m[1]}.ts`);
    }
    expect([...workers].sort()).toEqual(started.sort());
    for (const w of workers) expect(existsSync(projectPath(w))).toBe(true);
  });
});
