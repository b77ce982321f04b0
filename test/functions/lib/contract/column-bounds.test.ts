import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURATED_COLUMNS } from '../../../../functions/lib/curated-schema';
import { isCanonicalValidEvent } from '../../../../functions/lib/contract/canonical-fast-path';
import { businessDateWindow } from '../../../../functions/lib/contract/business-date-window';
import { checkStageable } from '../../../../functions/lib/contract/check-reference';
import {
  checkColumnFit,
  decimalMax,
  FAMILY_OF,
  fitsDecimal,
  INTEGER_RANGE,
  LANDINGS,
  varcharBytes,
  type ColumnType,
} from '../../../../functions/lib/contract/column-bounds';
import { eventSchemasByType, MAX_MONEY } from '../../../../functions/lib/contract/event-schema';
import type { EventType, PosEvent } from '../../../../functions/lib/contract/types';
import { parseEventText } from '../../../../functions/lib/contract/validate-event';
import { parseProductsCsv, parseStoresCsv, type ReferenceData } from '../../../../functions/lib/reference/reference-data';
import { projectPath } from '../../../../infra/lib/common/paths';
import { PRODUCTS_CSV, sale, STORES_CSV } from '../../../helpers/lake-fixture';

/** Column types of the Redshift tables, as the DDL under sql/redshift/ declares them (upper case, no spaces). */
function redshiftColumns(): Map<string, string> {
  const types = new Map<string, string>();
  const dir = projectPath('sql', 'redshift');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const sql = readFileSync(join(dir, file), 'utf8').replace(/--[^\n]*/g, '');
    for (const table of sql.matchAll(/CREATE TABLE(?: IF NOT EXISTS)?\s+(?:\w+\.)?(\w+)\s*\(([\s\S]*?)\n\)/gi)) {
      for (const column of table[2].matchAll(/^\s*(\w+)\s+([A-Za-z]+(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?)/gm)) {
        if (!/^(PRIMARY|FOREIGN|UNIQUE|CONSTRAINT)$/i.test(column[1])) types.set(`${table[1]}.${column[1]}`.toLowerCase(), column[2].replace(/\s/g, '').toUpperCase());
      }
    }
  }
  return types;
}

/** The type of `table.column`: curated columns from curated-schema.ts (VARCHAR there has no limit), else Redshift. */
function columnType(column: string, redshift: Map<string, string>): string | undefined {
  const [table, name] = column.split('.');
  const curated = (CURATED_COLUMNS as Record<string, Record<string, string>>)[table];
  return curated ? curated[name] : redshift.get(column);
}

/** Whether a column of `actual` type holds every value of `narrowest`. */
function holds(actual: string, narrowest: ColumnType): boolean {
  if (narrowest.startsWith('VARCHAR')) return actual === 'VARCHAR' || (/^VARCHAR\(\d+\)$/.test(actual) && varcharBytes(actual as ColumnType) >= varcharBytes(narrowest));
  if (narrowest === 'INTEGER') return ['INTEGER', 'BIGINT'].includes(actual);
  const [p, s] = narrowest.slice(8, -1).split(',').map(Number);
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(actual);
  return !!m && Number(m[2]) >= s && Number(m[1]) - Number(m[2]) >= p - s;
}

type Schema = { type?: unknown; enum?: readonly unknown[]; const?: unknown; maxLength?: number; minimum?: number; maximum?: number; properties?: Record<string, Schema>; items?: Schema };

/** Every value-carrying field of a schema as `name` or `lines[].name`, with its schema. */
function contractFields(schema: Schema, prefix = ''): [string, Schema][] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) =>
    property.type === 'array' ? contractFields(property.items!, `${prefix}${name}[].`) : [[`${prefix}${name}`, property] as [string, Schema]],
  );
}

/** Fields that land in no bounded column: schema_version is not stored; occurred_at becomes a TIMESTAMP, expected_date a DATE. */
const NOT_BOUNDED = ['schema_version', 'occurred_at', 'expected_date'];

describe('the contract’s bounds, from the columns its values land in (column-bounds.ts)', () => {
  const redshift = redshiftColumns();

  it('reads the warehouse DDL', () => {
    expect(redshift.get('fact_sales.net_revenue')).toBe('DECIMAL(18,2)');
    expect(redshift.size).toBeGreaterThan(50);
  });

  it.each(Object.entries(LANDINGS).flatMap(([family, fields]) => Object.entries(fields).map(([field, landing]) => [family, field, landing] as const)))(
    '%s %s: every column it lands in exists and holds its type, and the type is the narrowest of them',
    (_family, _field, landing) => {
      const actual = landing.columns.map((c) => ({ column: c, type: columnType(c, redshift) }));
      for (const { column, type } of actual) expect({ column, holds: type !== undefined && holds(type, landing.type) }).toEqual({ column, holds: true });
      expect(actual.map((a) => a.type)).toContain(landing.type);
    },
  );

  it.each(Object.entries(eventSchemasByType) as [EventType, Schema][])('%s: every field has a landing, and the schema bounds fit it', (type, schema) => {
    const landings = LANDINGS[FAMILY_OF[type]];
    // an event of this schema has this event_type (the validator picks the schema by it)
    const pinned = { ...schema, properties: { ...schema.properties, event_type: { const: type } } };
    for (const [field, property] of contractFields(pinned)) {
      if (NOT_BOUNDED.includes(field)) continue;
      const landing = landings[field];
      expect({ field, landing: landing !== undefined }).toEqual({ field, landing: true });
      const values = property.enum ?? (property.const !== undefined ? [property.const] : null);
      if (landing.type.startsWith('VARCHAR')) {
        const limit = varcharBytes(landing.type);
        if (values) for (const v of values) expect({ field, v, fits: Buffer.byteLength(String(v)) <= limit }).toEqual({ field, v, fits: true });
        else expect({ field, maxLength: property.maxLength }).toEqual({ field, maxLength: limit });
      } else if (landing.type === 'INTEGER') {
        expect({ field, min: property.minimum! >= INTEGER_RANGE.min, max: property.maximum! <= INTEGER_RANGE.max }).toEqual({ field, min: true, max: true });
      } else {
        expect({ field, fits: fitsDecimal(property.maximum!, landing.type) && fitsDecimal(-property.maximum!, landing.type) }).toEqual({ field, fits: true });
      }
    }
  });

  it('spells the largest DECIMAL(18,2) and tells what fits it as the engines cast it', () => {
    expect(decimalMax('DECIMAL(18,2)')).toBe('9999999999999999.99');
    expect(fitsDecimal(9_999_999_999_999_998, 'DECIMAL(18,2)')).toBe(true);
    expect(fitsDecimal(1e16, 'DECIMAL(18,2)')).toBe(false);
    expect(fitsDecimal(-1e16, 'DECIMAL(18,2)')).toBe(false);
    expect(fitsDecimal(MAX_MONEY, 'DECIMAL(18,2)')).toBe(true);
  });
});

