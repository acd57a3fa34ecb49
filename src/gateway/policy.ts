/**
 * The enforcement policy: ordered rules mapping what the engine says about an account (verdict, scores,
 * campaign, reason codes) and what we know about it (tier, verified) to an action. Validated once at start
 * (path-aware errors), compiled into plain matchers, then evaluated per request in a few comparisons.
 * Pure: no clock, no I/O. Buckets, overrides and shadow mode are applied by the caller (`live-detector.ts`).
 *
 * @example
 * ```yaml
 * allowlist: { accounts: [acct_ci], orgs: [org_partner] }
 * rules:
 *   - name: block-campaign
 *     when: { verdict: [extraction], minCampaignScore: 0.8 }
 *     action: block
 *   - name: challenge-suspicious
 *     when: { verdict: [suspicious], verified: false }
 *     action: challenge
 * ```
 */
import { z } from "zod";
import type { Verdict } from "../core/model/report.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { DegradeCaps } from "./decision.ts";
import { formatIssues } from "./zod-issues.ts";

const unit = z.number().min(0).max(1);
const Bucket = z.strictObject({
  /** Sustained requests per minute. */
  perMinute: z.number().positive(),
  /** Requests allowed at once before the rate applies. */
  burst: z.number().int().min(1),
});

const When = z
  .strictObject({
    verdict: z.array(z.enum(["extraction", "suspicious", "benign"])).min(1).optional(),
    minScore: unit.optional(),
    maxScore: unit.optional(),
    minCampaignScore: unit.optional(),
    inCampaign: z.boolean().optional(),
    /** Matches when the account has at least one of these reason codes. */
    reasons: z.array(z.string().min(1)).min(1).optional(),
    tier: z.array(z.string().min(1)).min(1).optional(),
    verified: z.boolean().optional(),
    endpoint: z.array(z.string().min(1)).min(1).optional(),
  })
  .default({});

const Action = z.union([
  z.enum(["allow", "block", "challenge"]).transform((type) => ({ type })),
  z.strictObject({ type: z.enum(["allow", "block", "challenge"]) }),
  z
    .strictObject({ type: z.literal("throttle"), account: Bucket.optional(), campaign: Bucket.optional() })
    .refine((a) => a.account !== undefined || a.campaign !== undefined, "a throttle needs `account` or `campaign` (or both)"),
  z.strictObject({
    type: z.literal("degrade"),
    maxTokens: z.number().int().min(1).optional(),
    thinkingBudget: z.number().int().min(0).optional(),
    reasoningEffort: z.enum(["minimal", "low", "medium", "high"]).optional(),
    dropReasoning: z.boolean().default(true),
    stripLogprobs: z.boolean().default(true),
  }),
], {
  error: "an action is allow, block or challenge, or an object: { type: throttle, account: { perMinute, burst } and/or campaign: {…} } or { type: degrade, maxTokens?, thinkingBudget?, reasoningEffort? }",
});

const Rule = z.strictObject({
  name: z.string().min(1),
  when: When,
  action: Action,
  /** Compute and log this rule's action but never enforce it, even in enforce mode. */
  shadow: z.boolean().default(false),
});

export const PolicySchema = z
  .strictObject({
    allowlist: z
      .strictObject({ accounts: z.array(z.string().min(1)).default([]), orgs: z.array(z.string().min(1)).default([]) })
      .default({ accounts: [], orgs: [] }),
    rules: z.array(Rule).default([]),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `duplicate rule name "${r.name}"` });
      seen.add(r.name);
      const w = r.when;
      if (w.minScore !== undefined && w.maxScore !== undefined && w.minScore > w.maxScore)
        ctx.addIssue({ code: "custom", path: ["rules", i, "when", "minScore"], message: "must be <= maxScore" });
    });
  });

export type PolicyInput = z.input<typeof PolicySchema>;
export type Policy = z.output<typeof PolicySchema>;

