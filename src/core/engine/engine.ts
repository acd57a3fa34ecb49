/**
 * The detection engine: one causal, streaming state machine in event time, shared by `moat scan` (replay)
 * and `moat serve` (live). Feed it exchanges in (roughly) time order; it keeps per-account sketches, groups
 * accounts by what they share, finds campaigns on a fixed grid of event time, and answers "what do we think
 * of this account now?" from state that only holds the past.
 *
 * @example
 * const engine = new Engine({ enricher: new MemoryEnricher() });
 * engine.upsertAccount({ account_id: "a1", created_at: "2026-04-22T00:00:00Z" });
 * const a = engine.observe({ t: Date.parse(ev.ts), event: ev });
 * if (a.verdict === "extraction") …
 */
import type { AccountRecord, TimedEvent } from "../model/traffic.ts";
import type { Reason, Verdict } from "../model/report.ts";
import { reason } from "../model/reasons.ts";
import type { Enricher } from "../ports/enricher.ts";
import type { Assessment, CampaignView } from "./types.ts";
import { resolveEngineConfig } from "./config.ts";
import type { EngineConfig, EngineConfigInput } from "./config.ts";
import { analyseRequest } from "../features/request-features.ts";
import type { RequestFeatures } from "../features/request-features.ts";
import type { ContentMemo } from "../features/content-cache.ts";
import { AccountState, StoreArena, accountFacts, settledFacts, withFacts } from "../account/account-state.ts";
import type { AccountFacts } from "../account/account-state.ts";
import { ownScore } from "../account/account-score.ts";
import type { OwnScore } from "../account/account-score.ts";
import { GroupIndex } from "../linking/group-index.ts";
import { CampaignFinder } from "../clustering/campaign-finder.ts";
import type { CampaignRecord } from "../clustering/campaign-finder.ts";

export interface EngineOptions {
  readonly enricher: Enricher;
  readonly config?: EngineConfigInput;
  /**
   * Remembers the content analysis of text seen before (`analyse`, `observe`): features are the same with
   * or without it. The gateway's holds digests, not text (its start-up replay goes through it too); `moat scan`
   * passes its own, keyed by the text, to `analyseRequest`.
   */
  readonly contentMemo?: ContentMemo;
}

/**
 * How much a campaign's score lifts a member: noisy-or of own behaviour and campaign evidence. At 1, a member of
 * a campaign judged at `extraction` is at `extraction` too, whatever its own traffic shows so far (its first
 * exchanges, or a quiet account of the operation): the campaign is the evidence.
 */
const CAMPAIGN_LIFT = 1;
/** `forgetIdle`: accounts found forgettable before a pass ends that are forgotten at once (bounds one call's work). */
const FORGET_BATCH = 10_000;

/** An account's score: noisy-or of its own score and its campaign's evidence (0: no campaign). */
function lifted(own: number, campaignEvidence: number): number {
  return campaignEvidence > 0 ? 1 - (1 - own) * (1 - CAMPAIGN_LIFT * campaignEvidence) : own;
}

export class Engine {
  readonly config: EngineConfig;
  private readonly enricher: Enricher;
  private readonly contentMemo: ContentMemo | undefined;
  private readonly accounts = new Map<string, AccountState>();
  /** Sign-up facts of accounts not seen in traffic yet (reduced at once: raw records are not kept). */
  private readonly pendingFacts = new Map<string, AccountFacts>();
  private readonly groups: GroupIndex;
  private readonly finder: CampaignFinder;
  private clock = Number.NEGATIVE_INFINITY;
  private nextRun = Number.NEGATIVE_INFINITY;
  private eventsSeen = 0;
  private readonly modelFirstSeen = new Map<string, number>();
  private firstEventAt: number | null = null;
  private lateEvents = 0;
  private runsDone = 0;
  private forgotten = 0;
  /** A campaign run is under way in steps (`runSteps`): nothing may be forgotten meanwhile. */
  private running = false;
  /** Where the last `forgetIdle` stopped (null: the next one starts from the first account). */
  private sweep: IterableIterator<AccountState> | null = null;
  /** Accounts the sweep found forgettable, forgotten at the end of its pass (or once FORGET_BATCH are waiting). */
  private candidates: AccountState[] = [];
  private readonly strings = new Map<string, string>();
  /** Where account stores are carved from (one 32 KB typed array per ~50 accounts). */
  private readonly arena = new StoreArena();

  constructor(opts: EngineOptions) {
    this.config = resolveEngineConfig(opts.config ?? {});
    this.enricher = opts.enricher;
    this.contentMemo = opts.contentMemo;
    this.groups = new GroupIndex(this.config);
    this.finder = new CampaignFinder(this.config);
  }

