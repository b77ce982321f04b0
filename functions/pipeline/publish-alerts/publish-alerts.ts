import { readJson } from '../../lib/pipeline/json-objects';
import type { PublishAlertsResult } from '../../lib/pipeline/state';
import type { Notifier, ObjectStore } from '../../lib/ports';
import { storeAlertMessages } from '../../lib/risk/alert-message';
import type { AlertList } from '../../lib/risk/alerts';

/**
 * Publishes the batch's alert list to the low-stock topic, one message per store. Delivery is at least once:
 * a retried task may send a store's message again.
 * `safetyDays` is the safety stock the suggested reorder adds on top of the lead time.
 */
export async function publishAlerts(store: ObjectStore, notifier: Notifier, alertsKey: string, safetyDays: number): Promise<PublishAlertsResult> {
  const list = await readJson<AlertList>(store, alertsKey);
  const messages = storeAlertMessages(list, safetyDays);
  for (const m of messages) await notifier.publish(m.notification);
  return { messages: messages.length, stores: messages.length, skus: messages.reduce((n, m) => n + m.skus, 0) };
}
