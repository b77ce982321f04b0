import { join, resolve } from 'node:path';

/** The repository root (infra/lib/common -> ../../..): handlers, SQL and the ASL are read from here at synth. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);

/** The handler file of a function folder under functions/ (`ingest`, `pipeline/plan-batch`, ...). */
export const handlerEntry = (folder: string): string => projectPath('functions', folder, 'index.ts');
