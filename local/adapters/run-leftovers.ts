import { CONTROL_PREFIX, CURATED_PREFIX, QUARANTINE_PREFIX } from '../../functions/lib/lake-layout';
import { removeScratch } from '../../functions/lib/pipeline/work-dir';
import { FsObjectStore } from './fs-object-store';

/** The zones only a pipeline run writes: `ingest` and `reference` write raw/ and reference/, maybe during a run. */
const RUN_ZONES = [CURATED_PREFIX, CONTROL_PREFIX, QUARANTINE_PREFIX];

/**
 * What a killed local run leaves behind and the next run removes before it starts (under the run lock, so no step
 * is running): the puts' temporary files in the zones a run writes, and the steps' scratch folders. Unfinished
 * curated commits are PlanBatch's (functions/lib/pipeline/curated-commit.ts rollForward), in the cloud too.
 */
export async function removeRunLeftovers(lakeRoot: string, workDir: string): Promise<void> {
  await new FsObjectStore(lakeRoot).removeTempFiles(RUN_ZONES);
  await removeScratch(workDir);
}
