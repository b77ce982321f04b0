import { writeJson } from '../../lib/pipeline/json-objects';
import type { StockRiskResult } from '../../lib/pipeline/state';
import type { ObjectStore, PipelineSettings, Warehouse } from '../../lib/ports';
import { alertsKey, toStockAlert, type AlertList } from '../../lib/risk/alerts';
import { asIsoDate, asOfDateSql, atRiskSql, stockRiskStatements } from '../../lib/risk/stock-risk-sql';

/**
 * Estimates each store's stock per SKU as of the latest business date, writes it to fact_inventory_snapshot
 * (replacing that date) and the at-risk SKUs to the batch's alert list. Rerunning gives the same rows.
 */
export async function runStockRisk(
  warehouse: Warehouse,
  store: ObjectStore,
  settings: Pick<PipelineSettings, 'criticalDays' | 'highDays' | 'demandWindowDays'>,
  batchId: string,
): Promise<StockRiskResult> {
  const [row] = await warehouse.query(asOfDateSql());
  const asOfDate = asIsoDate(row?.as_of_date);
  const list: AlertList = {
    batchId,
    asOfDate,
    thresholds: { criticalDays: settings.criticalDays, highDays: settings.highDays, demandWindowDays: settings.demandWindowDays },
    alerts: [],
  };
  if (asOfDate) {
    await warehouse.execute(stockRiskStatements(asOfDate, settings));
    list.alerts = (await warehouse.query(atRiskSql(asOfDate))).map(toStockAlert);
  }
  const key = alertsKey(batchId);
  await writeJson(store, key, list);
  return {
    asOfDate,
    critical: list.alerts.filter((a) => a.severity === 'critical').length,
    high: list.alerts.filter((a) => a.severity === 'high').length,
    alertsKey: key,
  };
}
