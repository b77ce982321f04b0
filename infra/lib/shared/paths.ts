import { join, resolve } from 'node:path';

/** The repository root (infra/lib/shared -> ../../..): handlers, SQL and the ASL are read from here at synth. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);

/** The handler file of a function folder under functions/. */
export const handlerEntry = (name: string): string => projectPath('functions', name, 'index.ts');