  /** Adds or updates an account's sign-up facts (contract §2). Applied to its state from its next exchange on. */
  upsertAccount(rec: AccountRecord): void {
    const raw = accountFacts(rec, this.enricher);
    // Organisation ids and tiers repeat across accounts: one string each, not one per account.
    const facts = raw.orgId === null && raw.tier === null ? raw : withFacts(raw, this.intern(raw.orgId), this.intern(raw.tier), false);
    const a = this.accounts.get(rec.account_id);
    // A seen account's sign-up keys were joined at its first exchange: only the facts scoring reads are kept.
    if (a) a.facts = settledFacts(facts);
    else this.pendingFacts.set(rec.account_id, facts);
  }

  /** The engine's event-time clock: the latest event time it has processed. */
  now(): number {
    return this.clock;
  }

  /**
   * Folds one exchange in and returns the account's assessment right after it. Events should arrive in
   * non-decreasing time; an older one is still counted, at the engine's current clock (never dropped).
   */
  observe(ev: TimedEvent): Assessment {
    return this.observeAnalysed(analyseRequest(ev, this.enricher, this.contentMemo));
  }

  /** The first half of `observe`: the exchange's features (`analyseRequest` with this engine's enricher and memo). Pure. */
  analyse(ev: TimedEvent): RequestFeatures {
    return analyseRequest(ev, this.enricher, this.contentMemo);
  }

  /**
   * Same as `observe`, for an exchange already analysed with `analyseRequest` (e.g. off the main thread,
   * or to measure the engine apart from text analysis). The features carry the event time and account.
   */
  observeAnalysed(f: RequestFeatures): Assessment {
    const a = this.fold(f);
    const quick = this.assessState(a, false);
    // Reasons are formatted only for accounts that are flagged: the common case stays cheap.
    return quick.verdict === "benign" ? quick : this.assessState(a, true);
  }

  /**
   * Same as `observeAnalysed` without building the assessment (a replay reads the state at the end):
   * nothing is allocated per exchange beyond the account's own state. Like `observeAnalysed`, it reads `f`
   * and keeps none of it but its strings, so a caller may reuse one features object.
   */
  ingestAnalysed(f: RequestFeatures): void {
    this.fold(f);
  }

  /** Folds one analysed exchange into the state, records first flag times, and returns its account. */
  private fold(f: RequestFeatures): AccountState {
    if (f.t < this.clock) this.lateEvents++;
    const now = Math.max(this.clock, f.t);
    this.advance(now);
    this.eventsSeen++;
    const a = this.account(f.accountId);
    const first = a.n === 0;
    a.update(f, this.config.maxIpKeysPerAccount);
    if (f.model !== null) this.noteModel(a, f.model, f.t, a.switchedModel);
    this.groups.join(a, f, first);
    if (first) a.facts = settledFacts(a.facts);
    a.own = this.capOwn(ownScore(a, false));
    if (a.campaignId === null && a.n <= 5) {
      const attached = this.finder.fastPath(a, this.groups, f);
      if (attached) a.campaignId = attached;
    }
    this.record(a, now);
    return a;
  }

  /**
   * Moves the event-time clock to `t`, running campaign detection when a grid point has been passed
   * (one run per call: only the latest state exists).
   */
  advance(t: number): void {
    if (t < this.clock) return;
    if (this.runDue(t)) {
      const steps = this.runSteps(t);
      while (steps.next().done !== true);
      return;
    }
    this.clock = t;
    if (this.nextRun === Number.NEGATIVE_INFINITY) this.nextRun = (Math.floor(t / this.config.clusterEveryMs) + 1) * this.config.clusterEveryMs;
  }

  /** Whether moving the clock to `t` (an exchange at `t`, or `advance(t)`) runs campaign detection first. */
  runDue(t: number): boolean {
    return t >= this.clock && this.nextRun !== Number.NEGATIVE_INFINITY && t >= this.nextRun;
  }

  /**
   * The campaign run that moving the clock to `t` makes (when `runDue(t)`), in steps: a driver that must not
   * block for a whole run (the gateway) steps it across event-loop turns, then feeds the exchange at `t`, which
   * finds the run done. Between steps it must not feed the engine (observe, advance, forgetIdle); reads (`assess`,
   * `campaigns`) see the state before the run until its last step. The result is the same as a run inside
   * `observe`.
   */
  *runSteps(t: number): Generator<void, void, void> {
    if (!this.runDue(t)) return;
    // The run happens at the first event on or after a grid point, and its results carry that event's
    // time: the state holds exactly the events before it, so a log cut at any T reproduces every run <= T.
    this.clock = t;
    this.nextRun = (Math.floor(t / this.config.clusterEveryMs) + 1) * this.config.clusterEveryMs;
    this.running = true;
    try {
      const touched = yield* this.finder.runSteps(t, this.groups, this.accounts.size);
      for (const a of touched) this.record(a, t);
      this.runsDone++;
    } finally {
      this.running = false;
    }
  }

