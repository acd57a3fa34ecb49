/**
 * Builds the scan report (contract §3) from the engine's state after all input was read.
 * Pure: the driver supplies `generated_at` and the input counts.
 */
import type { AccountReport, CampaignReport, ReportInput, ScanReport } from "../model/report.ts";
import type { Engine } from "./engine.ts";

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export interface ReportOptions {
  /** Include benign accounts too (verdict "benign"). */
  readonly all?: boolean;
}

export function buildReport(engine: Engine, input: ReportInput, generatedAt: string, opts: ReportOptions = {}): ScanReport {
  const campaigns: CampaignReport[] = engine.campaigns().map((c) => ({
    campaign_id: c.campaignId,
    accounts: c.accounts,
    exchanges: c.exchanges,
    first_seen: iso(c.firstSeen)!,
    detected_at: iso(c.detectedAt)!,
    score: c.score,
    targets: c.targets,
    indicators: c.indicators,
    reasons: c.reasons,
  }));
  const accounts: AccountReport[] = [];
  for (const id of engine.accountIds()) {
    const a = engine.assess(id);
    if (a.verdict === "benign" && !opts.all) continue;
    accounts.push({
      account_id: a.accountId,
      verdict: a.verdict,
      score: a.score,
      campaign_id: a.campaignId,
      flagged_at: iso(a.flaggedAt),
      extraction_at: iso(a.extractionAt),
      exchanges: a.exchanges,
      reasons: a.reasons,
    });
  }
  accounts.sort((x, y) => y.score - x.score || x.account_id.localeCompare(y.account_id));
  return { moat_report_version: 1, generated_at: generatedAt, input, accounts, campaigns };
}
