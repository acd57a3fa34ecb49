/**
 * How a request's decision is taken from the engine's assessment of its account, the operator's overrides,
 * the allowlists and the policy (and, for throttle rules, the token buckets). Overrides are an operator's
 * explicit word and are enforced even in shadow mode; everything the policy decides is shadowed in shadow
 * mode (decided, logged, never enforced).
 */
import type { AccountRecord } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { Reason, Verdict } from "../core/model/report.ts";
import type { Decision, DecisionSource } from "./decision.ts";
import type { OverrideBook, OverrideState } from "./overrides.ts";
import { evaluatePolicy, type CompiledPolicy, type RuleAction } from "./policy.ts";
import type { BucketSpec, TokenBuckets } from "./token-buckets.ts";

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { benign: 0, suspicious: 1, extraction: 2 };
// A benign mark holds until the score rises this much above the score an analyst judged a false positive.
const BENIGN_MARGIN = 0.1;

/** Everything a decision reads besides the assessment. */
export interface DecideInputs {
  readonly overrides: OverrideBook;
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  readonly policy: CompiledPolicy;
  readonly mode: "shadow" | "enforce";
  readonly verificationUrl: string;
  readonly buckets: TokenBuckets;
}

/** An account the engine has never seen: benign, no evidence. */
export function emptyAssessment(accountId: string): Assessment {
  return { accountId, verdict: "benign", score: 0, campaignId: null, campaignScore: 0, ownScore: 0, ownVerdict: "benign", reasons: [], exchanges: 0, flaggedAt: null, extractionAt: null };
}

/**
 * The fields every decision shares, from the assessment it was taken from, as one object literal; the
 * action's own fields are added with `Object.assign`. Not `{ ...base, action }`: in Node 20's V8 an object
 * literal that starts with a spread and adds members gets a hidden class of its own, i.e. a new map and
 * descriptor array in the old generation for every request (docs/gateway-performance.md, session 6); eslint forbids it.
 */
export function decisionHead(a: Assessment, source: DecisionSource, rule: string | null, reasons: readonly Reason[], shadow: boolean) {
  return {
    accountId: a.accountId,
    source,
    rule,
    reasons,
    verdict: a.verdict,
    score: a.score,
    campaignId: a.campaignId,
    campaignScore: a.campaignScore,
    shadow,
    failedOpen: false,
  };
}

function override(a: Assessment, o: OverrideState, action: "allow" | "block"): Decision {
  const why: Reason = { code: `override_${action}`, weight: 1, detail: `${o.target} ${o.id} set to ${action} by ${o.updatedBy} at ${o.updatedAt}${o.note ? ` (${o.note})` : ""}` };
  return Object.assign(decisionHead(a, "override", `override:${o.target}:${action}`, [why, ...a.reasons], false), { action });
}

/**
 * The decision for one request from the account's assessment: account override allow/block, campaign
 * override allow/block, allowlist (account, org), benign marks, then the first matching policy rule (no
 * match: allow). `spend`: take throttle tokens (an exchange) or only look (any other request).
 */
export function decide(x: DecideInputs, assessment: Assessment, orgId: string | null, endpoint: string, t: number, spend: boolean): Decision {
const { overrides, policy } = x;
  let a = assessment;
  const ao = overrides.get("account", a.accountId);
  const co = a.campaignId !== null ? overrides.get("campaign", a.campaignId) : undefined;
  if (ao?.status === "allow" || ao?.status === "block") return override(a, ao, ao.status);
  if (co?.status === "allow" || co?.status === "block") return override(a, co, co.status);
  const rec = x.accounts.get(a.accountId);
  const org = orgId ?? rec?.org_id ?? null;
  if (policy.allowAccounts.has(a.accountId) || (org !== null && policy.allowOrgs.has(org))) {
    const why: Reason = { code: "allowlisted", weight: 1, detail: policy.allowAccounts.has(a.accountId) ? "account is on the policy allowlist" : `organisation ${org} is on the policy allowlist` };
    return Object.assign(decisionHead(a, "allowlist", "allowlist", [why, ...a.reasons], false), { action: "allow" as const });
  }
  if (ao?.status === "benign" && ao.benignAt && !(VERDICT_RANK[a.verdict] > VERDICT_RANK[ao.benignAt.verdict] || a.score > ao.benignAt.score + BENIGN_MARGIN)) {
    const why: Reason = { code: "override_benign", weight: 1, detail: `marked benign by ${ao.updatedBy} at ${ao.updatedAt}; evidence has not grown since` };
    return Object.assign(decisionHead(a, "override", "override:account:benign", [why, ...a.reasons], false), { action: "allow" as const });
  }
  if (co?.status === "benign" && co.benignAt && a.campaignScore <= co.benignAt.score + BENIGN_MARGIN) {
    // The campaign is a false positive: the account is judged on its own behaviour, without the campaign's lift.
    a = Object.assign({}, a, { campaignId: null, campaignScore: 0, score: a.ownScore, verdict: a.ownVerdict, reasons: a.reasons.filter((r) => r.code !== "campaign_member") });
  }
  const verified = (rec?.verified ?? false) || (ao?.verified ?? false);
  const match = evaluatePolicy(policy, { assessment: a, tier: rec?.tier ?? null, verified, endpoint });
  if (match === null) return Object.assign(decisionHead(a, "default", null, a.reasons, false), { action: "allow" as const });
  const shadow = x.mode === "shadow" || match.shadow;
  const detail = `policy rule "${match.name}" matched: verdict ${a.verdict}, score ${a.score.toFixed(2)}${a.campaignId ? `, campaign ${a.campaignId} at ${a.campaignScore.toFixed(2)}` : ""}${shadow ? " (shadow: not enforced)" : ""}`;
  return act(x, decisionHead(a, "policy", match.name, [{ code: `rule:${match.name}`, weight: 1, detail }, ...a.reasons], shadow), match.action, a, t, spend);
}

function act(x: DecideInputs, b: ReturnType<typeof decisionHead>, action: RuleAction, a: Assessment, t: number, spend: boolean): Decision {
  switch (action.type) {
    case "allow":
    case "block":
      return Object.assign(b, { action: action.type });
    case "challenge":
      return Object.assign(b, { action: "challenge" as const, verificationUrl: x.verificationUrl });
    case "degrade":
      return Object.assign(b, { action: "degrade" as const, caps: action.caps });
    case "throttle": {
      const wants: Array<{ key: string; spec: BucketSpec }> = [];
      if (action.account) wants.push({ key: `a:${a.accountId}`, spec: action.account });
      if (action.campaign && a.campaignId !== null) wants.push({ key: `c:${a.campaignId}`, spec: action.campaign });
      const r = spend ? x.buckets.takeAll(wants, t) : null;
      if (r === null || r.ok) return Object.assign(b, { action: "throttle" as const, limited: false, retryAfterS: 0, scope: null });
      return Object.assign(b, { action: "throttle" as const, limited: true, retryAfterS: r.retryAfterS, scope: r.key.startsWith("c:") ? ("campaign" as const) : ("account" as const) });
    }
  }
}
