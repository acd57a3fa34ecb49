/**
 * Readers for moat's inputs: traffic logs (`openEvents`) and accounts (`readAccounts`), from JSONL,
 * gzip, parquet files, globs or standard input.
 */
export { openEventBatches, openEvents } from "./open-events.ts";
export type { OpenEventsOptions, OpenMappedOptions } from "./open-events.ts";
export type { IngestStats } from "./stats.ts";
export { readAccounts } from "./read-accounts.ts";
export type { AccountsRead } from "./read-accounts.ts";
export { readAndParseBaseline } from "./baseline.ts";
export { DEFAULT_REORDER_WINDOW_MS } from "./reorder.ts";
export { MAX_GATEWAY_BODY_BYTES, MAX_LINE_BYTES } from "./line-splitter.ts";
