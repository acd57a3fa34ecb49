/**
 * The live half of detection: turns the account's assessment, the operator's overrides, the allowlists
 * and the policy into a `Decision`, and feeds each exchange to the engine.
 *
 * Off the critical path: an account the engine already knows (at least `syncObserveBelow` exchanges) is
 * decided from `engine.assess` (read-only: what was known before this request, so causal), the request
 * is forwarded at once, and the exchange is fed to the engine afterwards in a batch (`DeferredFeed`).
 * A new account is observed synchronously before its decision, so the engine's fast path can attach it
 * to a known campaign on its first exchanges and the campaign's action applies at once.
 *
 * Order of precedence (most specific first): account override allow/block, campaign override
 * allow/block, allowlist (account, org), benign marks, then the first matching policy rule.
 * Overrides are an operator's explicit word and are enforced even in shadow mode; everything the
 * policy decides is shadowed in shadow mode (decided, logged, never enforced).
 *
 * If the engine throws, the request passes: the decision says `failedOpen`, and a counter goes up.
 * Decision changes, campaign memberships and the engine's view are written through to the state store.
 */
import type { StateStore } from "../stores/state-store.ts";
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { Reason, Verdict } from "../core/model/report.ts";
import type { DetectionPort } from "./detection-port.ts";
import type { Decision, DecisionSource } from "./decision.ts";
import type { Metrics } from "./metrics.ts";
import type { OverrideBook, OverrideState } from "./overrides.ts";
import { evaluatePolicy, type CompiledPolicy, type RuleAction } from "./policy.ts";
import { TokenBuckets, type BucketSpec } from "./token-buckets.ts";
import { DeferredFeed } from "./deferred-feed.ts";
import { AssessmentCache } from "./assessment-cache.ts";

export const DECISIONS_NS = "decisions";
export const CAMPAIGNS_NS = "campaigns";
export const CAMPAIGN_MEMBERS_NS = "campaign_members";
export const BUCKETS_NS = "buckets";

/** What is kept per account as its standing decision (written when it changes). */
export interface StoredDecision {
  readonly accountId: string;
  readonly action: Decision["action"];
  readonly source: DecisionSource;
  readonly rule: string | null;
  readonly shadow: boolean;
  readonly failedOpen: boolean;
  readonly verdict: Verdict;
  readonly score: number;
  readonly campaignId: string | null;
  readonly campaignScore: number;
  readonly reasons: readonly Reason[];
  /** When this decision first applied (RFC 3339, request arrival time). */
  readonly since: string;
}

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { benign: 0, suspicious: 1, extraction: 2 };
// A benign mark holds until the score rises this much above the score an analyst judged a false positive.
const BENIGN_MARGIN = 0.1;

function emptyAssessment(accountId: string): Assessment {
  return { accountId, verdict: "benign", score: 0, campaignId: null, campaignScore: 0, reasons: [], exchanges: 0, flaggedAt: null, extractionAt: null };
}

export interface LiveDetectorDeps {
  readonly detection: DetectionPort;
  readonly store: StateStore;
  readonly metrics: Metrics;
  readonly overrides: OverrideBook;
  readonly policy: CompiledPolicy;
  readonly mode: "shadow" | "enforce";
  readonly verificationUrl: string;
  /** Known accounts (contract §2), for tier and verification. */
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  /** Called with every decision (e.g. to append a decisions JSONL). */
  readonly onDecision?: (d: Decision, t: number, requestId: string | undefined) => void;
  /**
   * Accounts with fewer exchanges than this (per `assess`) are observed before their decision; others are
   * decided from `assess` and fed afterwards. Default 5, the engine's fast-path window for new accounts;
   * `Infinity` observes every exchange before deciding (the slow, fully synchronous path).
   */
  readonly syncObserveBelow?: number;
  /**
   * The engine's event-time clock and campaign-run grid, to keep assessments between an account's exchanges
   * (see `AssessmentCache`). Without it every request calls `assess`.
   */
  readonly engineClock?: { readonly now: () => number; readonly runEveryMs: number };
}

/** See `LiveDetectorDeps.syncObserveBelow`. */
export const DEFAULT_SYNC_OBSERVE_BELOW = 5;

