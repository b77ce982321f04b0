import type { Warehouse } from '../../functions/lib/ports';

/**
 * Stock-risk cases written straight into the warehouse tables (no lake needed): one store S1, products with a
 * 4-day lead time, forecast models of a flat 10 units a day (sigma 2) fitted through the as-of date, counts taken
 * at the end of the as-of date. z(0.95) = 1.644854, so safety stock = 1.644854 x 2 x sqrt(4) = 6.58 and the horizon
 * (lead time + 7 review days) is 11 days: 110 units of forecast demand.
 *
 *   ARRIVES   25 on hand, order of 50 due D+2            -> out on D+8, after the lead time: ok
 *   HIGH      25 on hand, nothing on order               -> out on D+3 (<= L = 4): high
 *   CRIT      15 on hand                                 -> out on D+2 (<= ceil(L/2) = 2): critical
 *   ONORDER   25 on hand, order 50 of which 20 received, due D+3 (a receipt after D and an order placed after D
 *             do not count)                              -> 30 on order, out on D+6: ok; suggested 110 + 6.58 - 25 - 30
 *   DEAD      40 on hand, no sale for 40 days, model level 0 -> stock_flag dead
 *   OVER      200 on hand, sold yesterday                -> cover 20 days > 3 x 4: overstock
 *   FALLBACK  10 on hand, no model: sold 6 on D-1 and 2 on D (S1 traded on 2 days of the window) -> 4/day,
 *             sigma 2                                    -> out on D+3: high
 */
export const AS_OF = '2024-03-10';
export const LEAD_DAYS = 4;
export const SKUS = ['ARRIVES', 'HIGH', 'CRIT', 'ONORDER', 'DEAD', 'OVER', 'FALLBACK'] as const;
export type CaseSku = (typeof SKUS)[number];

export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let seq = 0;
const id = (prefix: string): string => `${prefix}-${++seq}`;

export function countSql(sku: string, date: string, onHand: number, time = '20:00:00'): string {
  return `INSERT INTO fact_inventory_event (date_key, timestamp_utc, store_id, sku, event_id, event_type, on_hand_qty, reorder_point, quantity_change, reason)
    VALUES ('${date}', '${date} ${time}', 'S1', '${sku}', '${id('c')}', 'inventory_snapshot', ${onHand}, NULL, NULL, NULL)`;
}

export function adjustmentSql(sku: string, date: string, change: number, reason: string, time = '21:00:00'): string {
  return `INSERT INTO fact_inventory_event (date_key, timestamp_utc, store_id, sku, event_id, event_type, on_hand_qty, reorder_point, quantity_change, reason)
    VALUES ('${date}', '${date} ${time}', 'S1', '${sku}', '${id('a')}', 'inventory_adjustment', NULL, NULL, ${change}, '${reason}')`;
}

export function saleSql(sku: string, date: string, qty: number, time = '10:00:00'): string {
  return `INSERT INTO fact_sales (date_key, timestamp_utc, store_id, sku, basket_id, qty_sold, unit_price, net_revenue, gross_margin, customer_id, event_id, line_no, event_type, discount, payment_method)
    VALUES ('${date}', '${date} ${time}', 'S1', '${sku}', 'b', ${qty}, 1, ${qty}, 0, NULL, '${id('s')}', 1, 'sale', 0, 'card')`;
}

export function orderSql(sku: string, placed: string, poId: string, qty: number, expected: string): string {
  return `INSERT INTO fact_purchase_order (date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier)
    VALUES ('${placed}', '${placed} 09:00:00', 'S1', '${sku}', '${id('po')}', 'purchase_order', '${poId}', ${qty}, '${expected}', 'Acme')`;
}

export function receiptLinkSql(sku: string, date: string, poId: string, qty: number): string {
  return `INSERT INTO fact_purchase_order (date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier)
    VALUES ('${date}', '${date} 09:30:00', 'S1', '${sku}', '${id('rc')}', 'receipt', '${poId}', ${qty}, NULL, NULL)`;
}

export function modelSql(sku: string, fittedThrough: string, level: number, sigma: number, trend = 0, seasons: number[] = [0, 0, 0, 0, 0, 0, 0]): string {
  return `INSERT INTO forecast_model (store_id, sku, fitted_through, model, level, trend, season_1, season_2, season_3, season_4, season_5, season_6, season_7, sigma, next_review)
    VALUES ('S1', '${sku}', '${fittedThrough}', 'ets', ${level}, ${trend}, ${seasons.join(', ')}, ${sigma}, '${addDays(fittedThrough, 7)}')`;
}

/** The cases above. */
export function stockRiskCaseSql(): string[] {
  const d = AS_OF;
  return [
    `INSERT INTO dim_store (store_id, store_name, region, manager_email, timezone, target_daily_revenue) VALUES ('S1', 'Riverside', 'North', 'm@example.com', 'UTC', 100)`,
    ...SKUS.map(
      (sku) =>
        `INSERT INTO dim_product (sku, product_name, category, brand, unit_cost, list_price, supplier, lead_time_days) VALUES ('${sku}', 'Product ${sku.toLowerCase()}', 'C', 'B', 1, 2, 'Acme', ${LEAD_DAYS})`,
    ),
    // the store's sales history reaches back past the dead-stock window
    saleSql('DEAD', addDays(d, -40), 1),
    ...SKUS.filter((s) => s !== 'DEAD' && s !== 'FALLBACK').map((sku) => saleSql(sku, addDays(d, -1), 1)),
    saleSql('FALLBACK', addDays(d, -1), 6),
    saleSql('FALLBACK', d, 2),
    ...SKUS.filter((s) => s !== 'FALLBACK').map((sku) => modelSql(sku, d, sku === 'DEAD' ? 0 : 10, 2)),
    countSql('ARRIVES', d, 25),
    orderSql('ARRIVES', addDays(d, -3), 'PO-1', 50, addDays(d, 2)),
    countSql('HIGH', d, 25),
    countSql('CRIT', d, 15),
    countSql('ONORDER', d, 25),
    orderSql('ONORDER', addDays(d, -2), 'PO-2', 50, addDays(d, 3)),
    receiptLinkSql('ONORDER', d, 'PO-2', 20),
    receiptLinkSql('ONORDER', addDays(d, 1), 'PO-2', 30),
    orderSql('ONORDER', addDays(d, 1), 'PO-3', 99, addDays(d, 2)),
    countSql('DEAD', d, 40),
    countSql('OVER', d, 200),
    countSql('FALLBACK', d, 10),
  ];
}

export async function loadStockRiskCase(w: Warehouse): Promise<void> {
  await w.execute(stockRiskCaseSql());
}
