import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { runPipelineWithProgress } from '../../../local/cli/run-command';
import { committedRuns } from '../../../functions/lib/pipeline/run-history';
import { putRaw, sale, withReference } from '../../helpers/lake-fixture';

// The probe: a lake on another filesystem than the OS temp folder could not be curated (EXDEV on rename). The
// curate path renames nothing across folders now, and the work folder is the lake's own `.work`; this runs a lake
// on tmpfs (/dev/shm) with the process's temp folder and WORK_DIR's default on the root disk.
const SHM = '/dev/shm';

describe('a lake on another filesystem than the temp folder', () => {
  it('is curated and reconciles, with a work folder on the root disk too', async () => {
    // Linux keeps /dev/shm on tmpfs: without it there is no second filesystem to probe, and the test says so
    expect({ tmpfs: existsSync(SHM) && statSync(SHM).dev !== statSync(tmpdir()).dev }).toEqual({ tmpfs: true });
    const root = mkdtempSync(join(SHM, 'retail-lake-exdev-'));
    const work = mkdtempSync(join(tmpdir(), 'retail-lake-exdev-work-'));
    const saved = process.env.WORK_DIR;
    try {
      const store = new FsObjectStore(root);
      await withReference(store);
      await putRaw(store, [1, 2, 3].map(() => JSON.stringify(sale({ occurred_at: '2024-03-09T15:00:00Z' }))));
      // first with the lake's own work folder, then a second batch with the work folder on the other disk
      expect((await runPipelineWithProgress(root)).ok).toBe(true);
      await putRaw(store, [1, 2].map(() => JSON.stringify(sale({ occurred_at: '2024-03-09T16:00:00Z' }))), new Date('2024-03-10T02:00:00Z'), 'b');
      process.env.WORK_DIR = work;
      const second = await runPipelineWithProgress(root);
      expect(second.ok).toBe(true);
      const runs = await committedRuns(store);
      expect(runs.map((r) => r.curatedEvents)).toEqual([3, 2]);
      expect(second.result.output).toMatchObject({ reconcile: { balanced: true } });
    } finally {
      if (saved === undefined) delete process.env.WORK_DIR;
      else process.env.WORK_DIR = saved;
      rmSync(root, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
