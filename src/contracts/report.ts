/**
 * Contract §3: the scan report. Field names are a public API (add optional fields, never rename);
 * unknown extra fields are allowed everywhere, so an older reader accepts a newer report.
 */
import { z } from "zod";
import type { ScanReport } from "../core/model/report.ts";
import { timestampSchema } from "./timestamp.ts";

const count = () => z.int().min(0);
const nullableTime = () => timestampSchema.nullable();

/** One reason behind a score: stable machine code, weight, sentence for people. */
export const reasonSchema = z.looseObject({
  code: z.string().min(1).describe("stable machine-readable code, e.g. cot_elicitation"),
  weight: z.number(),
  detail: z.string().describe("for people"),
});

/** One account's verdict. */
export const accountReportSchema = z.looseObject({
  account_id: z.string().min(1),
  verdict: z.enum(["extraction", "suspicious", "benign"]),
  score: z.number().min(0).max(1),
  campaign_id: z.string().nullable(),
  flagged_at: nullableTime().describe("event time at which a causal detector first put the account at suspicious-or-worse"),
  extraction_at: nullableTime().describe("event time at which a causal detector first put the account at extraction"),
  exchanges: count(),
  reasons: z.array(reasonSchema),
});

/** One campaign (a linked group of accounts). */
export const campaignReportSchema = z.looseObject({
  campaign_id: z.string().min(1),
  accounts: z.array(z.string()),
  exchanges: count(),
  first_seen: timestampSchema,
  detected_at: timestampSchema,
  score: z.number().min(0).max(1),
  targets: z.looseObject({ reasoning: z.number(), coding: z.number(), agentic: z.number(), other: z.number() }),
  indicators: z.record(z.string(), z.unknown()),
  reasons: z.array(reasonSchema),
});

/** What was read. */
export const reportInputSchema = z.looseObject({
  events: count(),
  accounts: count(),
  bad_lines: count(),
  from: nullableTime(),
  to: nullableTime(),
  late_events: count().exactOptional(),
  bad_line_reasons: z.record(z.string(), count()).exactOptional(),
  bad_account_lines: count().exactOptional(),
});

/** The whole report. */
export const scanReportSchema = z
  .looseObject({
    moat_report_version: z.literal(1),
    generated_at: timestampSchema,
    input: reportInputSchema,
    accounts: z.array(accountReportSchema),
    campaigns: z.array(campaignReportSchema),
  })
  .meta({ title: "moat scan report", description: "Output of `moat scan --out report.json` (contract §3)." });

type Assignable<A extends B, B> = A;
/** Compile-time proof that whatever the schema accepts is a `ScanReport`. */
export type ParsedScanReport = Assignable<z.output<typeof scanReportSchema>, ScanReport>;