/** See the module comment. One instance per gateway; not thread-shared (Node is single-threaded). */
export class LiveDetector {
  policy: CompiledPolicy;
  readonly buckets = new TokenBuckets();
  private readonly latest = new Map<string, Assessment>();
  private readonly standing = new Map<string, StoredDecision>();
  private readonly campaignScore = new Map<string, number>();
  private readonly members = new Set<string>();
  private readonly feed: DeferredFeed;
  private readonly syncBelow: number;
  private readonly cache: AssessmentCache;

  constructor(private readonly deps: LiveDetectorDeps) {
    this.policy = deps.policy;
    this.syncBelow = deps.syncObserveBelow ?? DEFAULT_SYNC_OBSERVE_BELOW;
    this.cache = new AssessmentCache(deps.engineClock?.now ?? null, deps.engineClock?.runEveryMs ?? 1);
    this.feed = new DeferredFeed({
      detection: deps.detection,
      metrics: deps.metrics,
      onAssessment: (a, t) => {
        this.latest.set(a.accountId, a);
        this.trackCampaign(a, t);
        this.cache.fromObserve(a);
      },
    });
    for (const [k, v] of deps.store.list<StoredDecision>(DECISIONS_NS)) this.standing.set(k, v);
    for (const [k] of deps.store.list(CAMPAIGN_MEMBERS_NS)) this.members.add(k);
    for (const [k, v] of deps.store.list<{ score: number }>(CAMPAIGNS_NS)) this.campaignScore.set(k, v.score);
    this.buckets.restore(deps.store.get(BUCKETS_NS, "all"));
  }

  /** Records an assessment computed outside the live path (start-up replay). */
  remember(a: Assessment): void {
    this.latest.set(a.accountId, a);
  }

  /** The account's record changed in the engine (`upsertAccount`): its next decision asks the engine again. */
  forget(accountId: string): void {
    this.cache.forget(accountId);
  }

  /** Latest assessment of every account seen (replayed or live). */
  assessments(): IterableIterator<Assessment> {
    return this.latest.values();
  }

  /** The account's standing decision (last one that changed), if any. */
  standingDecision(accountId: string): StoredDecision | undefined {
    return this.standing.get(accountId);
  }

  standingDecisions(): IterableIterator<StoredDecision> {
    return this.standing.values();
  }

  /**
   * Decides one exchange and feeds it to the engine: before the decision for a new account, after it
   * (deferred) for a known one. Never throws: engine errors fail open.
   */
  observe(ev: TimedEvent, orgId: string | null, requestId?: string): Decision {
    const { detection, metrics } = this.deps;
    const id = ev.event.account_id;
    let a: Assessment;
    let partial = false;
    const hit = this.cache.get(id);
    if (hit !== undefined && !(hit.partial && this.policy.readsReasons)) {
      a = hit.a;
      partial = hit.partial;
    } else {
      try {
        a = detection.assess(id);
      } catch (e: unknown) {
        this.feed.push(ev);
        return this.failOpen(id, ev.t, e, requestId);
      }
      this.cache.fromAssess(a);
    }
    if (a.exchanges < this.syncBelow) {
      // Earlier exchanges still queued go first: the engine sees every exchange in arrival order.
      this.feed.flush();
      const t0 = performance.now();
      try {
        a = detection.observe(ev);
      } catch (e: unknown) {
        return this.failOpen(ev.event.account_id, ev.t, e, requestId);
      }
      metrics.observeSeconds.add((performance.now() - t0) / 1000);
      this.latest.set(a.accountId, a);
      this.trackCampaign(a, ev.t);
      this.cache.fromObserve(a);
      // Reasons left out by the engine are fetched only if the policy or the decision's record reads them.
      const partialNow = a.reasons.length === 0;
      if (partialNow && this.policy.readsReasons) a = this.fullAssessment(a);
      return this.finish(this.decide(a, orgId, ev.event.endpoint ?? "", ev.t, true), ev.t, requestId, partialNow && !this.policy.readsReasons);
    }
    this.trackCampaign(a, ev.t);
    const d = this.finish(this.decide(a, orgId, ev.event.endpoint ?? "", ev.t, true), ev.t, requestId, partial);
    this.feed.push(ev);
    return d;
  }

  /** The engine's full assessment (reasons included) of an account whose cached one left them out; `a` itself if that fails. */
  private fullAssessment(a: Assessment): Assessment {
    try {
      const full = this.deps.detection.assess(a.accountId);
      this.cache.fromAssess(full);
      return full;
    } catch {
      return a;
    }
  }

