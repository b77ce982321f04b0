import type { PipelineSettings, Warehouse } from '../../functions/lib/ports';
import { stockRiskStatements } from '../../functions/lib/risk/stock-risk-sql';
import type { SimulationTruth } from '../simulator/truth';
import type { FlagLevel } from './alert-quality';

/** What stock risk decided for every store-SKU as of one date (index store * skus + sku). */
export interface RiskAsOf {
  level: Uint8Array;
  /** the daily demand estimate stock risk used (NaN where it wrote no row) */
  dailyDemand: Float64Array;
}

const LEVEL: Record<string, FlagLevel> = { ok: 0, high: 1, critical: 2 };

/**
 * Runs the pipeline's stock-risk SQL as of `date` (facts up to and including that business date only) and reads
 * back the levels and demand estimates it wrote to fact_inventory_snapshot for that date.
 */
export async function stockRiskAsOf(
  warehouse: Warehouse,
  settings: Pick<PipelineSettings, 'criticalDays' | 'highDays' | 'demandWindowDays'>,
  truth: Pick<SimulationTruth, 'storeIds' | 'skus'>,
  date: string,
): Promise<RiskAsOf> {
  await warehouse.execute(stockRiskStatements(date, settings));
  const rows = await warehouse.query(
    `SELECT store_id, sku, risk_flag, avg_daily_demand FROM fact_inventory_snapshot WHERE date_key = CAST('${date}' AS DATE)`,
  );
  const stores = new Map(truth.storeIds.map((id, i) => [id, i]));
  const skus = new Map(truth.skus.map((id, i) => [id, i]));
  const pairs = truth.storeIds.length * truth.skus.length;
  const risk: RiskAsOf = { level: new Uint8Array(pairs), dailyDemand: new Float64Array(pairs).fill(Number.NaN) };
  for (const row of rows) {
    const s = stores.get(String(row.store_id));
    const k = skus.get(String(row.sku));
    if (s === undefined || k === undefined) continue; // not a simulated store-SKU (none expected)
    const pair = s * truth.skus.length + k;
    risk.level[pair] = LEVEL[String(row.risk_flag)] ?? 0;
    risk.dailyDemand[pair] = Number(row.avg_daily_demand);
  }
  return risk;
}
