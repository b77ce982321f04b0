import { readJson } from '../../lib/pipeline/json-objects';
import type { PublishAlertsResult } from '../../lib/pipeline/state';
import type { Notifier, ObjectStore } from '../../lib/ports';
import { storeAlertMessages } from '../../lib/risk/alert-message';
import type { AlertTransitions } from '../../lib/risk/alerts';

/**
 * Publishes the batch's alert notices (its alert-transitions record) to the low-stock topic: per store, the
 * escalations to critical at once and a daily digest of the rest. The messages follow from the record alone,
 * so a retried task sends the same ones again (delivery is at least once), never different ones.
 */
export async function publishAlerts(store: ObjectStore, notifier: Notifier, transitionsKey: string): Promise<PublishAlertsResult & { transitions: AlertTransitions }> {
  const transitions = await readJson<AlertTransitions>(store, transitionsKey);
  const messages = storeAlertMessages(transitions);
  for (const m of messages) await notifier.publish(m.notification);
  return {
    messages: messages.length,
    stores: new Set(messages.map((m) => m.storeId)).size,
    skus: messages.reduce((n, m) => n + m.skus, 0),
    immediate: messages.filter((m) => m.kind === 'immediate').length,
    transitions,
  };
}
