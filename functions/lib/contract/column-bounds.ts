/**
 * Where each value the contract accepts lands, and the type of the narrowest column there: the one table the
 * contract's bounds come from. The JSON Schema (event-schema.ts) takes its lengths and integer ranges from it,
 * checkColumnFit adds what JSON Schema cannot say (UTF-8 bytes, computed money), and
 * test/functions/lib/contract/column-bounds.test.ts checks every entry against the curated schema
 * (functions/lib/curated-schema.ts) and the Redshift DDL, and every contract field against an entry.
 * A value that does not fit would stop Curate or the warehouse load for its whole batch, so Validate
 * quarantines it instead, naming the field.
 */
import type { ContractReference, EventType, PosEvent, Rejection, SaleLine } from './types';

/** A column type as the DDL spells it: VARCHAR(n) counts UTF-8 bytes (Redshift); DECIMAL(p,s); INTEGER. */
export type ColumnType = `VARCHAR(${number})` | `DECIMAL(${number},${number})` | 'INTEGER';

export interface Landing {
  /** the narrowest type among `columns` */
  readonly type: ColumnType;
  /** `table.column`: curated tables (curated-schema.ts) and warehouse tables (sql/redshift/) */
  readonly columns: readonly string[];
}

/** Sales and returns land in sales_lines and fact_sales; inventory events in inventory_events and fact_inventory_event;
 * purchase orders in purchase_orders and fact_purchase_order (a receipt's po_id there too, on its link row). */
export type EventFamily = 'transaction' | 'inventory' | 'order';
export const FAMILY_OF: Record<EventType, EventFamily> = {
  sale: 'transaction',
  return: 'transaction',
  inventory_snapshot: 'inventory',
  inventory_adjustment: 'inventory',
  purchase_order: 'order',
};

const curatedAndWarehouse = (curated: string, fact: string, column: string, factColumn = column): string[] => [
  `${curated}.${column}`,
  `stg_${curated}.${column}`,
  `${fact}.${factColumn}`,
];
const sales = (column: string, factColumn?: string): string[] => curatedAndWarehouse('sales_lines', 'fact_sales', column, factColumn);
const inventory = (column: string): string[] => curatedAndWarehouse('inventory_events', 'fact_inventory_event', column);
const orders = (column: string): string[] => curatedAndWarehouse('purchase_orders', 'fact_purchase_order', column);

/**
 * Field paths as the validator names them (`lines[].sku` for every line). `lines[].net_revenue` and
 * `lines[].gross_margin` are computed by sql/transform/sales_lines.sql; `lines[].unit_cost` comes from the product
 * reference data. schema_version is not stored; occurred_at becomes a TIMESTAMP, which holds any RFC 3339 instant;
 * expected_date a DATE, which holds any date the contract's YYYY-MM-DD names.
 */
export const LANDINGS: Record<EventFamily, Record<string, Landing>> = {
  transaction: {
    event_id: { type: 'VARCHAR(64)', columns: sales('event_id') },
    event_type: { type: 'VARCHAR(16)', columns: sales('event_type') },
    store_id: { type: 'VARCHAR(32)', columns: sales('store_id') },
    transaction_id: { type: 'VARCHAR(64)', columns: sales('transaction_id', 'basket_id') },
    customer_id: { type: 'VARCHAR(64)', columns: sales('customer_id') },
    payment_method: { type: 'VARCHAR(16)', columns: sales('payment_method') },
    'lines[].sku': { type: 'VARCHAR(64)', columns: sales('sku') },
    'lines[].quantity': { type: 'INTEGER', columns: sales('quantity', 'qty_sold') },
    'lines[].unit_price': { type: 'DECIMAL(18,2)', columns: sales('unit_price') },
    'lines[].discount': { type: 'DECIMAL(18,2)', columns: sales('discount') },
    'lines[].unit_cost': { type: 'DECIMAL(18,2)', columns: ['sales_lines.unit_cost', 'stg_sales_lines.unit_cost'] },
    'lines[].net_revenue': { type: 'DECIMAL(18,2)', columns: sales('net_revenue') },
    'lines[].gross_margin': { type: 'DECIMAL(18,2)', columns: sales('gross_margin') },
  },
  inventory: {
    event_id: { type: 'VARCHAR(64)', columns: inventory('event_id') },
    event_type: { type: 'VARCHAR(32)', columns: inventory('event_type') },
    store_id: { type: 'VARCHAR(32)', columns: inventory('store_id') },
    sku: { type: 'VARCHAR(64)', columns: inventory('sku') },
    on_hand_qty: { type: 'INTEGER', columns: inventory('on_hand_qty') },
    reorder_point: { type: 'INTEGER', columns: inventory('reorder_point') },
    quantity_change: { type: 'INTEGER', columns: inventory('quantity_change') },
    reason: { type: 'VARCHAR(32)', columns: inventory('reason') },
    // a receipt's po_id lands on its link row in purchase_orders
    po_id: { type: 'VARCHAR(64)', columns: orders('po_id') },
  },
  order: {
    event_id: { type: 'VARCHAR(64)', columns: orders('event_id') },
    event_type: { type: 'VARCHAR(16)', columns: orders('event_type') },
    store_id: { type: 'VARCHAR(32)', columns: orders('store_id') },
    po_id: { type: 'VARCHAR(64)', columns: orders('po_id') },
    sku: { type: 'VARCHAR(64)', columns: orders('sku') },
    quantity: { type: 'INTEGER', columns: orders('quantity') },
    supplier: { type: 'VARCHAR(256)', columns: orders('supplier') },
  },
};