/** A policy file that does not validate. The message lists every problem with its path. */
export class PolicyError extends Error {
  readonly code = "POLICY_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

/** What a matched rule asks for (before buckets and shadow mode are applied). */
export type RuleAction =
  | { readonly type: "allow" | "block" | "challenge" }
  | {
      readonly type: "throttle";
      readonly account: { readonly perSecond: number; readonly burst: number } | null;
      readonly campaign: { readonly perSecond: number; readonly burst: number } | null;
    }
  | { readonly type: "degrade"; readonly caps: DegradeCaps };

interface CompiledRule {
  readonly name: string;
  readonly shadow: boolean;
  readonly action: RuleAction;
  readonly test: (x: PolicySubject) => boolean;
}

/** A validated policy compiled into matchers. Immutable; reload builds a new one. */
export interface CompiledPolicy {
  readonly source: Policy;
  readonly allowAccounts: ReadonlySet<string>;
  readonly allowOrgs: ReadonlySet<string>;
  readonly rules: readonly CompiledRule[];
  /** True when a rule matches on reason codes (`when.reasons`): decisions then need the engine's full reasons. */
  readonly readsReasons: boolean;
}

/** Everything a rule may look at. */
export interface PolicySubject {
  readonly assessment: Assessment;
  readonly tier: string | null;
  readonly verified: boolean;
  readonly endpoint: string;
}

/** Validates `input` (parsed YAML/JSON) and compiles it. Throws `PolicyError` naming each bad path under `root`. */
export function compilePolicy(input: unknown, root = "policy"): CompiledPolicy {
  // An empty or truncated file must not become "no rules" (everything allowed) on a reload: rules are explicit.
  if (typeof input !== "object" || input === null || !("rules" in input))
    throw new PolicyError(`${root}: no \`rules\` list (is the file empty?). Write the rules, or \`rules: []\` to allow everything.`);
  const r = PolicySchema.safeParse(input);
  if (!r.success) throw new PolicyError(formatIssues(root, r.error));
  const p = r.data;
  return {
    source: p,
    allowAccounts: new Set(p.allowlist.accounts),
    allowOrgs: new Set(p.allowlist.orgs),
    rules: p.rules.map((rule) => ({ name: rule.name, shadow: rule.shadow, action: compileAction(rule.action), test: compileWhen(rule.when) })),
    readsReasons: p.rules.some((rule) => rule.when.reasons !== undefined),
  };
}

function compileAction(a: z.output<typeof Action>): RuleAction {
  switch (a.type) {
    case "allow":
    case "block":
    case "challenge":
      return { type: a.type };
    case "throttle": {
      const b = (x: { perMinute: number; burst: number } | undefined) => (x ? { perSecond: x.perMinute / 60, burst: x.burst } : null);
      return { type: "throttle", account: b(a.account), campaign: b(a.campaign) };
    }
    case "degrade":
      return {
        type: "degrade",
        caps: {
          maxTokens: a.maxTokens ?? null,
          thinkingBudget: a.thinkingBudget ?? null,
          reasoningEffort: a.reasoningEffort ?? null,
          dropReasoning: a.dropReasoning,
          stripLogprobs: a.stripLogprobs,
        },
      };
  }
}

function compileWhen(w: z.output<typeof When>): (x: PolicySubject) => boolean {
  const tests: Array<(x: PolicySubject) => boolean> = [];
  if (w.verdict) {
    const set = new Set<Verdict>(w.verdict);
    tests.push((x) => set.has(x.assessment.verdict));
  }
  const { minScore, maxScore, minCampaignScore, inCampaign, verified } = w;
  if (minScore !== undefined) tests.push((x) => x.assessment.score >= minScore);
  if (maxScore !== undefined) tests.push((x) => x.assessment.score <= maxScore);
  if (minCampaignScore !== undefined) tests.push((x) => x.assessment.campaignId !== null && x.assessment.campaignScore >= minCampaignScore);
  if (inCampaign !== undefined) tests.push((x) => (x.assessment.campaignId !== null) === inCampaign);
  if (w.reasons) {
    const set = new Set(w.reasons);
    tests.push((x) => x.assessment.reasons.some((r) => set.has(r.code)));
  }
  if (w.tier) {
    const set = new Set(w.tier);
    tests.push((x) => x.tier !== null && set.has(x.tier));
  }
  if (verified !== undefined) tests.push((x) => x.verified === verified);
  if (w.endpoint) {
    const set = new Set(w.endpoint);
    tests.push((x) => set.has(x.endpoint));
  }
  return (x) => {
    for (const t of tests) if (!t(x)) return false;
    return true;
  };
}

/** The matched rule, or null when none matches (the default is allow). */
export interface RuleMatch {
  readonly name: string;
  readonly shadow: boolean;
  readonly action: RuleAction;
}

/**
 * First rule that matches wins. A `challenge` rule never matches a verified account: passing the
 * step-up is exactly what the challenge asked for, so it falls through to the next rule instead.
 */
export function evaluatePolicy(policy: CompiledPolicy, subject: PolicySubject): RuleMatch | null {
  for (const rule of policy.rules) {
    if (rule.action.type === "challenge" && subject.verified) continue;
    if (rule.test(subject)) return rule;
  }
  return null;
}
