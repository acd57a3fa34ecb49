import { test } from "node:test";
import assert from "node:assert/strict";
import { formatScanSummary } from "./summary.ts";
import type { ScanReport } from "../core/model/report.ts";

const report: ScanReport = {
  moat_report_version: 1,
  generated_at: "2026-05-01T00:00:00.000Z",
  input: { events: 1200, accounts: 40, bad_lines: 0, from: "2026-04-22T00:00:00.000Z", to: "2026-04-25T00:00:00.000Z" },
  accounts: [],
  campaigns: [
    {
      campaign_id: "cmp_1",
      accounts: ["a", "b", "c"],
      exchanges: 1200,
      first_seen: "2026-04-22T00:00:00.000Z",
      detected_at: "2026-04-22T11:45:00.000Z",
      score: 0.95,
      targets: { reasoning: 0.11, coding: 0, agentic: 0, other: 0.81 },
      indicators: { instruction_share: 0.43 },
      reasons: [{ code: "template_sweep", weight: 0.4, detail: "…" }],
    },
  ],
};

test("the campaign table shows instruction generation apart from the rest of 'other'", () => {
  const text = formatScanSummary(report);
  assert.match(text, /instruction generation 43%, other 38%, reasoning 11%/);
});
