import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The layout of the steps' one writable folder (PipelineSettings.workDir: `/tmp` in Lambda, `<lake>/.work`
 * locally): DuckDB spills under `duckdb/`, Lambda keeps its copy of lake prefixes under `lake/`, and each step
 * invocation gets its own scratch folder beside them.
 */
export const workPaths = (workDir: string): { duckdb: string; lake: string } => ({
  duckdb: join(workDir, 'duckdb'),
  lake: join(workDir, 'lake'),
});

/** A fresh scratch folder `<workDir>/<name>-XXXXXX` (the caller removes it). On the lake's own disk locally, so
 * LakeFiles.replacePrefix can rename out of it. */
export async function scratchDir(workDir: string, name: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  return mkdtemp(join(workDir, `${name}-`));
}
