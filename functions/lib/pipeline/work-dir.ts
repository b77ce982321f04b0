import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The layout of the steps' one writable folder (PipelineSettings.workDir: `/tmp` in Lambda, `<lake>/.work`
 * locally): DuckDB spills under `duckdb/`, Lambda keeps its copy of lake prefixes under `lake/`, and each step
 * invocation gets its own scratch folder under `scratch/`.
 */
export const workPaths = (workDir: string): { duckdb: string; lake: string; scratch: string } => ({
  duckdb: join(workDir, 'duckdb'),
  lake: join(workDir, 'lake'),
  scratch: join(workDir, 'scratch'),
});

/** A fresh scratch folder `<workDir>/scratch/<name>-XXXXXX` (the caller removes it; a killed step cannot, and
 * removeScratch does it on the next run). */
export async function scratchDir(workDir: string, name: string): Promise<string> {
  const { scratch } = workPaths(workDir);
  await mkdir(scratch, { recursive: true });
  return mkdtemp(join(scratch, `${name}-`));
}

/** Removes every step's scratch folder: call it only when no step runs (locally under the run lock). */
export async function removeScratch(workDir: string): Promise<void> {
  await rm(workPaths(workDir).scratch, { recursive: true, force: true });
}
