import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { labelsSchema, splitLabel } from "./labels.ts";
import { scanReportSchema } from "./report.ts";

const EXAMPLE = new URL("../../../shared/contracts/examples/report.json", import.meta.url).pathname;

const REPORT = {
  moat_report_version: 1,
  generated_at: "2026-04-23T00:00:00.000Z",
  input: { events: 5, accounts: 4, bad_lines: 1, from: "2026-04-22T00:04:40.527Z", to: "2026-04-22T00:06:30.000Z", late_events: 0, bad_line_reasons: { not_json: 1 } },
  accounts: [
    {
      account_id: "acct_1",
      verdict: "extraction",
      score: 0.97,
      campaign_id: "cmp_3",
      flagged_at: "2026-04-22T00:04:59.000Z",
      extraction_at: "2026-04-22T00:05:30.000Z",
      exchanges: 311,
      reasons: [{ code: "cot_elicitation", weight: 0.31, detail: "88% of prompts demand step-by-step reasoning" }],
    },
  ],
  campaigns: [
    {
      campaign_id: "cmp_3",
      accounts: ["acct_1"],
      exchanges: 311,
      first_seen: "2026-04-22T00:04:40.527Z",
      detected_at: "2026-04-22T00:05:30.000Z",
      score: 0.9,
      targets: { reasoning: 0.8, coding: 0.1, agentic: 0.05, other: 0.05 },
      indicators: { shared_prefix: "203.0.113.0/24" },
      reasons: [],
      future_field: true,
    },
  ],
};

test("accepts a full report, with optional input extras and unknown future fields", () => {
  const r = scanReportSchema.safeParse(REPORT);
  assert.ok(r.success, r.success ? "" : JSON.stringify(r.error.issues));
  assert.equal((r.data.campaigns[0] as Record<string, unknown>).future_field, true);
});

test("rejects a report with a wrong version, an unknown verdict, or a missing timestamp", () => {
  assert.equal(scanReportSchema.safeParse({ ...REPORT, moat_report_version: 2 }).success, false);
  const badVerdict = structuredClone(REPORT);
  (badVerdict.accounts[0] as { verdict: string }).verdict = "maybe";
  assert.equal(scanReportSchema.safeParse(badVerdict).success, false);
  const noTime = structuredClone(REPORT) as { generated_at?: string };
  delete noTime.generated_at;
  assert.equal(scanReportSchema.safeParse(noTime).success, false);
});

test("accepts the contract's example report", { skip: existsSync(EXAMPLE) ? false : "../shared absent: skipped" }, () => {
  const r = scanReportSchema.safeParse(JSON.parse(readFileSync(EXAMPLE, "utf8")));
  assert.ok(r.success, r.success ? "" : JSON.stringify(r.error.issues));
});

test("labels map accounts to attack:<campaign> or benign:<persona>", () => {
  assert.ok(labelsSchema.safeParse({ acct_1: "attack:hydra-math", acct_2: "benign:student" }).success);
  assert.equal(labelsSchema.safeParse({ acct_1: "evil" }).success, false);
  assert.equal(labelsSchema.safeParse({ acct_1: "attack:" }).success, false);
  assert.deepEqual(splitLabel("attack:hydra:v2"), { kind: "attack", name: "hydra:v2" });
});