  /**
   * Forgets accounts whose last exchange came before `before` (event time) and that detection holds on to for
   * nothing: never flagged, in no campaign, in no coordinated group. Their state, group memberships and slots
   * go; one that comes back starts afresh, as it would after a restart that replayed only the traffic log's
   * retention. Sign-up facts go too: the driver hands back the records it keeps (`upsertAccount`). Returns the
   * ids forgotten. A long-running driver calls this so memory follows active accounts (the gateway does; a scan
   * never does, so its reports do not depend on it).
   *
   * `budget` bounds the accounts looked at in one call (~0.2 µs an account): the next call goes on where this one
   * stopped, and a call that reaches the end of the accounts stops there. What a pass found is forgotten when it
   * ends (or once FORGET_BATCH accounts wait), in one call: that call also filters every group they leave.
   * Without a budget, a call looks at every account and forgets what it found.
   */
  forgetIdle(before: number, budget = Number.POSITIVE_INFINITY): string[] {
    if (this.running) return [];
    // Forgotten accounts' single keys go a slice at a time (~0.3 ms), never in one rebuild of the table.
    this.groups.cleanSome(65_536);
    if (budget === Number.POSITIVE_INFINITY) {
      this.sweep = null;
      this.candidates = [];
    }
    // Map iterators stay valid while entries are added and deleted: the sweep resumes across calls.
    const it = (this.sweep ??= this.accounts.values());
    let passDone = false;
    for (let looked = 0; looked < budget; looked++) {
      const r = it.next();
      if (r.done === true) {
        this.sweep = null;
        passDone = true;
        break;
      }
      if (this.forgettable(r.value, before)) this.candidates.push(r.value);
    }
    // Forgetting filters every group the accounts leave, whatever their number (a popular client set-up's group
    // may hold most accounts): done once per pass, or per FORGET_BATCH accounts, not once per call.
    if (!passDone && this.candidates.length < FORGET_BATCH) return [];
    // Checked again: an account may have come back, or been flagged, since it was looked at.
    const gone = this.candidates.filter((a) => this.accounts.get(a.id) === a && this.forgettable(a, before));
    this.candidates = [];
    if (gone.length === 0) return [];
    this.groups.forget(gone);
    const ids = new Array<string>(gone.length);
    for (let i = 0; i < gone.length; i++) {
      const a = gone[i]!;
      this.accounts.delete(a.id);
      a.releaseTo(this.arena);
      ids[i] = a.id;
    }
    this.forgotten += gone.length;
    return ids;
  }

  /** Idle since before `before`, and held by nothing detection found: never flagged, in no campaign, in no coordinated group. */
  private forgettable(a: AccountState, before: number): boolean {
    if (a.lastT >= before || a.flaggedAt !== null || a.campaignId !== null) return false;
    for (const l of a.links) if (l.linked) return false;
    return true;
  }

  /** Campaign-detection runs so far (a driver can time the call that made one: see the gateway's metrics). */
  runs(): number {
    return this.runsDone;
  }

  /** Read-only: the current assessment of an account (benign and empty when never seen). */
  assess(accountId: string): Assessment {
    const a = this.accounts.get(accountId);
    if (!a) return { accountId, verdict: "benign", score: 0, campaignId: null, campaignScore: 0, ownScore: 0, ownVerdict: "benign", reasons: [], exchanges: 0, flaggedAt: null, extractionAt: null };
    return this.assessState(a, true);
  }

  /** Campaigns found so far (score at or above `suspicious`), largest first. */
  campaigns(): readonly CampaignView[] {
    return this.finder.views(this.config.suspiciousAt, (id) => this.accounts.get(id));
  }

  /** Every account seen so far, in first-seen order. */
  accountIds(): IterableIterator<string> {
    return this.accounts.keys();
  }

  stats(): { events: number; accounts: number; groups: number; campaigns: number; lateEvents: number; runs: number; forgotten: number } {
    return { events: this.eventsSeen, accounts: this.accounts.size, groups: this.groups.size(), campaigns: this.finder.count(), lateEvents: this.lateEvents, runs: this.runsDone, forgotten: this.forgotten };
  }

