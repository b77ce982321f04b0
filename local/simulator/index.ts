/** The retail POS simulator: seeded, deterministic stores, catalog and till events (see README.md here). */
export { DEFAULT_OPTIONS, EVALUATION_DAYS, evaluationProfile, resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options';
export { exchangeRatesCsv, generateReference, productsCsv, storesCsv, toReferenceData, writeReferenceCsv, type SimReference } from './reference';
export { emptyStats, simulateEvents, type SimulatedLine, type SimulationRun, type SimulatorStats } from './simulate';
export { INJECTED_FAULTS, LINE_KINDS, type FaultKind, type InjectedFault, type LineKind } from './faults';
export { optionsForSaleLines } from './scale';
export { writeNdjsonFiles, type NdjsonFileOptions } from './ndjson-files';
export { SendError, sendToApi, type SendOptions, type SendProgress, type SendStats } from './send-to-api';
export { formatTimestamp, type TimestampStyle } from './timestamps';
export { DEMO_PROFILE, DEV_SEED, HOLDOUT_SEED } from './profiles';
export type { SimulationTruth } from './truth';
