import type { Notification, ObjectStore, PipelineSettings, Warehouse } from '../../functions/lib/ports';
import { markNotifiedStatements } from '../../functions/lib/risk/alert-lifecycle-sql';
import { publishAlerts } from '../../functions/pipeline/publish-alerts/publish-alerts';
import { runStockRisk } from '../../functions/pipeline/stock-risk/stock-risk';
import type { SimulationTruth } from '../simulator/truth';
import type { FlagLevel } from './alert-quality';

/** What stock risk decided for every store-SKU as of one date (index store * skus + sku). */
export interface RiskAsOf {
  level: Uint8Array;
  /** the store-SKU's inputs that day, for explaining wrong flags (NaN where stock risk wrote no row) */
  onHand: Float64Array;
  onOrder: Float64Array;
  forecastDaily: Float64Array;
  /** messages the alert lifecycle sent that day (critical at once and the per-store digest) */
  messages: number;
}

const LEVEL: Record<string, FlagLevel> = { ok: 0, high: 1, critical: 2 };

/** Counts what would go to the topic, sends nothing. */
class CountingNotifier {
  sent = 0;
  publish(_notification: Notification): Promise<void> {
    this.sent++;
    return Promise.resolve();
  }
}

/**
 * One pipeline day as of `date`: StockRisk's core (runStockRisk with the as-of date: flags, alert_state and the
 * transitions record) and PublishAlerts' core (send, then mark what was said), with the messages counted rather
 * than sent. Run in date order, so alert_state evolves as it does in production. Reads the flags back from
 * fact_inventory_snapshot for that date.
 */
export async function stockRiskAsOf(
  warehouse: Warehouse,
  store: ObjectStore,
  settings: PipelineSettings,
  truth: Pick<SimulationTruth, 'storeIds' | 'skus'>,
  date: string,
): Promise<RiskAsOf> {
  const batchId = `evaluate-${date}`;
  // the day's rows are the day's batch: incremental as in production (see evaluate())
  const risk = await runStockRisk(warehouse, store, settings, batchId, date, [date]);
  const notifier = new CountingNotifier();
  await publishAlerts(store, notifier, risk.transitionsKey);
  // marked as notified at the end of the business date (the time only orders the notices)
  await warehouse.execute(markNotifiedStatements(date, batchId, new Date(`${date}T23:00:00Z`)));
  const rows = await warehouse.query(
    `SELECT store_id, sku, risk_flag, on_hand_qty, on_order_qty, forecast_daily FROM fact_inventory_snapshot WHERE date_key = CAST('${date}' AS DATE)`,
  );
  const stores = new Map(truth.storeIds.map((id, i) => [id, i]));
  const skus = new Map(truth.skus.map((id, i) => [id, i]));
  const pairs = truth.storeIds.length * truth.skus.length;
  const nan = (): Float64Array => new Float64Array(pairs).fill(Number.NaN);
  const out: RiskAsOf = { level: new Uint8Array(pairs), onHand: nan(), onOrder: nan(), forecastDaily: nan(), messages: notifier.sent };
  for (const row of rows) {
    const s = stores.get(String(row.store_id));
    const k = skus.get(String(row.sku));
    if (s === undefined || k === undefined) continue; // not a simulated store-SKU (none expected)
    const pair = s * truth.skus.length + k;
    out.level[pair] = LEVEL[String(row.risk_flag)] ?? 0;
    out.onHand[pair] = Number(row.on_hand_qty);
    out.onOrder[pair] = row.on_order_qty === null ? 0 : Number(row.on_order_qty);
    out.forecastDaily[pair] = row.forecast_daily === null ? Number.NaN : Number(row.forecast_daily);
  }
  return out;
}
