/**
 * The live half of detection: turns the account's assessment, the operator's overrides, the allowlists
 * and the policy into a `Decision`, and feeds each exchange to the engine.
 *
 * Off the critical path: an account the engine already knows (at least `syncObserveBelow` exchanges) is
 * decided from the engine's assessment (what was known before this request, so causal: `engine.assess`,
 * or the same answer kept since the account's last exchange, see `AssessmentCache`), the request is
 * forwarded at once, and the exchange is fed to the engine afterwards in a batch (`DeferredFeed`).
 * A new account is observed synchronously before its decision, so the engine's fast path can attach it
 * to a known campaign on its first exchanges and the campaign's action applies at once.
 *
 * Order of precedence and shadow mode: see `decide` (decide.ts).
 *
 * If the engine throws, the request passes: the decision says `failedOpen`, and a counter goes up.
 * Decision changes, campaign memberships and the engine's view are written through to the state store.
 */
import type { StateStore } from "../stores/state-store.ts";
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { Reason, Verdict } from "../core/model/report.ts";
import type { Decision, DecisionSource } from "./decision.ts";
import type { Metrics } from "./metrics.ts";
import type { OverrideBook } from "./overrides.ts";
import type { CompiledPolicy } from "./policy.ts";
import { TokenBuckets } from "./token-buckets.ts";
import { DeferredFeed } from "./deferred-feed.ts";
import { MAX_BACKLOG, SlicedRuns } from "./sliced-runs.ts";
import type { LiveDetection } from "./timed-detection.ts";
import { AssessmentCache } from "./assessment-cache.ts";
import { decide, decisionHead, emptyAssessment, type DecideInputs } from "./decide.ts";

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


export interface LiveDetectorDeps {
  /** The engine; with `runDue`/`runSteps`, its campaign runs are stepped across event-loop turns (sliced-runs.ts). */
  readonly detection: LiveDetection;
  readonly store: StateStore;
  readonly metrics: Metrics;
  readonly overrides: OverrideBook;
  readonly policy: CompiledPolicy;
  readonly mode: "shadow" | "enforce";
  readonly verificationUrl: string;
  /** Known accounts (contract §2), for tier and verification. */
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  /**
   * Called with every decision (e.g. to append a decisions JSONL). `passThrough`: the path of a request that is
   * not an exchange (`/v1/models`, `count_tokens`), decided from the account's standing but not counted as one.
   */
  readonly onDecision?: (d: Decision, t: number, requestId: string | undefined, passThrough?: string) => void;
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
  /** Engine time a stepped campaign run takes per event-loop turn (default ~1 ms; 0: one step a turn, for tests). */
  readonly runSliceMs?: number;
}

/** See `LiveDetectorDeps.syncObserveBelow`. */
export const DEFAULT_SYNC_OBSERVE_BELOW = 5;

/** See the module comment. One instance per gateway; not thread-shared (Node is single-threaded). */
export class LiveDetector {
  readonly buckets = new TokenBuckets();
  /** What `decide` reads besides the assessment (rebuilt when the policy is replaced). */
  private decideInputs: DecideInputs;
  private readonly latest = new Map<string, Assessment>();
  private readonly standing = new Map<string, StoredDecision>();
  private readonly campaignScore = new Map<string, number>();
  private readonly members = new Set<string>();
  private readonly feed: DeferredFeed;
  private readonly syncBelow: number;
  private readonly cache: AssessmentCache;
  private readonly runs: SlicedRuns;