describe('values the schema accepts but a column would not hold', () => {
  const ref: ReferenceData = {
    // a store id of 32 characters in 33 bytes, and a product whose cost no DECIMAL(18,2) holds
    stores: parseStoresCsv(`${STORES_CSV}Zürich-HB-Bahnhofstrasse-Nord-01,Zurich HB,emea,zh@example.com,Europe/Zurich,4000\n`),
    products: parseProductsCsv(PRODUCTS_CSV.replace('SKU-3,Kettle,home,Boil,15.00', 'SKU-3,Kettle,home,Boil,20000000000000000')),
  };
  const window = businessDateWindow(new Date());
  /** The full validator's verdict on one line, and the fast path's. */
  const verdicts = (event: Record<string, unknown>): { detail: string | null; fast: boolean } => {
    const line = JSON.stringify(event);
    const parsed = parseEventText(line);
    const rejection = parsed.ok ? checkStageable(parsed.event, ref, window) : parsed.rejection;
    return { detail: rejection?.detail ?? null, fast: isCanonicalValidEvent(line, ref, window) };
  };
  const line = (quantity: number, unit_price: number, sku = 'SKU-1', discount?: number): Record<string, unknown> => sale({ lines: [{ sku: 'SKU-2', quantity: 1, unit_price: 1 }, { sku, quantity, unit_price, ...(discount === undefined ? {} : { discount }) }] });

  it.each([
    ['a 64-character event_id of 4-byte characters', sale({ event_id: '😀'.repeat(64) }), 'event_id: must be at most 64 bytes in UTF-8 (is 256)'],
    ['an event_id of 2-byte characters', sale({ event_id: 'é'.repeat(33) }), 'event_id: must be at most 64 bytes in UTF-8 (is 66)'],
    ['a store_id of 32 characters in 33 bytes', sale({ store_id: 'Zürich-HB-Bahnhofstrasse-Nord-01' }), 'store_id: must be at most 32 bytes in UTF-8 (is 33)'],
    ['a customer_id over its bytes', sale({ customer_id: 'ß'.repeat(40) }), 'customer_id: must be at most 64 bytes in UTF-8 (is 80)'],
    ['a transaction_id over its bytes', sale({ transaction_id: '€'.repeat(22) }), 'transaction_id: must be at most 64 bytes in UTF-8 (is 66)'],
    ['quantity 10,000 x unit_price 10^12', line(10_000, 1e12), 'lines[1]: quantity * unit_price - discount must be between -9999999999999999.99 and 9999999999999999.99 (net revenue column)'],
    ['a product whose unit_cost no column holds', line(1, 1, 'SKU-3'), 'lines[1]: the product\'s unit_cost 20000000000000000 must be between -9999999999999999.99 and 9999999999999999.99 (unit_cost column)'],
  ])('refuses %s, naming the field, and the fast path never accepts it', (_what, event, detail) => {
    expect(verdicts(event)).toEqual({ detail, fast: false });
  });

  it('accepts the largest line that fits, on the fast path too', () => {
    expect(verdicts(line(10_000, 999_999_999_999.99))).toEqual({ detail: null, fast: true });
    expect(verdicts(line(10_000, 1e12, 'SKU-1', 1))).toEqual({ detail: 'lines[1]: quantity * unit_price - discount must be between -9999999999999999.99 and 9999999999999999.99 (net revenue column)', fast: false });
    expect(verdicts(sale({ event_id: 'x'.repeat(64), customer_id: 'é'.repeat(32) }))).toEqual({ detail: null, fast: false });
  });

  it('checks the margin with the product’s unit_cost from the reference data', () => {
    const margin = { ...ref, products: parseProductsCsv(PRODUCTS_CSV.replace('SKU-3,Kettle,home,Boil,15.00', 'SKU-3,Kettle,home,Boil,2000000000000')) };
    const event = line(10_000, 0, 'SKU-3') as unknown as PosEvent;
    expect(checkColumnFit(event, margin)?.detail).toBe(
      'lines[1]: net revenue - quantity * unit_cost (2000000000000) must be between -9999999999999999.99 and 9999999999999999.99 (gross margin column)',
    );
    expect(checkColumnFit(line(1_000, 0, 'SKU-3') as unknown as PosEvent, margin)).toBeNull();
  });
});
