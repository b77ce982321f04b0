import type { IngestBuffer } from '../../functions/lib/ports';

/** Events `serve` acknowledged but had not yet delivered (it was stopped, even by kill -9) go to raw/ first. */
export async function deliverBuffered(buffer: IngestBuffer): Promise<void> {
  const pending = await buffer.deliverPending();
  if (pending.skipped === 'stream-in-use') {
    process.stderr.write('note: a running `retail-lake serve` holds the stream; it delivers its own buffer, this run takes what is in raw/ now\n');
  } else if (pending.records > 0) {
    process.stderr.write(`delivered ${pending.records} buffered events from the stream to raw/\n`);
  }
}
