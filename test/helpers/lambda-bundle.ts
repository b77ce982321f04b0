import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import type { BatchPlan, CommitResult } from '../../functions/lib/pipeline/state';
import { PIPELINE_STEPS } from '../../functions/pipeline/steps';
import { DUCKDB_PACKAGES } from '../../infra/lib/pipeline/duckdb-layer';
import { BUNDLE_OPTIONS, EXTERNAL_MODULES } from '../../infra/lib/common/lake-function';
import { projectPath } from '../../infra/lib/common/paths';

/** esbuild with the options NodejsFunction uses for the app's Lambdas (infra/lib/common/lake-function.ts). */
async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [projectPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLE_OPTIONS.target,
    minify: BUNDLE_OPTIONS.minify,
    sourcemap: BUNDLE_OPTIONS.sourceMap,
    external: EXTERNAL_MODULES,
    logLevel: 'silent',
  });
}

/**
 * A DuckDB step's Lambda package as the CDK builds it, in `dir`: test/helpers/lambda-step-driver.ts bundled as
 * index.js (it calls the steps' cores, as their handlers do), Validate's worker as validate-worker.js beside it,
 * and sql/ (functions/lib/sql-files.ts reads SQL_ROOT). Returns the folder to put on NODE_PATH: the DuckDB layer's
 * node_modules (infra/lib/pipeline/duckdb-layer.ts copies the same packages to /opt/nodejs/node_modules).
 */
export async function buildLambdaPackage(dir: string): Promise<{ taskDir: string; layerModules: string }> {
  const taskDir = join(dir, 'task');
  const layerModules = join(dir, 'layer', 'nodejs', 'node_modules');
  mkdirSync(taskDir, { recursive: true });
  await bundle('test/helpers/lambda-step-driver.ts', join(taskDir, 'index.js'));
  for (const worker of PIPELINE_STEPS.flatMap((step) => step.workers ?? [])) await bundle(worker, join(taskDir, `${basename(worker, '.ts')}.js`));
  cpSync(projectPath('sql'), join(taskDir, 'sql'), { recursive: true });
  for (const pkg of DUCKDB_PACKAGES) cpSync(projectPath('node_modules', pkg), join(layerModules, pkg), { recursive: true, dereference: true });
  chmodSync(dir, 0o755); // mkdtemp makes 0700 folders: another user could not even read the package
  return { taskDir, layerModules };
}

/** Bytes of the files under `dir` now (0 if it does not exist). */
export function bytesUnder(dir: string): number {
  let total = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile()) total += statSync(join(e.parentPath, e.name), { throwIfNoEntry: false })?.size ?? 0;
    }
  } catch {
    return total; // a folder removed while it was walked
  }
  return total;
}

export interface StepRun {
  result: unknown;
  /** the child's peak RSS (process.resourceUsage().maxRSS at its exit) */
  maxRssBytes: number;
  /** the most bytes seen under the work folder while the step ran (polled), and under its duckdb/ spill folder */
  peakWorkBytes: number;
  peakSpillBytes: number;
}

export interface StepRunOptions {
  /** the package from buildLambdaPackage */
  pkg: { taskDir: string; layerModules: string };
  /** the lake folder (the stand-in for S3) */
  lake: string;
  plan?: BatchPlan;
  /** the state's commit result, for a step after CommitCheckpoint (summarize-baskets reads its affected dates) */
  commit?: Pick<CommitResult, 'affectedDates'>;
  /** the Lambda's environment: WORK_DIR, DUCKDB_MEMORY_MB, ... */
  env: Record<string, string>;
  /** run as another user (e.g. setpriv's arguments), so the package can be read-only even when tests run as root */
  asUser?: string[];
}

/** Runs a step of the package in a child process from the package's folder (as Lambda runs from /var/task). */
export function runLambdaStep(step: string, o: StepRunOptions): Promise<StepRun> {
  const state = o.commit ? [JSON.stringify(o.plan ?? null), JSON.stringify(o.commit)] : o.plan ? [JSON.stringify(o.plan)] : [];
  const args = [process.execPath, join(o.pkg.taskDir, 'index.js'), step, o.lake, ...state];
  const [command, ...rest] = [...(o.asUser ?? []), ...args];
  const env = { PATH: process.env.PATH ?? '', NODE_PATH: o.pkg.layerModules, SQL_ROOT: join(o.pkg.taskDir, 'sql'), NODE_OPTIONS: '--enable-source-maps', ...o.env };
  const workDir = o.env.WORK_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, { cwd: o.pkg.taskDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peakWorkBytes = 0;
    let peakSpillBytes = 0;
    const poll = setInterval(() => {
      peakWorkBytes = Math.max(peakWorkBytes, bytesUnder(workDir));
      peakSpillBytes = Math.max(peakSpillBytes, bytesUnder(join(workDir, 'duckdb')));
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${step} exited with ${code}: ${stderr.trim()}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      const { result, maxRssBytes } = JSON.parse(last) as { result: unknown; maxRssBytes: number };
      resolve({ result, maxRssBytes, peakWorkBytes, peakSpillBytes });
    });
  });
}
