import { INTEGER_RANGE, maxBytes } from './column-bounds';
import { ADJUSTMENT_REASONS, EVENT_TYPES, PAYMENT_METHODS } from './types';

/**
 * JSON Schema (draft 2020-12 subset) of event contract v1. The single definition of an event's shape:
 * the ingest API and the pipeline's Validate step both compile it with ajv, and the CDK app can hand it to
 * API Gateway as a request model.
 */
/* String lengths and integer ranges come from the columns the values land in (column-bounds.ts). maxLength counts
 * characters, the columns count UTF-8 bytes: checkColumnFit counts the bytes. */
const base = {
  event_id: { type: 'string', minLength: 1, maxLength: maxBytes('event_id') },
  event_type: { enum: EVENT_TYPES },
  schema_version: { const: 1 },
  store_id: { type: 'string', minLength: 1, maxLength: maxBytes('store_id') },
  occurred_at: { type: 'string', format: 'date-time-offset' },
} as const;

const sku = { type: 'string', minLength: 1, maxLength: Math.min(maxBytes('sku'), maxBytes('lines[].sku')) } as const;
/** Upper bounds so that every number fits the column it lands in: counts are 32-bit integers, a price or a
 * discount fits DECIMAL(18,2). Without them a price of 1e300 would pass and then stop Curate for the whole batch.
 * What a line computes (quantity * unit_price, the margin) is checked by checkColumnFit. */
const MAX_COUNT = INTEGER_RANGE.max;
export const MAX_MONEY = 1_000_000_000_000;

const transaction = {
  type: 'object',
  required: ['event_id', 'event_type', 'schema_version', 'store_id', 'occurred_at', 'transaction_id', 'customer_id', 'payment_method', 'lines'],
  properties: {
    ...base,
    transaction_id: { type: 'string', minLength: 1, maxLength: maxBytes('transaction_id') },
    customer_id: { type: ['string', 'null'], maxLength: maxBytes('customer_id') },
    payment_method: { enum: PAYMENT_METHODS },
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        required: ['sku', 'quantity', 'unit_price'],
        properties: {
          sku,
          quantity: { type: 'integer', minimum: 1, maximum: 10000 },
          unit_price: { type: 'number', minimum: 0, maximum: MAX_MONEY },
          discount: { type: 'number', minimum: 0, maximum: MAX_MONEY },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

const snapshot = {
  type: 'object',
  required: ['event_id', 'event_type', 'schema_version', 'store_id', 'occurred_at', 'sku', 'on_hand_qty'],
  properties: {
    ...base,
    sku,
    on_hand_qty: { type: 'integer', minimum: 0, maximum: MAX_COUNT },
    reorder_point: { type: 'integer', minimum: 0, maximum: MAX_COUNT },
  },
  additionalProperties: false,
} as const;

const adjustment = {
  type: 'object',
  required: ['event_id', 'event_type', 'schema_version', 'store_id', 'occurred_at', 'sku', 'quantity_change', 'reason'],
  properties: {
    ...base,
    sku,
    quantity_change: { type: 'integer', minimum: -MAX_COUNT, maximum: MAX_COUNT, not: { const: 0 } },
    reason: { enum: ADJUSTMENT_REASONS },
    // added to v1 (optional): the order a receipt fills; only with reason receipt (order-rules.ts)
    po_id: { type: 'string', minLength: 1, maxLength: maxBytes('po_id') },
  },
  additionalProperties: false,
} as const;

/** One purchase-order line (added to v1). expected_date: the day the delivery is due at the store, a real date
 * not before the order's business date (order-rules.ts, which needs the store's time zone). */
const purchaseOrder = {
  type: 'object',
  required: ['event_id', 'event_type', 'schema_version', 'store_id', 'occurred_at', 'po_id', 'sku', 'quantity', 'expected_date', 'supplier'],
  properties: {
    ...base,
    po_id: { type: 'string', minLength: 1, maxLength: maxBytes('po_id') },
    sku,
    quantity: { type: 'integer', minimum: 1, maximum: MAX_COUNT },
    expected_date: { type: 'string', format: 'iso-date' },
    supplier: { type: 'string', minLength: 1, maxLength: maxBytes('supplier') },
  },
  additionalProperties: false,
} as const;

/** The envelope is checked first so that an unknown event_type is reported as such, not as four mismatches. */
export const envelopeSchema = {
  type: 'object',
  required: ['event_id', 'event_type', 'schema_version', 'store_id', 'occurred_at'],
  properties: base,
} as const;

export const eventSchemasByType = {
  sale: transaction,
  return: transaction,
  inventory_snapshot: snapshot,
  inventory_adjustment: adjustment,
  purchase_order: purchaseOrder,
} as const;