  /**
   * Tracks when each model first appeared in all traffic, and how soon after that an account switched to it.
   * Models already in use during the first day of input are not "new": at the start of a log everything is.
   */
  private noteModel(a: AccountState, model: string, t: number, switched: boolean): void {
    let first = this.modelFirstSeen.get(model);
    if (first === undefined) {
      first = t;
      this.modelFirstSeen.set(model, t);
    }
    if (this.firstEventAt === null) this.firstEventAt = t;
    if (!switched || first - this.firstEventAt < 24 * 3_600_000) return;
    // Only moves to a newly released model count, for this account and for synchronised switches.
    if (!a.modelStarts.some((s) => s.model === model)) {
      // A fresh list each time (at most 2 entries, rare): accounts start with a shared frozen empty one.
      const starts = [...a.modelStarts, { model, t }];
      if (starts.length > 2) starts.shift();
      a.modelStarts = starts;
    }
    const lag = (t - first) / 3_600_000;
    if (a.switchLagHours === null || lag < a.switchLagHours) a.switchLagHours = lag;
  }

  /** One copy of a repeated string (bounded: past the bound, strings are kept as given). */
  private intern(s: string | null): string | null {
    if (s === null) return null;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size < 100_000) this.strings.set(s, s);
    return s;
  }

  private account(id: string): AccountState {
    let a = this.accounts.get(id);
    if (!a) {
      a = new AccountState(id, this.config.maxIpKeysPerAccount, this.arena);
      const facts = this.pendingFacts.get(id);
      if (facts) {
        a.facts = facts;
        this.pendingFacts.delete(id);
      }
      this.accounts.set(id, a);
    }
    return a;
  }

  private campaignOf(a: AccountState): CampaignRecord | null {
    if (a.campaignId === null) return null;
    const c = this.finder.get(a.campaignId);
    return c !== null && c.active ? c : null;
  }

  /**
   * A known customer (verified, or a paid organisation tier) reaches `extraction` on its own behaviour only
   * with two extraction-specific markers; otherwise it stops at `suspicious`, for review or step-up. Heavy
   * step-by-step traffic alone is what a tutoring SaaS or a benchmark run also sends (threat model: a false
   * block of a paying customer is expensive). Campaign evidence is not capped.
   */
  private capOwn(o: OwnScore): number {
    return o.knownCustomer && o.markers < 2 ? Math.min(o.score, this.config.extractionAt - 0.01) : o.score;
  }

  private withCap(o: OwnScore): OwnScore {
    const score = this.capOwn(o);
    if (score === o.score) return o;
    const cap = reason("known_customer_cap", score - o.score, `known customer with ${o.markers} extraction-specific marker(s): held at suspicious for review`);
    return Object.assign({}, o, { score, reasons: [...o.reasons, cap] });
  }

  /** A campaign's score as evidence for its members: counted from `suspicious` up, 0 below or without one. */
  private evidence(c: CampaignRecord | null): number {
    return c && c.score >= this.config.suspiciousAt ? c.score : 0;
  }

  /**
   * Records first flag times from the current scores (causal: `now` is event time). The same arithmetic as
   * `assessState` (`evidence`, `lifted`), without building an assessment.
   */
  private record(a: AccountState, now: number): void {
    const score = lifted(a.own, this.evidence(this.campaignOf(a)));
    const extraction = score >= this.config.extractionAt;
    if ((extraction || score >= this.config.suspiciousAt) && a.flaggedAt === null) a.flaggedAt = now;
    if (extraction && a.extractionAt === null) a.extractionAt = now;
  }

  /** The verdict a score gives. */
  private verdictOf(score: number): Verdict {
    return score >= this.config.extractionAt ? "extraction" : score >= this.config.suspiciousAt ? "suspicious" : "benign";
  }

  /** Combines own score and campaign evidence into an assessment (read-only: flag times are kept by `record`). */
  private assessState(a: AccountState, withReasons: boolean): Assessment {
    const own = withReasons ? this.withCap(ownScore(a, true)) : { score: a.own, reasons: [] as Reason[] };
    const c = this.campaignOf(a);
    const cScore = this.evidence(c);
    const score = lifted(own.score, cScore);
    const verdict = this.verdictOf(score);
    let reasons: readonly Reason[] = own.reasons;
    if (withReasons && c && cScore > 0) {
      const campaignReason = reason(
        "campaign_member",
        score - own.score,
        `member of ${c.id}: ${c.members.length} accounts, campaign score ${c.score.toFixed(2)}${c.attachedByFastPath.has(a.id) ? " (attached on its first exchanges)" : ""}`,
      );
      reasons = [campaignReason, ...own.reasons];
    }
    return {
      accountId: a.id,
      verdict,
      score: Math.round(score * 1000) / 1000,
      campaignId: cScore > 0 ? a.campaignId : null,
      campaignScore: cScore,
      ownScore: Math.round(own.score * 1000) / 1000,
      ownVerdict: this.verdictOf(own.score),
      reasons,
      exchanges: a.n,
      flaggedAt: a.flaggedAt,
      extractionAt: a.extractionAt,
    };
  }
}
