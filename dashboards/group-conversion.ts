/**
 * A group of sales of one store and one business date in the reporting currency, converted once. Every sales data
 * set's grain (store x date, x category, x SKU) has one rate per group, so the data sets sum the store-currency
 * amounts of fact_sales first and convert the sums, with the conventions of v_sales_reporting
 * (migrations 0003, 0008) for a line: widened to DECIMAL(38,2) before the rate multiplies them, NULL while the
 * store's currency has no rate (never a silent 0), the margin in the reporting currency = revenue converted - cost
 * (the cost, revenue - gross_margin, is in the reporting currency already), and the margin in the store's currency
 * = revenue - the cost converted back. Converting per group instead of per line rounds once per group: a sum closer
 * to the exact converted total, which can differ by a cent per line of the group from the sum of converted lines.
 * Converting 27M lines was most of a month's data set time.
 *
 * The SQL expects, in the query that uses it: `rc` = dim_reporting_currency, `x` = v_exchange_rate_daily joined on
 * the store's currency and the group's date (LEFT JOIN), and the store's currency as `currency`
 * (COALESCE(s.currency, rc.currency), `s` = dim_store LEFT JOINed).
 */
export interface GroupConversion {
  /** the group's rate: 1 in the reporting currency, NULL without a rate */
  rate: string;
  /** `amount` (a store-currency sum) in the reporting currency */
  rpt(amount: string): string;
  /** the margin in the reporting currency, from the group's revenue and (cost-based) gross_margin sums */
  marginRpt(revenue: string, margin: string): string;
  /** the margin in the store's currency (v_sales_reporting's gross_margin_local), from the same sums */
  marginLocal(revenue: string, margin: string): string;
}

export const STORE_CURRENCY_SQL = 'COALESCE(s.currency, rc.currency)';

/** The joins the conversion reads: `storeId` and `dateKey` are the group's columns; `s` is dim_store. */
export const conversionJoins = (storeId: string, dateKey: string): string => `CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = ${storeId}
LEFT JOIN v_exchange_rate_daily x ON x.currency = s.currency AND x.date_key = ${dateKey}`;

export function groupConversion(currency = STORE_CURRENCY_SQL): GroupConversion {
  const same = `${currency} = rc.currency`;
  const converted = (amount: string): string => `CAST(CAST(${amount} AS DECIMAL(38,2)) * x.rate AS DECIMAL(38,2))`;
  return {
    rate: `CASE WHEN ${same} THEN CAST(1 AS DECIMAL(18,8)) ELSE x.rate END`,
    rpt: (amount) => `CASE WHEN ${same} THEN CAST(${amount} AS DECIMAL(38,2)) ELSE ${converted(amount)} END`,
    marginRpt: (revenue, margin) =>
      `CASE WHEN ${same} THEN CAST(${margin} AS DECIMAL(38,2)) ELSE ${converted(revenue)} - CASE WHEN x.rate IS NOT NULL THEN ${revenue} - ${margin} END END`,
    marginLocal: (revenue, margin) =>
      `CASE WHEN ${same} THEN ${margin} ELSE CAST(${revenue} - CAST(${revenue} - ${margin} AS DECIMAL(38,2)) / x.rate AS DECIMAL(38,2)) END`,
  };
}
