import type { StockAlert } from './alerts';

/**
 * Units to order now so that, when the delivery arrives after the supplier's lead time, the store still
 * holds `safetyDays` of demand: ceil(avg daily demand x (lead time + safety days)) - what is on hand
 * (negative on hand counts as 0), never below 0. Without a lead time the safety days alone are covered.
 */
export function suggestedReorderQty(alert: Pick<StockAlert, 'avg_daily_demand' | 'lead_time_days' | 'on_hand_qty'>, safetyDays: number): number {
  const cover = Math.max(0, alert.lead_time_days ?? 0) + Math.max(0, safetyDays);
  const target = Math.ceil(alert.avg_daily_demand * cover - 1e-9);
  return Math.max(0, target - Math.max(0, alert.on_hand_qty));
}
