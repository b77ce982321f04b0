import { runPrefix, runRecordKeys } from '../lake-layout';
import { DataError } from '../errors';

/** A store-SKU's stock-risk level: runs out within half its lead time, within its lead time, or not. */
export type Level = 'critical' | 'high' | 'ok';
/** The levels that warn (the alert list holds only these). */
export type Severity = Exclude<Level, 'ok'>;

const LEVEL_RANK: Record<Level, number> = { ok: 0, high: 1, critical: 2 };

export function isLevel(value: unknown): value is Level {
  return value === 'critical' || value === 'high' || value === 'ok';
}

export function isSeverity(value: unknown): value is Severity {
  return value === 'critical' || value === 'high';
}

/** The most urgent level of a non-empty list. */
export function worstLevel<L extends Level>(levels: L[]): L {
  if (levels.length === 0) throw new RangeError('worstLevel: no levels');
  return levels.reduce((a, b) => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a));
}

/** Where one store-SKU stands on the as-of date (a row of fact_inventory_snapshot with its names). */
export interface StockPosition {
  store_id: string;
  store_name: string;
  sku: string;
  product_name: string;
  on_hand_qty: number;
  /** open order lines: ordered - received so far */
  on_order_qty: number;
  /** when the first open order is due (an overdue one: the day after the as-of date) */
  next_arrival_date: string | null;
  /** the first day the projection (no new orders) runs out; null when not within lead time + review */
  stockout_date: string | null;
  /** the last day to order so the delivery lands before stock falls to safety stock */
  order_by_date: string | null;
  /** units to order: demand over lead time + review + safety stock - on hand - on order */
  suggested_qty: number;
  forecast_daily: number;
  lead_time_days: number | null;
}

/** One flagged store-SKU in the run's alert list. */
export interface StockAlert extends StockPosition {
  severity: Severity;
  reorder_point: number | null;
  safety_stock: number;
  days_of_supply: number | null;
}

/** What stock risk was computed with (kept with the list, so a reader knows what "critical" meant). */
export interface RiskSettingsUsed {
  serviceLevel: number;
  z: number;
  reviewDays: number;
  deadStockDays: number;
  overstockCover: number;
}

/** control/runs/<batchId>/alerts.json: every flagged store-SKU of the run (kept out of the state: it can be large). */
export interface AlertList {
  batchId: string;
  asOfDate: string | null;
  settings: RiskSettingsUsed;
  alerts: StockAlert[];
}

/** A store-SKU whose level changed in this run. */
export interface LevelChange {
  store_id: string;
  sku: string;
  from: Level;
  to: Level;
}

/** 'immediate': an escalation to critical, sent at once; 'digest': waits for the store's daily digest. */
export type NoticeKind = 'immediate' | 'digest';

/** One store-SKU the batch announces: entered or escalated a level, or cleared. */
export interface AlertNotice extends StockPosition {
  kind: NoticeKind;
  level: Level;
  /** what the last message said ('ok': nothing yet, or cleared) */
  notified_level: Level;
  notified_at: string | null;
  notified_on_hand: number | null;
  notified_stockout_date: string | null;
  /** the date it took its level */
  since: string;
}

/** control/runs/<batchId>/alert-transitions.json: the lifecycle decisions of one run. */
export interface AlertTransitions {
  batchId: string;
  asOfDate: string | null;
  changes: LevelChange[];
  notices: AlertNotice[];
}

export const alertsKey = (batchId: string): string => runRecordKeys(runPrefix(batchId)).alerts;
export const alertTransitionsKey = (batchId: string): string => runRecordKeys(runPrefix(batchId)).alertTransitions;

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const date = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const text = v instanceof Date ? v.toISOString() : String(v);
  return text.slice(0, 10);
};
const timestamp = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

function level(row: Record<string, unknown>, column: string): Level {
  const value = row[column];
  if (!isLevel(value)) throw new DataError(`alert row for ${String(row.store_id)}/${String(row.sku)} has ${column} ${String(value)}`);
  return value;
}

/** The stock-position columns of a warehouse row (numbers may arrive as strings from the Data API). */
function toPosition(row: Record<string, unknown>): StockPosition {
  return {
    store_id: String(row.store_id),
    store_name: String(row.store_name ?? row.store_id),
    sku: String(row.sku),
    product_name: String(row.product_name ?? row.sku),
    on_hand_qty: Number(row.on_hand_qty),
    on_order_qty: Number(row.on_order_qty ?? 0),
    next_arrival_date: date(row.next_arrival_date),
    stockout_date: date(row.stockout_date),
    order_by_date: date(row.order_by_date),
    suggested_qty: Number(row.suggested_qty ?? 0),
    forecast_daily: Number(row.forecast_daily ?? 0),
    lead_time_days: num(row.lead_time_days),
  };
}

// The mappers below add their columns to the position with Object.assign, not a spread ({ ...position, more }): V8
// took ~10 µs a row for the spread (a seed run's 12,000 alerts and as many notices: ~0.3 s), Object.assign < 1 µs.
// Same object, same key order.

/** A warehouse row of at_risk_skus.sql as a StockAlert. */
export function toStockAlert(row: Record<string, unknown>): StockAlert {
  const severity = row.severity;
  if (!isSeverity(severity)) throw new DataError(`at-risk row for ${String(row.store_id)}/${String(row.sku)} has severity ${String(severity)}`);
  return Object.assign<StockPosition, Omit<StockAlert, keyof StockPosition>>(toPosition(row), {
    severity,
    reorder_point: num(row.reorder_point),
    safety_stock: Number(row.safety_stock ?? 0),
    days_of_supply: num(row.days_of_supply),
  });
}

/** A warehouse row of alert_notices.sql as an AlertNotice. */
export function toAlertNotice(row: Record<string, unknown>): AlertNotice {
  const kind = row.kind;
  if (kind !== 'immediate' && kind !== 'digest') throw new DataError(`alert notice for ${String(row.store_id)}/${String(row.sku)} has kind ${String(kind)}`);
  return Object.assign<StockPosition, Omit<AlertNotice, keyof StockPosition>>(toPosition(row), {
    kind,
    level: level(row, 'level'),
    notified_level: level(row, 'notified_level'),
    notified_at: timestamp(row.notified_at),
    notified_on_hand: num(row.notified_on_hand),
    notified_stockout_date: date(row.notified_stockout_date),
    since: date(row.since) ?? '',
  });
}

/** A warehouse row of alert_level_changes.sql as a LevelChange. */
export function toLevelChange(row: Record<string, unknown>): LevelChange {
  return { store_id: String(row.store_id), sku: String(row.sku), from: level(row, 'from_level'), to: level(row, 'to_level') };
}
