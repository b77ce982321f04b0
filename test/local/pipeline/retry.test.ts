import { DataError, TransientError } from '../../../functions/lib/errors';
import type { ObjectInfo, Runtime } from '../../../functions/lib/ports';
import { settingsFromEnv } from '../../../functions/lib/pipeline/pipeline-settings';
import { FsObjectStore } from '../../../local/adapters/fs-object-store';
import { runPipeline } from '../../../local/pipeline/local-runner';
import { reconcilePorts, tempLake } from '../../helpers/lake-fixture';
import { RAW_PREFIX } from '../../../functions/lib/lake-layout';
import { MemoryMetrics, MemoryNotifier, Unreachable } from '../../helpers/memory-adapters';

/** A lake whose first `failures` listings of the raw zone fail with `error`, as a throttled S3 would (PlanBatch
 * lists it once per attempt). */
class FailingListStore extends FsObjectStore {
  lists = 0;
  constructor(
    root: string,
    private failures: number,
    private readonly error: () => Error,
  ) {
    super(root);
  }

  override async list(prefix: string): Promise<ObjectInfo[]> {
    if (prefix !== RAW_PREFIX) return super.list(prefix);
    this.lists++;
    if (this.failures > 0) {
      this.failures--;
      throw this.error();
    }
    return super.list(prefix);
  }
}

let ports: Awaited<ReturnType<typeof reconcilePorts>>;
function runtimeWith(store: FsObjectStore, notifier = new MemoryNotifier()): Runtime {
  const none = new Unreachable();
  return { mode: 'local', store, files: store, notifier, warehouse: ports.warehouse, curatedQuery: ports.curatedQuery, dashboards: none, metrics: new MemoryMetrics(), settings: settingsFromEnv({}) };
}

describe('local runner retries (the ASL run by aws-local-stepfunctions matches ErrorEquals on the error name)', () => {
  let lake: ReturnType<typeof tempLake>;
  beforeAll(async () => {
    lake = tempLake('retry-ports');
    ports = await reconcilePorts(lake.root);
  });
  afterAll(async () => {
    await ports.close();
    lake.cleanup();
  });

  it('retries a step that throws a TransientError, and the run goes on', async () => {
    const { root, cleanup } = tempLake('retry');
    try {
      const store = new FailingListStore(root, 2, () => new TransientError('S3 ListObjectsV2: SlowDown: reduce your request rate'));
      const result = await runPipeline(runtimeWith(store));
      expect(result.status).toBe('nothing-to-do');
      expect(store.lists).toBe(3); // two failed attempts, then the third
      expect(result.steps.map((s) => s.state)).toEqual(['PlanBatch', 'Reconcile', 'ReleaseRunLease']);
    } finally {
      cleanup();
    }
  });

  it('gives up after the Retry rule’s MaxAttempts and takes the Catch path with the error’s name', async () => {
    const { root, cleanup } = tempLake('retry');
    try {
      const notifier = new MemoryNotifier();
      const store = new FailingListStore(root, 99, () => new TransientError('still throttled'));
      const result = await runPipeline(runtimeWith(store, notifier));
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ Error: 'TransientError', Cause: 'still throttled' });
      expect(store.lists).toBe(4); // the first attempt and 3 retries
      expect(notifier.published.map((n) => n.topic)).toEqual(['ops']);
    } finally {
      cleanup();
    }
  });

  it('does not retry an error a retry cannot fix', async () => {
    const { root, cleanup } = tempLake('retry');
    try {
      const store = new FailingListStore(root, 1, () => new DataError('bad data'));
      const result = await runPipeline(runtimeWith(store));
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ Error: 'DataError', Cause: 'bad data' });
      expect(store.lists).toBe(1);
    } finally {
      cleanup();
    }
  });
});