  /** Feeds every deferred exchange to the engine now (before a campaign run, at shutdown). */
  flush(): void {
    this.feed.flush();
  }

  /** Exchanges decided but not yet fed to the engine. */
  get pending(): number {
    return this.feed.size;
  }

  /**
   * Decides a request that is not an exchange (count_tokens, models, …) from the current state,
   * without feeding the engine or spending throttle tokens.
   */
  current(accountId: string, orgId: string | null, endpoint: string, t: number): Decision {
    let a: Assessment;
    try {
      a = this.latest.get(accountId) ?? this.deps.detection.assess(accountId);
    } catch (e: unknown) {
      return this.failOpen(accountId, t, e, undefined);
    }
    return this.decide(a, orgId, endpoint, t, false);
  }

  /** Saves bucket state (called on shutdown and periodically). */
  persistBuckets(): void {
    this.put(BUCKETS_NS, "all", this.buckets.snapshot());
  }

  private failOpen(accountId: string, t: number, e: unknown, requestId: string | undefined): Decision {
    this.deps.metrics.inc("moat_fail_open_total");
    const detail = `detection failed, request let through: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300);
    const d: Decision = {
      ...this.base(emptyAssessment(accountId), "fail-open", null, [{ code: "engine_error", weight: 0, detail }]),
      action: "allow",
      shadow: false,
      failedOpen: true,
    };
    return this.finish(d, t, requestId);
  }

  private base(a: Assessment, source: DecisionSource, rule: string | null, reasons: readonly Reason[]) {
    return {
      accountId: a.accountId,
      source,
      rule,
      reasons,
      verdict: a.verdict,
      score: a.score,
      campaignId: a.campaignId,
      campaignScore: a.campaignScore,
      failedOpen: false,
    };
  }

  private override(a: Assessment, o: OverrideState, action: "allow" | "block"): Decision {
    const why: Reason = { code: `override_${action}`, weight: 1, detail: `${o.target} ${o.id} set to ${action} by ${o.updatedBy} at ${o.updatedAt}${o.note ? ` (${o.note})` : ""}` };
    return { ...this.base(a, "override", `override:${o.target}:${action}`, [why, ...a.reasons]), action, shadow: false };
  }

  private decide(assessment: Assessment, orgId: string | null, endpoint: string, t: number, spend: boolean): Decision {
    const { overrides } = this.deps;
    let a = assessment;
    const ao = overrides.get("account", a.accountId);
    const co = a.campaignId !== null ? overrides.get("campaign", a.campaignId) : undefined;
    if (ao?.status === "allow" || ao?.status === "block") return this.override(a, ao, ao.status);
    if (co?.status === "allow" || co?.status === "block") return this.override(a, co, co.status);
    const rec = this.deps.accounts.get(a.accountId);
    const org = orgId ?? rec?.org_id ?? null;
    if (this.policy.allowAccounts.has(a.accountId) || (org !== null && this.policy.allowOrgs.has(org))) {
      const why: Reason = { code: "allowlisted", weight: 1, detail: this.policy.allowAccounts.has(a.accountId) ? "account is on the policy allowlist" : `organisation ${org} is on the policy allowlist` };
      return { ...this.base(a, "allowlist", "allowlist", [why, ...a.reasons]), action: "allow", shadow: false };
    }
    if (ao?.status === "benign" && ao.benignAt && !(VERDICT_RANK[a.verdict] > VERDICT_RANK[ao.benignAt.verdict] || a.score > ao.benignAt.score + BENIGN_MARGIN)) {
      const why: Reason = { code: "override_benign", weight: 1, detail: `marked benign by ${ao.updatedBy} at ${ao.updatedAt}; evidence has not grown since` };
      return { ...this.base(a, "override", "override:account:benign", [why, ...a.reasons]), action: "allow", shadow: false };
    }
    if (co?.status === "benign" && co.benignAt && a.campaignScore <= co.benignAt.score + BENIGN_MARGIN) {
      a = { ...a, campaignId: null, campaignScore: 0 };
    }
    const verified = (rec?.verified ?? false) || (ao?.verified ?? false);
    const match = evaluatePolicy(this.policy, { assessment: a, tier: rec?.tier ?? null, verified, endpoint });
    if (match === null) return { ...this.base(a, "default", null, a.reasons), action: "allow", shadow: false };
    const shadow = this.deps.mode === "shadow" || match.shadow;
    const detail = `policy rule "${match.name}" matched: verdict ${a.verdict}, score ${a.score.toFixed(2)}${a.campaignId ? `, campaign ${a.campaignId} at ${a.campaignScore.toFixed(2)}` : ""}${shadow ? " (shadow: not enforced)" : ""}`;
    const b = { ...this.base(a, "policy", match.name, [{ code: `rule:${match.name}`, weight: 1, detail }, ...a.reasons]), shadow };
    return this.act(b, match.action, a, t, spend);
  }

  private act(b: Omit<Decision, "action">, action: RuleAction, a: Assessment, t: number, spend: boolean): Decision {
    switch (action.type) {
      case "allow":
      case "block":
        return { ...b, action: action.type };
      case "challenge":
        return { ...b, action: "challenge", verificationUrl: this.deps.verificationUrl };
      case "degrade":
        return { ...b, action: "degrade", caps: action.caps };
      case "throttle": {
        const wants: Array<{ key: string; spec: BucketSpec }> = [];
        if (action.account) wants.push({ key: `a:${a.accountId}`, spec: action.account });
        if (action.campaign && a.campaignId !== null) wants.push({ key: `c:${a.campaignId}`, spec: action.campaign });
        if (!spend) return { ...b, action: "throttle", limited: false, retryAfterS: 0, scope: null };
        const r = this.buckets.takeAll(wants, t);
        if (r.ok) return { ...b, action: "throttle", limited: false, retryAfterS: 0, scope: null };
        return { ...b, action: "throttle", limited: true, retryAfterS: r.retryAfterS, scope: r.key.startsWith("c:") ? "campaign" : "account" };
      }
    }
  }

  /**
   * Counts the decision, persists it when the account's standing decision changes, hands it to the sink.
   * `partial`: the decision was taken from an assessment whose reasons the engine left out; they are
   * fetched and appended (where `decide` puts them) before the decision is stored or logged.
   */
  private finish(decision: Decision, t: number, requestId: string | undefined, partial = false): Decision {
    let d = decision;
    const enforced = !d.shadow;
    this.deps.metrics.inc("moat_decisions_total", { action: d.action, enforced: String(enforced) });
    const prev = this.standing.get(d.accountId);
    const changed = !prev || prev.action !== d.action || prev.rule !== d.rule || prev.shadow !== d.shadow || prev.campaignId !== d.campaignId;
    if (partial && (changed || this.deps.onDecision !== undefined)) {
        const full = this.fullAssessment(emptyAssessment(d.accountId));
      if (full.reasons.length > 0) d = { ...d, reasons: [...d.reasons, ...full.reasons] };
    }
    if (changed) {
      const s: StoredDecision = {
        accountId: d.accountId,
        action: d.action,
        source: d.source,
        rule: d.rule,
        shadow: d.shadow,
        failedOpen: d.failedOpen,
        verdict: d.verdict,
        score: d.score,
        campaignId: d.campaignId,
        campaignScore: d.campaignScore,
        reasons: d.reasons.slice(0, 6),
        since: new Date(t).toISOString(),
      };
      this.standing.set(d.accountId, s);
      this.put(DECISIONS_NS, d.accountId, s);
    }
    this.deps.onDecision?.(d, t, requestId);
    return d;
  }

  private trackCampaign(a: Assessment, t: number): void {
    if (a.campaignId === null) return;
    const mk = `${a.campaignId}:${a.accountId}`;
    if (!this.members.has(mk)) {
      this.members.add(mk);
      // Members' reasons name the campaign's size: what was cached for them is out of date.
      this.cache.forgetCampaign(a.campaignId);
      this.put(CAMPAIGN_MEMBERS_NS, mk, { campaignId: a.campaignId, accountId: a.accountId, at: new Date(t).toISOString(), score: a.campaignScore });
    }
    const last = this.campaignScore.get(a.campaignId);
    if (last === undefined || Math.abs(last - a.campaignScore) >= 0.05) {
      this.campaignScore.set(a.campaignId, a.campaignScore);
      this.put(CAMPAIGNS_NS, a.campaignId, { campaignId: a.campaignId, score: a.campaignScore, updatedAt: new Date(t).toISOString() });
    }
  }

  private put(ns: string, key: string, value: unknown): void {
    try {
      this.deps.store.put(ns, key, value);
    } catch {
      this.deps.metrics.inc("moat_store_errors_total");
    }
  }
}
