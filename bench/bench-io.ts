/** What the benches share: their log line, a stage in a child process, a fresh lake with the input, the results files. */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PRODUCTS_KEY, STORES_KEY } from '../functions/lib/lake-layout';
import { FsObjectStore } from '../local/adapters/fs-object-store';
import { ingestFiles } from '../local/cli/ingest-command';
import { productsCsv, type SimReference, storesCsv } from '../local/simulator';

const run = promisify(execFile);
const here = __dirname;

/** A progress line on stderr, with the time of day (stdout is the results). */
export const log = (s: string): boolean => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/** Runs a stage script (bench/stage-*.ts) in a process of its own, and returns the JSON it prints last. */
export async function child<T>(script: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: join(here, '..'),
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as T;
}

/** A fresh lake at `lake` holding the reference data and the raw `files`. */
export async function lakeWithInput(lake: string, reference: SimReference, files: string[]): Promise<void> {
  const store = new FsObjectStore(lake);
  await store.put(STORES_KEY, storesCsv(reference));
  await store.put(PRODUCTS_KEY, productsCsv(reference));
  await ingestFiles(store, files);
}

/** Writes bench/results/<name>.json and <name>.md, and prints the Markdown. */
export function writeResults(name: string, results: unknown, md: string): void {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', `${name}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(here, 'results', `${name}.md`), md);
  process.stdout.write(md);
}
