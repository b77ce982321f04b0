import { forEachLimited } from '../../lib/for-each-limited';
import { readJson } from '../../lib/pipeline/json-objects';
import type { PublishAlertsResult } from '../../lib/pipeline/state';
import type { Notifier, ObjectStore } from '../../lib/ports';
import { storeAlertMessages } from '../../lib/risk/alert-message';
import type { AlertTransitions } from '../../lib/risk/alerts';

/** Messages in flight at once: each is its own SNS Publish call (a store's messages to its shard), so sent one after
 * another a 1,000-store fan-out waited for 1,000 round trips. 50 is the AWS SDK's default socket pool (more would
 * queue there); locally the outbox appends the messages in flight together (one fsync for up to 50). */
export const PUBLISHES_IN_FLIGHT = 50;

/**
 * Publishes the batch's alert notices (its alert-transitions record) to the low-stock topic: per store, the
 * escalations to critical at once and a daily digest of the rest. The messages follow from the record alone,
 * so a retried task sends the same ones again (delivery is at least once), never different ones. They go out
 * PUBLISHES_IN_FLIGHT at a time, started in order; on a failure no further one starts and the task fails once those
 * in flight have settled.
 */
export async function publishAlerts(store: ObjectStore, notifier: Notifier, transitionsKey: string): Promise<PublishAlertsResult & { transitions: AlertTransitions }> {
  const transitions = await readJson<AlertTransitions>(store, transitionsKey);
  const messages = storeAlertMessages(transitions);
  await forEachLimited(messages, PUBLISHES_IN_FLIGHT, (m) => notifier.publish(m.notification));
  return {
    messages: messages.length,
    stores: new Set(messages.map((m) => m.storeId)).size,
    skus: messages.reduce((n, m) => n + m.skus, 0),
    immediate: messages.filter((m) => m.kind === 'immediate').length,
    transitions,
  };
}
