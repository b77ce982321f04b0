import { existsSync } from 'node:fs';
import type { IngestBuffer, PendingDelivery } from '../../functions/lib/ports';
import { type Delivery, startLocalFirehose } from './firehose';
import { type LocalStream, resetLocalStream, startLocalStream, StreamInUseError, streamDir } from './stream';

export interface LocalPendingDelivery extends PendingDelivery {
  deliveries: Delivery[];
}

/**
 * The lake's local stream as an IngestBuffer: what a stopped (or killed) `serve` acknowledged but had not
 * delivered. `run` delivers it to raw/ before planning a batch, then the stream's storage is emptied.
 */
export class LocalIngestBuffer implements IngestBuffer {
  constructor(
    private readonly lakeRoot: string,
    private readonly options: { bufferBytes?: number } = {},
  ) {}

  async deliverPending(): Promise<LocalPendingDelivery> {
    const lakeRoot = this.lakeRoot;
    if (!existsSync(streamDir(lakeRoot))) return { records: 0, deliveries: [] };
    let stream: LocalStream;
    try {
      stream = await startLocalStream({ lakeRoot });
    } catch (err) {
      if (err instanceof StreamInUseError) return { records: 0, deliveries: [], skipped: 'stream-in-use' };
      throw err;
    }
    let deliveries: Delivery[];
    try {
      const firehose = await startLocalFirehose({ lakeRoot, client: stream.client, streamName: stream.streamName, bufferBytes: this.options.bufferBytes });
      deliveries = await firehose.drain();
    } finally {
      await stream.stop();
    }
    await resetLocalStream(lakeRoot);
    return { records: deliveries.reduce((n, d) => n + d.records, 0), deliveries };
  }
}
