import type { RejectReason } from '../../functions/lib/contract/types';
import { adjustmentText, lineText, snapshotText, transactionText } from './event-text';
import type { Rng } from './random';

/** Faults the simulator injects on purpose; each must be rejected by the contract validator for this reason. */
export const INJECTED_FAULTS = ['malformed_json', 'schema_violation', 'unknown_store', 'unknown_sku'] as const satisfies readonly RejectReason[];
export type InjectedFault = (typeof INJECTED_FAULTS)[number];
/** `duplicate` re-delivers an already emitted valid event: the same event_id with identical text. */
export type FaultKind = InjectedFault | 'duplicate';
export type LineKind = 'valid' | FaultKind;
export const LINE_KINDS: readonly LineKind[] = ['valid', ...INJECTED_FAULTS, 'duplicate'];

/** How often each injected fault occurs relative to the others. */
export const FAULT_WEIGHTS: Readonly<Record<InjectedFault, number>> = {
  malformed_json: 0.25,
  schema_violation: 0.35,
  unknown_store: 0.2,
  unknown_sku: 0.2,
};

/** What a faulty event is made of: valid parts that one defect then spoils. */
export interface FaultContext {
  eventId: string;
  storeId: string;
  occurredAt: string;
  transactionId: string;
  sku: string;
  priceText: string;
  otherSku: string;
  otherPriceText: string;
  /** a store id that is not in the reference data */
  unknownStoreId: string;
  /** a SKU that is not in the reference data */
  unknownSku: string;
}

function sale(c: FaultContext, storeId: string, lines: string): string {
  return transactionText(c.eventId, 'sale', storeId, c.occurredAt, c.transactionId, null, 'card', lines);
}

function twoLines(c: FaultContext): string {
  return `${lineText(c.sku, 1, c.priceText, 0, false)},${lineText(c.otherSku, 2, c.otherPriceText, 0, false)}`;
}

/** Ways a till or a batch export breaks a line so that it is no longer JSON (each stays on one line). */
const MALFORMED: readonly ((valid: string, rng: Rng) => string)[] = [
  (v, rng) => v.slice(0, rng.int(1, v.length - 1)), // cut off mid-write; no proper prefix of an object is JSON
  (v) => `${v.slice(0, -1)},}`, // trailing comma
  (v) => v.replace('"event_id"', "'event_id'"), // single quotes
  (v) => v.replace('"store_id"', 'store_id'), // unquoted key
  (v) => v + v, // two events glued together without a newline
  (v) => v.replace('"schema_version":1', '"schema_version":01'), // leading zero is not a JSON number
];

/** Contract violations a buggy till produces: each breaks exactly one rule of the v1 schema. */
const SCHEMA_VIOLATIONS: readonly ((c: FaultContext) => string)[] = [
  (c) => sale(c, c.storeId, lineText(c.sku, 0, c.priceText, 0, false)), // quantity 0
  (c) => sale(c, c.storeId, `{"sku":"${c.sku}","quantity":1.5,"unit_price":${c.priceText}}`), // fractional quantity
  (c) => sale(c, c.storeId, twoLines(c)).replace(`,"occurred_at":"${c.occurredAt}"`, ''), // missing occurred_at
  (c) => sale(c, c.storeId, twoLines(c)).replace('"payment_method":"card"', '"payment_method":"crypto"'),
  (c) => sale(c, c.storeId, twoLines(c)).replace(c.occurredAt, c.occurredAt.slice(0, 19)), // local time without offset
  (c) => sale(c, c.storeId, `{"sku":"${c.sku}","quantity":1,"unit_price":${c.priceText},"discount":-1.00}`),
  (c) => sale(c, c.storeId, `{"sku":"${c.sku}","quantity":1,"unit_price":"${c.priceText}"}`), // price as a string
  (c) => sale(c, c.storeId, twoLines(c)).replace('"schema_version":1', '"schema_version":2'),
  (c) => sale(c, c.storeId, ''), // no lines
  (c) => sale(c, c.storeId, twoLines(c)).replace('"event_type":"sale"', '"event_type":"refund"'),
  (c) => sale(c, c.storeId, twoLines(c)).replace('"customer_id":null', '"customer_id":12345'),
  (c) => sale(c, c.storeId, twoLines(c)).replace('"lines":', '"coupon_code":"SPRING10","lines":'), // unknown field
  (c) => adjustmentText(c.eventId, c.storeId, c.occurredAt, c.sku, 0, 'shrink'), // quantity_change 0
  (c) => adjustmentText(c.eventId, c.storeId, c.occurredAt, c.sku, 3, 'found_in_backroom'),
  (c) => snapshotText(c.eventId, c.storeId, c.occurredAt, c.sku, -4, 10), // negative on hand
];

/** The text of one faulty event of the given kind (never valid, and rejected for exactly that reason). */
export function faultyLine(kind: InjectedFault, rng: Rng, c: FaultContext): string {
  switch (kind) {
    case 'malformed_json':
      return rng.pick(MALFORMED)(sale(c, c.storeId, twoLines(c)), rng);
    case 'schema_violation':
      return rng.pick(SCHEMA_VIOLATIONS)(c);
    case 'unknown_store':
      return rng.chance(0.8)
        ? sale(c, c.unknownStoreId, twoLines(c))
        : snapshotText(c.eventId, c.unknownStoreId, c.occurredAt, c.sku, rng.int(0, 40), 5);
    case 'unknown_sku':
      return rng.chance(0.8)
        ? sale(c, c.storeId, `${lineText(c.sku, 1, c.priceText, 0, false)},${lineText(c.unknownSku, 1, '9.99', 0, false)}`)
        : adjustmentText(c.eventId, c.storeId, c.occurredAt, c.unknownSku, rng.int(6, 48), 'receipt');
  }
}
