import { runPrefix, runRecordKeys } from '../lake-layout';
import { DataError } from '../errors';

export type Severity = 'critical' | 'high';

/** One at-risk SKU in one store, as stock risk found it. */
export interface StockAlert {
  store_id: string;
  store_name: string;
  sku: string;
  product_name: string;
  on_hand_qty: number;
  reorder_point: number | null;
  avg_daily_demand: number;
  days_of_supply: number | null;
  severity: Severity;
  lead_time_days: number | null;
}

/** control/runs/<batchId>/alerts.json: what PublishAlerts sends (kept out of the state: it can be large). */
export interface AlertList {
  batchId: string;
  asOfDate: string | null;
  thresholds: { criticalDays: number; highDays: number; demandWindowDays: number };
  alerts: StockAlert[];
}

export const alertsKey = (batchId: string): string => runRecordKeys(runPrefix(batchId)).alerts;

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1 };

export function isSeverity(value: unknown): value is Severity {
  return value === 'critical' || value === 'high';
}

/** The most urgent severity of a non-empty list. */
export function worstSeverity(severities: Severity[]): Severity {
  if (severities.length === 0) throw new RangeError('worstSeverity: no severities');
  return severities.reduce((a, b) => (SEVERITY_RANK[b] < SEVERITY_RANK[a] ? b : a));
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/** A warehouse row of at_risk_skus.sql as a StockAlert (numbers may arrive as strings from the Data API). */
export function toStockAlert(row: Record<string, unknown>): StockAlert {
  const severity = row.severity;
  if (!isSeverity(severity)) throw new DataError(`at-risk row for ${String(row.store_id)}/${String(row.sku)} has severity ${String(severity)}`);
  return {
    store_id: String(row.store_id),
    store_name: String(row.store_name ?? row.store_id),
    sku: String(row.sku),
    product_name: String(row.product_name ?? row.sku),
    on_hand_qty: Number(row.on_hand_qty),
    reorder_point: num(row.reorder_point),
    avg_daily_demand: Number(row.avg_daily_demand ?? 0),
    days_of_supply: num(row.days_of_supply),
    severity,
    lead_time_days: num(row.lead_time_days),
  };
}