  constructor(private readonly deps: LiveDetectorDeps) {
    const { overrides, accounts, mode, verificationUrl, policy } = deps;
    this.decideInputs = { overrides, accounts, policy, mode, verificationUrl, buckets: this.buckets };
    this.syncBelow = deps.syncObserveBelow ?? DEFAULT_SYNC_OBSERVE_BELOW;
    this.cache = new AssessmentCache(deps.engineClock?.now ?? null, deps.engineClock?.runEveryMs ?? 1);
    // A stepped run changes campaigns at its last step: what was cached meanwhile (from the state before it) goes.
    this.runs = new SlicedRuns(
      deps.detection,
      deps.metrics,
      () => {
        this.cache.clear();
        this.feed.resume();
      },
      deps.runSliceMs,
    );
    this.feed = new DeferredFeed({
      detection: deps.detection,
      metrics: deps.metrics,
      onAssessment: (a, t) => {
        this.latest.set(a.accountId, a);
        this.trackCampaign(a, t);
        this.cache.fromObserve(a);
      },
      mayFeed: (t, backlog) => this.runs.ready(t, backlog),
      busy: (backlog) => this.runs.running && backlog <= MAX_BACKLOG,
      beforeFlush: () => this.runs.finish(),
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

  /**
   * Forgets accounts the engine last saw more than `idleMs` ago (event time) and holds on to for nothing
   * (`Engine.forgetIdle`), with their cached and latest assessments. Exchanges still queued are fed first, so an
   * account that just came back is not forgotten. `budget` bounds the accounts looked at (see `Engine.forgetIdle`).
   * Returns the ids (the gateway hands their records back).
   */
  forgetIdle(idleMs: number, budget?: number): readonly string[] {
    const { detection } = this.deps;
    if (!detection.forgetIdle || !detection.now) return [];
    // Not during a campaign run, nor with exchanges waiting for one: tried again on the next call.
    this.feed.feedReady();
    if (this.runs.running || this.feed.size > 0) return [];
    const ids = detection.forgetIdle(detection.now() - idleMs, budget);
    for (const id of ids) {
      this.cache.forget(id);
      this.latest.delete(id);
      // Its standing decision goes too when it only says "allow" (every account's first decision is kept): one
      // that says more (a throttle, a rule on it) stays, in memory and in the store.
      if (this.standing.get(id)?.action === "allow") {
        this.standing.delete(id);
        try {
          this.deps.store.delete(DECISIONS_NS, id);
        } catch {
          this.deps.metrics.inc("moat_store_errors_total");
        }
      }
    }
    return ids;
  }

  /** Accounts with a latest assessment (what `assessments()` lists), without walking them. */
  get accountsHeld(): number {
    return this.latest.size;
  }

  /** Latest assessment of every account the engine holds (replayed or live). */
  assessments(): IterableIterator<Assessment> {
    return this.latest.values();
  }

  /** Whether the accounts file or a configured key names the account (it may not have sent anything yet). */
  knowsAccount(accountId: string): boolean {
    return this.deps.accounts.has(accountId);
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
        return this.failOpen(id, orgId, ev.event.endpoint ?? "", ev.t, e, requestId);
      }
      this.cache.fromAssess(a);
    }
    let now: Assessment | null = null;
    if (a.exchanges < this.syncBelow) {
      // Earlier exchanges still queued go first (timed as deferred feeding, not as this observe).
      this.feed.feedReady();
      const t0 = performance.now();
      try {
        now = this.observeNow(ev);
      } catch (e: unknown) {
        return this.failOpen(ev.event.account_id, orgId, ev.event.endpoint ?? "", ev.t, e, requestId);
      }
      if (now === null) {
        // Held by a campaign run: decided from what the engine knows now (the queue fed as far as it could be),
        // and queued below.
        try {
          a = detection.assess(id);
          partial = false;
        } catch (e: unknown) {
          this.feed.push(ev);
          return this.failOpen(id, orgId, ev.event.endpoint ?? "", ev.t, e, requestId);
        }
      } else metrics.observeSeconds.add((performance.now() - t0) / 1000);
    }
    if (now !== null) {
      a = now;
      this.latest.set(a.accountId, a);
      this.trackCampaign(a, ev.t);
      this.cache.fromObserve(a);
      // Reasons left out by the engine are fetched only if the policy or the decision's record reads them.
      const partialNow = a.reasons.length === 0;
      if (partialNow && this.policy.readsReasons) a = this.fullAssessment(a);
      return this.finish(decide(this.inputs(), a, orgId, ev.event.endpoint ?? "", ev.t, true), ev.t, requestId, partialNow && !this.policy.readsReasons);
    }
    this.trackCampaign(a, ev.t);
    // Decided afresh each time (about 1 µs): a decision kept per account until its next request would outlive
    // young-generation GCs and be copied and promoted by each one (measured: a third of what survived them).
    const d = this.finish(decide(this.inputs(), a, orgId, ev.event.endpoint ?? "", ev.t, true), ev.t, requestId, partial);
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

  /** Feeds every deferred exchange to the engine now, a campaign run under way or due included (shutdown, tests). */
  flush(): void {
    this.feed.flush();
  }

  /**
   * Observes a new account's exchange before its decision, once the queue is fed (`feedReady`); null when
   * exchanges still wait or a campaign run is under way or due (the caller queues the exchange then). Analysed
   * first where the engine splits `observe`: one that fails analysis never enters the engine, so it must not
   * start a run either (as in a replay). Throws what the engine throws.
   */
  private observeNow(ev: TimedEvent): Assessment | null {
    const { detection } = this.deps;
    const { analyse, observeAnalysed } = detection;
    if (this.feed.size > 0 || this.runs.running) return null;
    if (analyse === undefined || observeAnalysed === undefined) return this.runs.ready(ev.t) ? detection.observe(ev) : null;
    const f = analyse.call(detection, ev);
    return this.runs.ready(f.t) ? observeAnalysed.call(detection, f) : null;
  }

  /**
   * The periodic tick without traffic: feeds what may be fed and moves the engine's clock to `t` (wall time), so
   * campaign runs still happen on their grid; a run due then is stepped across turns.
   */
  tick(t: number): void {
    this.feed.feedReady();
    if (this.feed.size === 0 && this.runs.ready(t)) this.deps.detection.advance?.(t);
  }

  /** Exchanges decided but not yet fed to the engine. */
  get pending(): number {
    return this.feed.size;
  }

  /**
   * Decides a request that is not an exchange (count_tokens, models, …) from the current state,
   * without feeding the engine or spending throttle tokens.
   */
  private current(accountId: string, orgId: string | null, endpoint: string, t: number): Decision {
    let a: Assessment;
    try {
      a = this.latest.get(accountId) ?? this.deps.detection.assess(accountId);
    } catch (e: unknown) {
      // Not an exchange: nothing is counted as a decision, stored or logged here (`passThrough` logs it).
      return this.failOpenDecision(accountId, orgId, endpoint, t, e);
    }
    return decide(this.inputs(), a, orgId, endpoint, t, false);
  }

  /** `current` for a pass-through request (not an exchange), handed to the decision sink with its path. */
  passThrough(accountId: string, orgId: string | null, path: string, t: number, requestId: string): Decision {
    const d = this.current(accountId, orgId, path, t);
    this.deps.onDecision?.(d, t, requestId, path);
    return d;
  }

  /** The policy decisions are taken with; replaced on reload. */
  get policy(): CompiledPolicy {
    return this.decideInputs.policy;
  }

  set policy(p: CompiledPolicy) {
    this.decideInputs = Object.assign({}, this.decideInputs, { policy: p });
  }

  private inputs(): DecideInputs {
    return this.decideInputs;
  }

  /** Saves bucket state (called on shutdown and periodically). */
  persistBuckets(): void {
    this.put(BUCKETS_NS, "all", this.buckets.snapshot());
  }

  /** The decision of an exchange whose detection failed (`failOpenDecision`), counted, stored and logged. */
  private failOpen(accountId: string, orgId: string | null, endpoint: string, t: number, e: unknown, requestId: string | undefined): Decision {
    return this.finish(this.failOpenDecision(accountId, orgId, endpoint, t, e), t, requestId);
  }

  /** What a request gets when detection failed: let through, unless the operator blocked its account. Counts the failure. */
  private failOpenDecision(accountId: string, orgId: string | null, endpoint: string, t: number, e: unknown): Decision {
    this.deps.metrics.inc("moat_fail_open_total");
    // Detection failed, the operator did not: an account they blocked stays blocked (decided without the engine).
    const op = decide(this.inputs(), emptyAssessment(accountId), orgId, endpoint, t, false);
    if (op.source === "override" && op.action === "block") return op;
    const detail = `detection failed, request let through: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300);
    return Object.assign(decisionHead(emptyAssessment(accountId), "fail-open", null, [{ code: "engine_error", weight: 0, detail }], false), {
      action: "allow" as const,
      failedOpen: true,
    });
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
      if (full.reasons.length > 0) d = Object.assign({}, d, { reasons: [...d.reasons, ...full.reasons] });
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
