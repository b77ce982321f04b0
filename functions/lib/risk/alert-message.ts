import type { Notification } from '../ports';
import { worstSeverity, type AlertList, type StockAlert } from './alerts';
import { suggestedReorderQty } from './reorder';

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const fmt = (n: number | null, digits = 1): string => (n === null ? '-' : n.toFixed(digits));

/** ~150 bytes a row (product names up to 256 characters can make rows longer): well under SNS's 256 KB. */
export const MAX_LISTED_SKUS = 500;

export interface StoreAlertMessage {
  notification: Notification;
  storeId: string;
  skus: number;
}

/**
 * One low-stock message per store, listing its at-risk SKUs most urgent first. The store_id attribute lets
 * each manager's SNS subscription filter to their own stores; severity is the worst in the message.
 */
export function storeAlertMessages(list: AlertList, safetyDays: number): StoreAlertMessage[] {
  const byStore = new Map<string, StockAlert[]>();
  for (const a of list.alerts) byStore.set(a.store_id, [...(byStore.get(a.store_id) ?? []), a]);
  const out: StoreAlertMessage[] = [];
  for (const [storeId, alerts] of [...byStore.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    alerts.sort((a, b) => (a.days_of_supply ?? Infinity) - (b.days_of_supply ?? Infinity) || (a.sku < b.sku ? -1 : 1));
    const severity = worstSeverity(alerts.map((a) => a.severity));
    const storeName = alerts[0].store_name;
    const critical = alerts.filter((a) => a.severity === 'critical').length;
    // SNS takes at most 256 KB per message: list the most urgent SKUs, say how many more there are.
    const listed = alerts.slice(0, MAX_LISTED_SKUS);
    const rows = listed.map((a) => [
      a.severity.toUpperCase(),
      a.sku,
      a.product_name,
      String(a.on_hand_qty),
      fmt(a.days_of_supply),
      fmt(a.avg_daily_demand, 2),
      String(suggestedReorderQty(a, safetyDays)),
    ]);
    const message = [
      `Low stock at ${storeName} (${storeId}), business date ${list.asOfDate ?? 'unknown'}.`,
      `${alerts.length} SKU${alerts.length === 1 ? '' : 's'} need reordering: ${critical} critical, ${alerts.length - critical} high.`,
      '',
      table(['severity', 'sku', 'product', 'on hand', 'days of supply', 'daily demand', 'reorder qty'], rows, [false, false, false, true, true, true, true]),
      ...(alerts.length > listed.length ? [`... and ${alerts.length - listed.length} more (less urgent) SKUs.`] : []),
      '',
      `Days of supply = estimated on hand / average daily demand over the last ${list.thresholds.demandWindowDays} business days;`,
      `critical below ${list.thresholds.criticalDays} days, high below ${list.thresholds.highDays} days.`,
      `Reorder qty covers the supplier lead time plus ${safetyDays} days of safety stock.`,
    ].join('\n');
    out.push({
      storeId,
      skus: alerts.length,
      notification: {
        topic: 'low-stock',
        subject: snsSubject(`Low stock at ${storeName} (${storeId}): ${alerts.length} SKU${alerts.length === 1 ? '' : 's'}, ${severity}`),
        message,
        attributes: { store_id: storeId, severity },
      },
    });
  }
  return out;
}
