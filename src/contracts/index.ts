/**
 * The contracts at moat's edges as zod schemas (the single specification; JSON Schema files in
 * `schemas/` are generated from them) and the fast edge checks readers use per line.
 */
export { trafficEventSchema, parseEvent, EVENT_FIELDS } from "./event.ts";
export type { EventParse } from "./event.ts";
export { accountRecordSchema, parseAccount } from "./account.ts";
export type { AccountParse } from "./account.ts";
export { scanReportSchema, accountReportSchema, campaignReportSchema, reasonSchema, reportInputSchema } from "./report.ts";
export { labelsSchema, labelSchema, splitLabel } from "./labels.ts";
export type { Labels } from "./labels.ts";
export { timestampSchema, parseTimestamp, formatTimestamp } from "./timestamp.ts";
