/**
 * The engine's public face, shared by both drivers (`moat scan` replays logs, `moat serve` runs live).
 * Everything here is plain data: the gateway's policy and the scan report are built from it.
 */
import type { Reason, Verdict, CampaignTargets } from "../model/report.ts";

/** What the engine thinks of one account right now (after every event it has seen so far). */
export interface Assessment {
  readonly accountId: string;
  readonly verdict: Verdict;
  /** 0..1, the account's combined score (own behaviour + campaign membership). */
  readonly score: number;
  readonly campaignId: string | null;
  /** 0..1 score of the campaign the account belongs to, 0 when none. */
  readonly campaignScore: number;
  /** 0..1, the account's own behaviour alone (before the campaign lift), and the verdict it gives: what is left when an operator marks the campaign a false positive. */
  readonly ownScore: number;
  readonly ownVerdict: Verdict;
  /** Ordered, strongest first. */
  readonly reasons: readonly Reason[];
  /** Exchanges seen from this account. */
  readonly exchanges: number;
  /** Event time (ms) at which the account first reached suspicious-or-worse / extraction; null if never. */
  readonly flaggedAt: number | null;
  readonly extractionAt: number | null;
}

/** A campaign as the engine sees it now. */
export interface CampaignView {
  readonly campaignId: string;
  readonly accounts: readonly string[];
  readonly exchanges: number;
  readonly firstSeen: number;
  readonly detectedAt: number;
  readonly score: number;
  readonly targets: CampaignTargets;
  readonly indicators: Readonly<Record<string, unknown>>;
  readonly reasons: readonly Reason[];
}
