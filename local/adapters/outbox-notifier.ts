import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ALERTS_OUTBOX_KEY } from '../../functions/lib/lake-layout';
import type { Notification, Notifier, TopicName } from '../../functions/lib/ports';

/** One published message as the outbox file holds it (one JSON object per line). */
export interface OutboxEntry {
  topic: TopicName;
  subject: string;
  message: string;
  attributes: Record<string, string>;
  published_at: string;
}

/** `<lake>/control/alerts/outbox.ndjson` */
export function outboxPath(lakeRoot: string): string {
  return join(resolve(lakeRoot), ALERTS_OUTBOX_KEY);
}

export interface OutboxNotifierOptions {
  now?: () => Date;
  /** also called for every message, e.g. to print it on the console */
  echo?: (entry: OutboxEntry) => void;
}

/**
 * The local SNS: every message is appended to the outbox file and flushed to disk (fsync) before publish()
 * resolves, so a published alert survives a crash. Appends from one process are serialized, so lines never
 * interleave, and keep the order of the publish() calls. The messages published while an append is under way go
 * out together in the next one (one write and one fsync for them all: a fan-out of 1,000 stores' messages
 * published concurrently is a few appends, not 1,000).
 */
export class OutboxNotifier implements Notifier {
  readonly path: string;
  private tail: Promise<void> = Promise.resolve();
  /** the messages waiting for the next append, and that append's promise */
  private next: { entries: OutboxEntry[]; done: Promise<void> } | undefined;

  constructor(
    lakeRoot: string,
    private readonly options: OutboxNotifierOptions = {},
  ) {
    this.path = outboxPath(lakeRoot);
  }

  publish(notification: Notification): Promise<void> {
    const entry: OutboxEntry = {
      topic: notification.topic,
      subject: notification.subject,
      message: notification.message,
      attributes: { ...notification.attributes },
      published_at: (this.options.now?.() ?? new Date()).toISOString(),
    };
    if (this.next) {
      this.next.entries.push(entry);
      return this.next.done;
    }
    const entries = [entry];
    const done = this.tail.then(() => {
      // from here on, a publish() starts the following append
      this.next = undefined;
      return this.append(entries);
    });
    this.next = { entries, done };
    this.tail = done.catch(() => undefined);
    return done;
  }

  private async append(entries: OutboxEntry[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(this.path, 'a');
    try {
      await file.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      await file.sync();
    } finally {
      await file.close();
    }
    for (const entry of entries) this.options.echo?.(entry);
  }
}

/** The outbox's messages in publishing order, optionally of one topic; a torn last line (crash) is skipped. */
export async function readOutbox(lakeRoot: string, topic?: TopicName): Promise<OutboxEntry[]> {
  let text: string;
  try {
    text = await readFile(outboxPath(lakeRoot), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: OutboxEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as OutboxEntry);
    } catch {
      // only the last line can be torn (appends are whole lines); nothing after it to lose
    }
  }
  return topic ? entries.filter((e) => e.topic === topic) : entries;
}
