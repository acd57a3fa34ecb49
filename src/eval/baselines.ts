/**
 * Two baselines that show what moat adds, run over the same events in the same pass:
 * - a per-account daily rate limit (what LLM gateways offer today): flag an account at the exchange
 *   that takes it past N exchanges in one UTC day;
 * - a chain-of-thought keyword rule: flag an account once at least half of its prompts (after a
 *   minimum number) contain an English CoT phrase.
 * Both are causal (they see events in time order) and sticky, like moat's `extraction_at`.
 */
import type { TrafficEvent } from "../core/model/traffic.ts";
import { promptText } from "./prompt-text.ts";

const DAY_MS = 86_400_000;

/** A per-account detector fed events in time order; `flaggedAt` is the event time it first acted. */
export interface Baseline {
  readonly name: string;
  /** Feeds one exchange; returns the flag time of the account (null while not flagged). */
  observe(t: number, event: TrafficEvent): number | null;
  flaggedAt(accountId: string): number | null;
}

/** Flags an account at the first exchange that exceeds `limit` exchanges in one UTC day. */
export class DailyRateLimit implements Baseline {
  readonly name = "rate-limit";
  private readonly state = new Map<string, { day: number; count: number; flagged: number | null }>();

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error("the daily limit must be >= 1");
  }

  observe(t: number, event: TrafficEvent): number | null {
    const day = Math.floor(t / DAY_MS);
    let s = this.state.get(event.account_id);
    if (s === undefined) {
      s = { day, count: 0, flagged: null };
      this.state.set(event.account_id, s);
    }
    if (s.flagged !== null) return s.flagged;
    if (s.day !== day) {
      s.day = day;
      s.count = 0;
    }
    s.count++;
    if (s.count > this.limit) s.flagged = t;
    return s.flagged;
  }

  flaggedAt(accountId: string): number | null {
    return this.state.get(accountId)?.flagged ?? null;
  }
}

/** The English CoT phrases of the keyword baseline. */
export const COT_KEYWORDS: readonly string[] = ["step by step", "think step", "show your work", "reasoning"];

/** Flags an account once >= `share` of its prompts, after >= `minPrompts`, contain a CoT keyword. */
export class CotKeywordRule implements Baseline {
  readonly name = "cot-rule";
  private readonly state = new Map<string, { prompts: number; cot: number; flagged: number | null }>();
  private readonly keywords: readonly string[];

  constructor(
    readonly minPrompts = 5,
    readonly share = 0.5,
    keywords: readonly string[] = COT_KEYWORDS,
  ) {
    this.keywords = keywords.map((k) => k.toLowerCase());
  }

  /** True when the exchange's prompt contains one of the keywords (case-insensitive). */
  matches(event: TrafficEvent): boolean {
    const text = promptText(event).toLowerCase();
    return this.keywords.some((k) => text.includes(k));
  }

  observe(t: number, event: TrafficEvent): number | null {
    let s = this.state.get(event.account_id);
    if (s === undefined) {
      s = { prompts: 0, cot: 0, flagged: null };
      this.state.set(event.account_id, s);
    }
    if (s.flagged !== null) return s.flagged;
    s.prompts++;
    if (this.matches(event)) s.cot++;
    if (s.prompts >= this.minPrompts && s.cot >= this.share * s.prompts) s.flagged = t;
    return s.flagged;
  }

  flaggedAt(accountId: string): number | null {
    return this.state.get(accountId)?.flagged ?? null;
  }
}
