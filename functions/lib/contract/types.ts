/** Event contract v1 (docs/architecture.md §3). */
/** `purchase_order` was added to v1 without a version change (an addition: every earlier v1 event stays valid). */
export const EVENT_TYPES = ['sale', 'return', 'inventory_snapshot', 'inventory_adjustment', 'purchase_order'] as const;
export const PAYMENT_METHODS = ['card', 'cash', 'mobile', 'gift_card', 'other'] as const;
export const ADJUSTMENT_REASONS = ['receipt', 'shrink', 'damage', 'transfer_in', 'transfer_out', 'count_correction'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

interface EventBase {
  event_id: string;
  schema_version: 1;
  store_id: string;
  occurred_at: string;
}

export interface SaleLine {
  sku: string;
  quantity: number;
  unit_price: number;
  discount?: number;
}

export interface TransactionEvent extends EventBase {
  event_type: 'sale' | 'return';
  transaction_id: string;
  customer_id: string | null;
  payment_method: PaymentMethod;
  lines: SaleLine[];
}

export interface InventorySnapshotEvent extends EventBase {
  event_type: 'inventory_snapshot';
  sku: string;
  on_hand_qty: number;
  reorder_point?: number;
}

export interface InventoryAdjustmentEvent extends EventBase {
  event_type: 'inventory_adjustment';
  sku: string;
  quantity_change: number;
  reason: AdjustmentReason;
  /** the purchase order a receipt fills (part of): only with reason `receipt` */
  po_id?: string;
}

/** One line of a purchase order the store placed with a supplier: `quantity` units of `sku` due at the store on
 * `expected_date` (YYYY-MM-DD, not before the order's own business date). */
export interface PurchaseOrderEvent extends EventBase {
  event_type: 'purchase_order';
  po_id: string;
  sku: string;
  quantity: number;
  expected_date: string;
  supplier: string;
}

export type PosEvent = TransactionEvent | InventorySnapshotEvent | InventoryAdjustmentEvent | PurchaseOrderEvent;

/** What the contract's checks read of the reference data (ReferenceData, functions/lib/reference/reference-data.ts,
 * is one): which stores and SKUs exist, a store's time zone, a product's unit cost. */
export interface ContractReference {
  stores: ReadonlyMap<string, { readonly timezone: string }>;
  products: ReadonlyMap<string, { readonly unit_cost: number }>;
}

/** Why a record was quarantined. Duplicates are not quarantined: they are counted. `unreadable_object`: a raw
 * object that cannot be read as a whole (bad or truncated gzip, not UTF-8 text), counted as one record;
 * `too_large`: a record (line) above MAX_RECORD_BYTES. */
export const REJECT_REASONS = ['malformed_json', 'invalid_utf8', 'schema_violation', 'unknown_store', 'unknown_sku', 'unreadable_object', 'too_large'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  /** field path and what is wrong with it, e.g. `lines[2].quantity: must be an integer >= 1` */
  detail: string;
}

/** The most bytes one record may have: Kinesis' cap on a record (data and partition key), which no record the
 * API takes exceeds; a longer line in a batch file is quarantined as `too_large`. */
export const MAX_RECORD_BYTES = 1024 * 1024;
