/**
 * The scan report (contract §3). Field names are a public API: add optional fields, never rename.
 */

/** One reason behind a score: a stable machine code, its weight in the score, and a sentence for people. */
export interface Reason {
  readonly code: string;
  readonly weight: number;
  readonly detail: string;
}

export type Verdict = "extraction" | "suspicious" | "benign";

export interface AccountReport {
  readonly account_id: string;
  readonly verdict: Verdict;
  readonly score: number;
  readonly campaign_id: string | null;
  readonly flagged_at: string | null;
  readonly extraction_at: string | null;
  readonly exchanges: number;
  readonly reasons: readonly Reason[];
}

export interface CampaignTargets {
  readonly reasoning: number;
  readonly coding: number;
  readonly agentic: number;
  readonly other: number;
}

export interface CampaignReport {
  readonly campaign_id: string;
  readonly accounts: readonly string[];
  readonly exchanges: number;
  readonly first_seen: string;
  readonly detected_at: string;
  readonly score: number;
  readonly targets: CampaignTargets;
  readonly indicators: Readonly<Record<string, unknown>>;
  readonly reasons: readonly Reason[];
}

export interface ReportInput {
  readonly events: number;
  readonly accounts: number;
  readonly bad_lines: number;
  readonly from: string | null;
  readonly to: string | null;
  /** Optional extras (allowed by the contract): lines behind the reorder window, per-reason bad-line counts. */
  readonly late_events?: number;
  readonly bad_line_reasons?: Readonly<Record<string, number>>;
  readonly bad_account_lines?: number;
}

export interface ScanReport {
  readonly moat_report_version: 1;
  readonly generated_at: string;
  readonly input: ReportInput;
  readonly accounts: readonly AccountReport[];
  readonly campaigns: readonly CampaignReport[];
}
