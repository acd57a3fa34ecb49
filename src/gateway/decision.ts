/**
 * What the gateway decided for one request, and why. A plain readonly discriminated union (one member per
 * action) so the proxy, the admin API, the store and the tests all read the same object.
 */
import type { Reason, Verdict } from "../core/model/report.ts";

export type ActionKind = "allow" | "throttle" | "challenge" | "degrade" | "block";

/** Limits applied to a degraded request before forwarding and to its response after. */
export interface DegradeCaps {
  /** Upper bound on `max_tokens` / `max_completion_tokens` / `max_tokens` (OpenAI legacy). */
  readonly maxTokens: number | null;
  /** Upper bound on Anthropic `thinking.budget_tokens`; 0 turns extended thinking off. */
  readonly thinkingBudget: number | null;
  /** Upper bound on OpenAI `reasoning_effort` (minimal < low < medium < high). */
  readonly reasoningEffort: "minimal" | "low" | "medium" | "high" | null;
  /** Drop thinking / reasoning content from responses (JSON and streams). */
  readonly dropReasoning: boolean;
  /** Remove `logprobs` / `top_logprobs` from the request and `logprobs` from the response. */
  readonly stripLogprobs: boolean;
}

/** Where a decision came from: a policy rule, an operator's override, an allowlist, the default, or a failure. */
export type DecisionSource = "policy" | "override" | "allowlist" | "default" | "fail-open";

interface DecisionBase {
  readonly accountId: string;
  readonly source: DecisionSource;
  /** Name of the policy rule or override that produced the action; null for the default. */
  readonly rule: string | null;
  /** Ordered evidence behind the action: the rule's own reason first, then the engine's reasons. */
  readonly reasons: readonly Reason[];
  readonly verdict: Verdict;
  readonly score: number;
  readonly campaignId: string | null;
  readonly campaignScore: number;
  /** True when the action was computed but not enforced (shadow mode or a shadow rule). */
  readonly shadow: boolean;
  /** True when detection failed for this request and it was let through. */
  readonly failedOpen: boolean;
}

export type Decision =
  | (DecisionBase & { readonly action: "allow" })
  | (DecisionBase & {
      readonly action: "throttle";
      /** True when a bucket was empty: the request is (or, in shadow, would be) answered 429. */
      readonly limited: boolean;
      /** Seconds until the emptiest bucket has a token again. */
      readonly retryAfterS: number;
      readonly scope: "account" | "campaign" | null;
    })
  | (DecisionBase & { readonly action: "challenge"; readonly verificationUrl: string })
  | (DecisionBase & { readonly action: "degrade"; readonly caps: DegradeCaps })
  | (DecisionBase & { readonly action: "block" });

/** True when the request must not be forwarded as asked (enforced, and an action that rejects). */
export function rejects(d: Decision): boolean {
  if (d.shadow) return false;
  if (d.action === "block" || d.action === "challenge") return true;
  return d.action === "throttle" && d.limited;
}

/** True when the request is forwarded with degrade caps applied. */
export function degrades(d: Decision): d is Extract<Decision, { action: "degrade" }> {
  return d.action === "degrade" && !d.shadow;
}
