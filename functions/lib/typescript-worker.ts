import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Loads a TypeScript entry through tsx's require hook inside the worker (also under jest, which has its own
 * loader that a worker thread does not inherit). A bundled .js entry is loaded as it is. */
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.__tsxApi).register();
require(workerData.__entry);
`;

export function startWorker(entry: string, workerData: Record<string, unknown>): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData });
  return new Worker(TS_BOOTSTRAP, {
    eval: true,
    workerData: { ...workerData, __entry: entry, __tsxApi: require.resolve('tsx/cjs/api') },
    execArgv: [],
  });
}

/** The worker script `name` beside the caller: the bundled `.js` in a Lambda package, else the `.ts` source. */
export function workerEntry(dir: string, name: string): string {
  const bundled = join(dir, `${name}.js`);
  return existsSync(bundled) ? bundled : join(dir, `${name}.ts`);
}