/** The UTF-8 bytes a VARCHAR(n) holds. */
export function varcharBytes(type: ColumnType): number {
  const m = /^VARCHAR\((\d+)\)$/.exec(type);
  if (!m) throw new TypeError(`${type} is not a VARCHAR(n)`);
  return Number(m[1]);
}

/** The narrowest byte limit a string field lands under, in every family that has it (the schema's maxLength). */
export function maxBytes(field: string): number {
  const limits = Object.values(LANDINGS).flatMap((family) => (family[field] ? [varcharBytes(family[field].type)] : []));
  if (limits.length === 0) throw new TypeError(`no landing for ${field}`);
  return Math.min(...limits);
}

/** The range of a 32-bit INTEGER column. */
export const INTEGER_RANGE = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/** The largest magnitude a DECIMAL(p,s) holds, as text (`9999999999999999.99` for DECIMAL(18,2)). */
export function decimalMax(type: ColumnType): string {
  const { precision, scale } = decimalParts(type);
  return `${'9'.repeat(precision - scale)}${scale ? `.${'9'.repeat(scale)}` : ''}`;
}

function decimalParts(type: ColumnType): { precision: number; scale: number } {
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (!m) throw new TypeError(`${type} is not a DECIMAL(p,s)`);
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

/** fitsDecimal for one type, its powers computed once. */
function decimalFit(type: ColumnType): (value: number) => boolean {
  const { precision, scale } = decimalParts(type);
  const factor = 10 ** scale;
  const limit = 10 ** precision;
  return (value) => Number.isFinite(value) && Math.abs(Math.round(value * factor)) < limit;
}

/**
 * Whether a DOUBLE fits DECIMAL(p,s) once rounded to s places, computed the way the engines cast it (DuckDB
 * scales by 10^s and compares with 10^p in doubles; Spark's rounded BigDecimal agrees at these magnitudes).
 */
export function fitsDecimal(value: number, type: ColumnType): boolean {
  return decimalFit(type)(value);
}

/** The string fields of each family that land in a VARCHAR(n), with their value (lines are checked per line). */
function stringFields(event: PosEvent): [string, string | null][] {
  const common: [string, string | null][] = [
    ['event_id', event.event_id],
    ['store_id', event.store_id],
  ];
  if ('lines' in event) return [...common, ['transaction_id', event.transaction_id], ['customer_id', event.customer_id]];
  if (event.event_type === 'purchase_order') return [...common, ['sku', event.sku], ['po_id', event.po_id], ['supplier', event.supplier]];
  if (event.event_type === 'inventory_adjustment' && event.po_id !== undefined) return [...common, ['sku', event.sku], ['po_id', event.po_id]];
  return [...common, ['sku', event.sku]];
}

/** `field: must be at most n bytes in UTF-8` when the text is longer than its column holds. */
function byteRejection(path: string, field: string, family: EventFamily, text: string): Rejection | null {
  const limit = varcharBytes(LANDINGS[family][field].type);
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes <= limit ? null : { reason: 'schema_violation', detail: `${path}: must be at most ${limit} bytes in UTF-8 (is ${bytes})` };
}

/** The money a sales line computes, as sql/transform/sales_lines.sql does (in doubles, before its casts). */
export function lineMoney(line: SaleLine, unitCost: number): { net_revenue: number; gross_margin: number } {
  const net = line.quantity * line.unit_price - (line.discount ?? 0);
  return { net_revenue: net, gross_margin: net - line.quantity * unitCost };
}

/** The sales lines' money columns, each with its fitsDecimal (lineMoneyProblem runs for every sales line). */
const SALES_MONEY = (['lines[].unit_cost', 'lines[].net_revenue', 'lines[].gross_margin'] as const).map((field) => {
  const type = LANDINGS.transaction[field].type;
  return { fits: decimalFit(type), outside: `must be between -${decimalMax(type)} and ${decimalMax(type)}` };
});

/** Why a sales line's money does not fit its columns, or null. Returns are the same amounts negated. */
export function lineMoneyProblem(line: SaleLine, unitCost: number): string | null {
  const [cost, net, margin] = SALES_MONEY;
  const money = lineMoney(line, unitCost);
  if (!cost.fits(unitCost)) return `the product's unit_cost ${unitCost} ${cost.outside} (unit_cost column)`;
  if (!net.fits(money.net_revenue)) return `quantity * unit_price - discount ${net.outside} (net revenue column)`;
  if (!margin.fits(money.gross_margin)) return `net revenue - quantity * unit_cost (${unitCost}) ${margin.outside} (gross margin column)`;
  return null;
}

/**
 * Checks what JSON Schema cannot: strings in UTF-8 bytes against their VARCHAR(n), and each sales line's
 * computed money against DECIMAL(18,2) with its product's unit_cost. For an event of the right shape whose
 * references resolve (checkReferences first).
 */
export function checkColumnFit(event: PosEvent, ref: ContractReference): Rejection | null {
  const family = FAMILY_OF[event.event_type];
  for (const [field, value] of stringFields(event)) {
    const rejection = value === null ? null : byteRejection(field, field, family, value);
    if (rejection) return rejection;
  }
  if (!('lines' in event)) return null;
  for (let i = 0; i < event.lines.length; i++) {
    const line = event.lines[i];
    const rejection = byteRejection(`lines[${i}].sku`, 'lines[].sku', family, line.sku);
    if (rejection) return rejection;
    const problem = lineMoneyProblem(line, ref.products.get(line.sku)?.unit_cost ?? 0);
    if (problem) return { reason: 'schema_violation', detail: `lines[${i}]: ${problem}` };
  }
  return null;
}
