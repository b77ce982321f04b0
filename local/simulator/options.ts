import { DEMO_PROFILE } from './profiles';
import { hash32 } from './random';

/** What the simulator can be asked for. Everything is optional; see DEFAULT_OPTIONS. */
export interface SimulatorOptions {
  /** Same seed and options => byte-identical reference data and events. A string is hashed to a number. */
  seed?: number | string;
  /** Number of stores (ignored when reference data is passed in). */
  stores?: number;
  /** Number of SKUs in the catalog (ignored when reference data is passed in). */
  skus?: number;
  /** Number of business days simulated, starting at `startDate` in each store's own time zone. */
  days?: number;
  /** First business date, YYYY-MM-DD. */
  startDate?: string;
  /**
   * Mean transactions per store and business day across stores (each store scaled by its size). Without it
   * each store's count is derived from its target_daily_revenue and the expected basket value.
   */
  transactionsPerStoreDay?: number;
  /** Share of emitted lines that are injected faults (malformed_json, schema_violation, unknown_store, unknown_sku). */
  faultRate?: number;
  /** Share of emitted lines that re-deliver an already emitted valid event (same event_id, identical text). */
  duplicateRate?: number;
  /** Share of transactions that are returns of previously sold items. */
  returnRate?: number;
  /** Share of transactions whose till was offline: delivered 1-36 hours after they occurred. */
  lateRate?: number;
  /** Share of transactions that carry a loyalty customer_id. */
  loyaltyShare?: number;
  /** A stock count (inventory_snapshot per store x carried SKU) every this many days, and always on the last day. */
  snapshotEveryDays?: number;
  /**
   * SKUs the mean store carries (bigger formats more, smaller ones fewer; see assortment.ts). A catalog no larger
   * than this is carried whole by every store.
   */
  assortmentSize?: number;
  /**
   * Most SKUs one stock count covers at a store, once the catalog is larger than `assortmentSize`: a store carrying
   * more counts a rotating slice each time (a cycle count), so that the snapshots a day stay bounded at any scale.
   * A catalog no larger than `assortmentSize` is counted whole, as before assortments existed.
   */
  stockCountSize?: number;
  /**
   * Record the run's truth (latent demand, sales, end-of-day stock per store x SKU x day, every order) as
   * `run.truth`, for evaluating forecasts and alerts. Costs memory (about 12 bytes per store-SKU-day); the events
   * are the same either way.
   */
  recordTruth?: boolean;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'seed' | 'transactionsPerStoreDay' | 'recordTruth'>> & {
  seed: number;
  transactionsPerStoreDay: number | null;
  recordTruth: boolean;
  /** 8 hex digits derived from every option: keeps event_ids of different runs from colliding. */
  runTag: string;
};

export const DEFAULT_OPTIONS = {
  ...(DEMO_PROFILE satisfies SimulatorOptions),
  faultRate: 0.02,
  duplicateRate: 0.01,
  returnRate: 0.02,
  lateRate: 0.003,
  loyaltyShare: 0.35,
  snapshotEveryDays: 1,
  assortmentSize: 3000,
  stockCountSize: 100,
} as const;

/** Ten years: enough for a chain's history (`retail-lake simulate --days`); the cost grows with stores x days. */
export const MAX_DAYS = 3660;

function rate(name: string, value: number): number {
  if (!(value >= 0 && value < 0.5)) throw new RangeError(`simulator option ${name}: must be in [0, 0.5), got ${value}`);
  return value;
}

function share(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`simulator option ${name}: must be in [0, 1], got ${value}`);
  return value;
}

function count(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`simulator option ${name}: must be a whole number in [${min}, ${max}], got ${value}`);
  }
  return value;
}

export function seedNumber(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return seed;
  return hash32(String(seed));
}

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const startDate = opts.startDate ?? DEFAULT_OPTIONS.startDate;
  const startMs = Date.parse(`${startDate}T00:00:00Z`); // NaN for a month 13 (toISOString would throw)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(startMs) || new Date(startMs).toISOString().slice(0, 10) !== startDate) {
    throw new RangeError(`simulator option startDate: must be a real date YYYY-MM-DD, got "${startDate}"`);
  }
  const tpsd = opts.transactionsPerStoreDay ?? null;
  if (tpsd !== null && !(tpsd > 0 && tpsd <= 1e7)) {
    throw new RangeError(`simulator option transactionsPerStoreDay: must be in (0, 1e7], got ${tpsd}`);
  }
  const faultRate = rate('faultRate', opts.faultRate ?? DEFAULT_OPTIONS.faultRate);
  const duplicateRate = rate('duplicateRate', opts.duplicateRate ?? DEFAULT_OPTIONS.duplicateRate);
  if (faultRate + duplicateRate >= 0.5) throw new RangeError('simulator options faultRate + duplicateRate: must be < 0.5');
  const resolved = {
    seed: seedNumber(opts.seed ?? DEFAULT_OPTIONS.seed),
    stores: count('stores', opts.stores ?? DEFAULT_OPTIONS.stores, 1, 9999),
    skus: count('skus', opts.skus ?? DEFAULT_OPTIONS.skus, 1, 999_999),
    days: count('days', opts.days ?? DEFAULT_OPTIONS.days, 1, MAX_DAYS),
    startDate,
    transactionsPerStoreDay: tpsd,
    faultRate,
    duplicateRate,
    returnRate: rate('returnRate', opts.returnRate ?? DEFAULT_OPTIONS.returnRate),
    lateRate: rate('lateRate', opts.lateRate ?? DEFAULT_OPTIONS.lateRate),
    loyaltyShare: share('loyaltyShare', opts.loyaltyShare ?? DEFAULT_OPTIONS.loyaltyShare),
    snapshotEveryDays: count('snapshotEveryDays', opts.snapshotEveryDays ?? DEFAULT_OPTIONS.snapshotEveryDays, 1, 366),
  };
  const assortmentSize = count('assortmentSize', opts.assortmentSize ?? DEFAULT_OPTIONS.assortmentSize, 1, 999_999);
  const stockCountSize = count('stockCountSize', opts.stockCountSize ?? DEFAULT_OPTIONS.stockCountSize, 1, 999_999);
  // recordTruth stays out of the run tag: recording changes nothing in the events. So do the assortment and count
  // sizes while the catalog fits in the assortment (they change nothing then), which keeps earlier runs' event ids.
  const tagged = { ...resolved, ...(resolved.skus > assortmentSize ? { assortmentSize, stockCountSize } : {}) };
  const runTag = hash32(JSON.stringify(tagged)).toString(16).padStart(8, '0');
  return { ...resolved, assortmentSize, stockCountSize, runTag, recordTruth: opts.recordTruth ?? false };
}

/** The evaluation runs: the demo's stores and catalog over 56 and 112 days (16 weeks), with the truth recorded. */
export const EVALUATION_DAYS = [56, 112] as const;

export function evaluationProfile(seed: number, days: (typeof EVALUATION_DAYS)[number]): SimulatorOptions {
  return { ...DEMO_PROFILE, seed, days, recordTruth: true };
}
