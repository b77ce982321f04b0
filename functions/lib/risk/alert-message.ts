import type { Notification } from '../ports';
import { worstLevel, type AlertNotice, type AlertTransitions, type NoticeKind } from './alerts';

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

/** ~400 bytes a SKU (product names up to 256 characters can make it longer): well under SNS's 256 KB. */
export const MAX_LISTED_SKUS = 500;

export interface StoreAlertMessage {
  notification: Notification;
  storeId: string;
  kind: NoticeKind;
  skus: number;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "on order 24, arriving 2024-01-13" / "nothing on order" */
function onOrder(n: AlertNotice): string {
  if (n.on_order_qty <= 0) return 'nothing on order';
  return `on order ${n.on_order_qty}${n.next_arrival_date ? `, first delivery ${n.next_arrival_date}` : ''}`;
}

/** What the SKU's level and position were when last announced, against now. */
function changeSinceLast(n: AlertNotice): string {
  const what = n.level === 'ok' ? 'cleared' : n.notified_level === 'ok' ? `new ${n.level}` : `escalated from ${n.notified_level}`;
  if (n.notified_at === null) return `${what} (first message about this SKU)`;
  const details = [
    n.notified_on_hand !== null && n.notified_on_hand !== n.on_hand_qty ? `on hand ${n.notified_on_hand} -> ${n.on_hand_qty}` : null,
    n.notified_stockout_date !== n.stockout_date ? `runs out ${n.notified_stockout_date ?? 'not soon'} -> ${n.stockout_date ?? 'not soon'}` : null,
  ].filter((d): d is string => d !== null);
  const said = `last message ${n.notified_at.slice(0, 16).replace('T', ' ')}: ${n.notified_level}`;
  return `${what}; ${said}${details.length ? `; ${details.join(', ')}` : ''}`;
}

/** The lines of one SKU: what it is, where it stands, what to do, what changed. */
function skuLines(n: AlertNotice, asOfDate: string): string[] {
  const head = `${n.level === 'ok' ? 'CLEARED' : n.level.toUpperCase()}  ${n.sku}  ${n.product_name}`;
  if (n.level === 'ok') {
    return [head, `  on hand ${n.on_hand_qty}, ${onOrder(n)}: no longer runs out within its lead time.`, `  changed: ${changeSinceLast(n)}`];
  }
  const left = n.stockout_date ? daysBetween(asOfDate, n.stockout_date) : null;
  const runsOut = n.stockout_date ? `runs out ${n.stockout_date} (${plural(Math.max(left ?? 0, 0), 'day')} left)` : 'runs out soon';
  const orderBy = n.order_by_date ? (n.order_by_date <= asOfDate ? 'order today' : `order by ${n.order_by_date}`) : 'order soon';
  return [
    head,
    `  on hand ${n.on_hand_qty}, ${onOrder(n)}; ${runsOut}, lead time ${n.lead_time_days ?? '?'} days.`,
    `  ${orderBy}: suggested ${n.suggested_qty} units (on top of what is on order).`,
    `  changed: ${changeSinceLast(n)}`,
  ];
}

function storeMessage(storeId: string, notices: AlertNotice[], kind: NoticeKind, asOfDate: string): StoreAlertMessage {
  const storeName = notices[0].store_name;
  const listed = notices.slice(0, MAX_LISTED_SKUS);
  const severity = worstLevel(notices.map((n) => n.level));
  const count = (level: string): number => notices.filter((n) => n.level === level).length;
  const summary =
    kind === 'immediate'
      ? `${plural(notices.length, 'SKU')} became critical: ${notices.length === 1 ? 'it runs' : 'they run'} out within half the supplier lead time unless you order now.`
      : [count('critical') ? `${count('critical')} critical` : '', count('high') ? `${count('high')} new or escalated to high` : '', count('ok') ? `${count('ok')} cleared` : '']
          .filter(Boolean)
          .join(', ') + '.';
  const subject =
    kind === 'immediate'
      ? `CRITICAL stock at ${storeName} (${storeId}): ${plural(notices.length, 'SKU')} running out`
      : `Stock digest ${asOfDate} for ${storeName} (${storeId}): ${plural(notices.length, 'change')}`;
  const message = [
    `${kind === 'immediate' ? 'Critical stock' : 'Daily stock digest'} at ${storeName} (${storeId}), business date ${asOfDate}.`,
    summary,
    '',
    ...listed.flatMap((n) => [...skuLines(n, asOfDate), '']),
    ...(notices.length > listed.length ? [`... and ${notices.length - listed.length} more SKUs.`, ''] : []),
    'Runs out = the first day the forecast, with the open orders arriving as expected and no new order, leaves less than',
    'half a unit. Critical: within half the lead time; high: within the lead time. Only changes are sent: a SKU appears',
    'when it enters or escalates a level, and once more when it is cleared.',
  ].join('\n');
  return {
    storeId,
    kind,
    skus: notices.length,
    notification: { topic: 'low-stock', subject: snsSubject(subject), message, attributes: { store_id: storeId, severity } },
  };
}

/**
 * The messages of a run's alert transitions: per store, one message with its escalations to critical (sent at
 * once) and one daily digest with the rest (new or escalated high, cleared). The store_id attribute lets each
 * manager's SNS subscription filter to their own stores; severity is the worst level in the message ('ok' for a
 * digest that only clears).
 */
export function storeAlertMessages(transitions: AlertTransitions): StoreAlertMessage[] {
  const asOfDate = transitions.asOfDate;
  if (asOfDate === null || transitions.notices.length === 0) return [];
  const byStore = new Map<string, AlertNotice[]>();
  for (const n of transitions.notices) byStore.set(n.store_id, [...(byStore.get(n.store_id) ?? []), n]);
  const out: StoreAlertMessage[] = [];
  for (const storeId of [...byStore.keys()].sort()) {
    const notices = byStore.get(storeId) ?? [];
    for (const kind of ['immediate', 'digest'] as const) {
      const mine = notices.filter((n) => n.kind === kind).sort((a, b) => (a.stockout_date ?? '9999') .localeCompare(b.stockout_date ?? '9999') || a.sku.localeCompare(b.sku));
      if (mine.length > 0) out.push(storeMessage(storeId, mine, kind, asOfDate));
    }
  }
  return out;
}
