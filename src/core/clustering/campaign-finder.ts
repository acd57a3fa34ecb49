/**
 * Campaign detection, run on a fixed grid of event time: judge the groups that changed, link the members
 * of coordinated groups with union–find, keep the members that fit, and score each component as a
 * campaign. Campaign ids are stable across runs (a component keeps the id most of its members had).
 * Between runs, the fast path attaches a brand-new account to a known campaign on its first exchanges.
 */
import type { Reason, CampaignTargets } from "../model/report.ts";
import type { AccountState } from "../account/account-state.ts";
import type { RequestFeatures } from "../features/request-features.ts";
import type { EngineConfig } from "../engine/config.ts";
import type { CampaignView } from "../engine/types.ts";
import type { GroupIndex, Group } from "../linking/group-index.ts";
import { scoreGroup, sampleMembers } from "../linking/group-score.ts";
import { CONTROL_KINDS, keyKind } from "../linking/keys.ts";
import type { KeyKind } from "../linking/keys.ts";
import { UnionFind } from "./union-find.ts";
import { scoreCampaign } from "./campaign-score.ts";

export interface CampaignRecord {
  readonly id: string;
  members: string[];
  score: number;
  reasons: readonly Reason[];
  targets: CampaignTargets;
  indicators: Record<string, unknown>;
  firstSeen: number;
  detectedAt: number | null;
  active: boolean;
  readonly attachedByFastPath: Set<string>;
}

/** Kinds strong enough that sharing one of them with a coordinated group is enough to belong. */
const SELF_SUFFICIENT: ReadonlySet<KeyKind> = new Set<KeyKind>(["pay"]);
/**
 * Identity and infrastructure kinds: evidence of common control rather than common content. Network prefixes
 * and e-mail shapes are left out: clouds, campuses and big mail providers put strangers in the same ones.
 */
const INFRASTRUCTURE: ReadonlySet<KeyKind> = new Set<KeyKind>(["pay", "ip", "signup", "sip"]);
/** An account linked only by weak kinds must also look like an extractor on its own. */
const FIT_OWN_SCORE = 0.45;
/** A member of a template sweep must still show some extraction-like behaviour of its own. */
const SWEEP_FIT_OWN_SCORE = 0.1;

export class CampaignFinder {
  private readonly campaigns = new Map<string, CampaignRecord>();
  private readonly linked = new Set<Group>();
  /** The strongest template sweep each template group has shown (group-score.ts keeps it as evidence). */
  private readonly sweepPeaks = new WeakMap<Group, number>();
  private nextNo = 1;
  private lastRebuild = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: EngineConfig) {}

  get(id: string): CampaignRecord | null {
    return this.campaigns.get(id) ?? null;
  }

  count(): number {
    let n = 0;
    for (const c of this.campaigns.values()) if (c.active && c.score >= this.config.suspiciousAt) n++;
    return n;
  }

  /**
   * One detection run at event time `at`, in steps of a few groups or components each (a driver can spread it
   * over event-loop turns; the engine's `advance` takes them all at once). It ends with the accounts whose
   * campaign standing may have changed. Until the last step nothing the engine's readers see (campaign records,
   * accounts' memberships) changes: the steps judge groups (read only by runs and the fast path) and plan the
   * campaigns, and the last one applies the plan. Between steps the caller must not feed the engine.
   */
  *runSteps(at: number, groups: GroupIndex, activeAccounts: number): Generator<void, AccountState[], void> {
    let linkedChanged = false;
    let work = 0;
    for (const g of yield* groups.due(at)) {
      // A step per group: judging a large one takes up to a few milliseconds.
      yield;
      const grew = g.members.length !== g.evaluatedSize;
      const peak = this.sweepPeaks.get(g) ?? 0;
      const v = scoreGroup(g, sampleMembers(g.members), g.members.length, activeAccounts, peak);
      if (v.sweep > peak) this.sweepPeaks.set(g, v.sweep);
      g.score = v.score;
      g.reasons = v.reasons;
      g.evaluatedSize = g.members.length;
      g.evaluatedAt = at;
      g.dirty = false;
      const wasLinked = g.linked;
      g.linked = v.score >= this.config.groupLinkAt;
      if (g.linked !== wasLinked || (g.linked && grew)) linkedChanged = true;
      if (g.linked) this.linked.add(g);
      else {
        this.linked.delete(g);
        g.campaignId = null;
      }
    }

    // Campaigns are rebuilt when a coordinated group appeared, vanished or changed; otherwise hourly, so
    // members' drifting behaviour still reaches the campaign score.
    if (!linkedChanged && at - this.lastRebuild < 3_600_000) return [];
    this.lastRebuild = at;

    // Union the members of every coordinated group.
    const uf = new UnionFind();
    const ids = new Map<AccountState, number>();
    const accs: AccountState[] = [];
    const idOf = (a: AccountState): number => {
      let i = ids.get(a);
      if (i === undefined) {
        i = uf.add();
        ids.set(a, i);
        accs.push(a);
      }
      return i;
    };
    // First by control: a shared card, address, sign-up network or client set-up says "one operator".
    // E-mail shapes, sign-up windows and network prefixes add evidence but never join accounts by themselves:
    // two operators using one mail generator, signing up the same half hour or renting from one cloud stay two.
    const contentGroups: Group[] = [];
    for (const g of this.linked) {
      if ((++work & 7) === 0) yield;
      if (!CONTROL_KINDS.has(g.kind)) {
        if (g.kind === "tpl") contentGroups.push(g);
        continue;
      }
      const first = idOf(g.members[0]!);
      for (let i = 1; i < g.members.length; i++) uf.union(first, idOf(g.members[i]!));
    }
    // Then by content: a shared template joins its members unless it would bridge two operations that
    // control already tells apart (two campaigns sweeping one public problem set stay two campaigns).
    const sizeOf = new Map<number, number>();
    for (const a of accs) {
      const r = uf.find(ids.get(a)!);
      sizeOf.set(r, (sizeOf.get(r) ?? 0) + 1);
    }
    // A template mostly used by accounts no control link holds is a content-only operation of its own: its
    // unattached members are joined among themselves, and the few members of a control campaign that also
    // use it (two operations sharing a public paraphrase pool) stay in theirs.
    const min = this.config.minCampaignAccounts;
    const contentHome = new Map<Group, AccountState>();
    // Which accounts a control link already holds (in a component of campaign size), judged before any content union.
    const held = new Set<AccountState>();
    for (const a of accs) if ((sizeOf.get(uf.find(ids.get(a)!)) ?? 0) >= min) held.add(a);
    const homed = new Set<AccountState>();
    const shared: Group[] = [];
    for (const g of contentGroups) {
      if ((++work & 7) === 0) yield;
      let attached = 0;
      for (const a of g.members) if (held.has(a)) attached++;
      if (2 * attached >= g.members.length) {
        shared.push(g);
        continue;
      }
      let first = -1;
      for (const a of g.members) {
        if (held.has(a)) continue;
        const j = idOf(a);
        homed.add(a);
        if (first < 0) {
          first = j;
          contentHome.set(g, a);
        } else uf.union(first, j);
      }
    }
    // A template mostly used by one control campaign joins its other users to it, unless it would bridge two
    // campaigns, and except accounts that already belong to a content-only operation of their own.
    for (const g of shared) {
      if ((++work & 7) === 0) yield;
      const bigRoots = new Set<number>();
      for (const a of g.members) if (held.has(a)) bigRoots.add(uf.find(ids.get(a)!));
      if (bigRoots.size >= 2) continue;
      let first = -1;
      for (const a of g.members) {
        if (homed.has(a)) continue;
        const j = idOf(a);
        if (first < 0) {
          first = j;
          contentHome.set(g, a);
        } else uf.union(first, j);
      }
    }
    const comps = new Map<number, AccountState[]>();
    for (const a of accs) {
      const r = uf.find(ids.get(a)!);
      const list = comps.get(r);
      if (list) list.push(a);
      else comps.set(r, [a]);
    }
    const compGroups = new Map<number, Group[]>();
    for (const g of this.linked) {
      const id0 = ids.get(contentHome.get(g) ?? g.members[0]!);
      if (id0 === undefined) continue;
      const r = uf.find(id0);
      const list = compGroups.get(r);
      if (list) list.push(g);
      else compGroups.set(r, [g]);
    }

    // Plan each campaign (the costly part: fit, score), then apply the plan in one step.
    const plans: Array<{ id: string; fit: AccountState[]; ev: ReturnType<typeof scoreCampaign>; linkedGroups: Group[] }> = [];
    const unclaimed: Group[] = [];
    const claimed = new Set<string>();
    for (const [root, members] of comps) {
      yield;
      const linkedGroups = compGroups.get(root) ?? [];
      // A campaign held together by content alone (no shared card, address, network or client set-up).
      const contentOnly = linkedGroups.every((g) => !CONTROL_KINDS.has(g.kind));
      const fit: AccountState[] = [];
      for (let i = 0; i < members.length; i++) {
        if ((i & 255) === 255) yield;
        if (this.fits(members[i]!, contentOnly)) fit.push(members[i]!);
      }
      if (fit.length < this.config.minCampaignAccounts) {
        for (const g of linkedGroups) unclaimed.push(g);
        continue;
      }
      const id = this.pickId(fit, claimed);
      claimed.add(id);
      const ev = scoreCampaign(
        fit,
        linkedGroups.map((g) => ({ key: g.key, score: g.score, reasons: g.reasons, size: g.members.length })),
      );
      plans.push({ id, fit, ev, linkedGroups });
    }

    const touched: AccountState[] = [];
    const previous = new Set<AccountState>();
    for (const c of this.campaigns.values()) if (c.active) c.active = false;
    for (const g of unclaimed) g.campaignId = null;
    for (const { id, fit, ev, linkedGroups } of plans) {
      let rec = this.campaigns.get(id);
      if (!rec) {
        rec = { id, members: [], score: 0, reasons: [], targets: ev.targets, indicators: {}, firstSeen: at, detectedAt: null, active: true, attachedByFastPath: new Set() };
        this.campaigns.set(id, rec);
      }
      rec.members = fit.map((a) => a.id);
      rec.score = ev.score;
      rec.reasons = ev.reasons;
      rec.targets = ev.targets;
      rec.indicators = ev.indicators;
      rec.firstSeen = fit.reduce((m, a) => Math.min(m, a.firstT), Number.POSITIVE_INFINITY);
      rec.active = true;
      if (rec.detectedAt === null && ev.score >= this.config.suspiciousAt) rec.detectedAt = at;
      for (const g of linkedGroups) g.campaignId = id;
      for (const a of fit) {
        if (a.campaignId !== null && a.campaignId !== id) previous.add(a);
        a.campaignId = id;
        touched.push(a);
      }
    }
    // Accounts whose campaign dissolved or who no longer fit lose the membership.
    const inCampaign = new Set(touched);
    for (const a of accs) if (a.campaignId !== null && !inCampaign.has(a)) {
      a.campaignId = null;
      touched.push(a);
    }
    for (const a of previous) if (!inCampaign.has(a)) touched.push(a);
    return touched;
  }

  /**
   * Fast path: attaches a young account to an active campaign when this exchange already shares
   * `fastPathMinKeys` kinds of key with the campaign's coordinated groups.
   */
  fastPath(a: AccountState, groups: GroupIndex, f: RequestFeatures): string | null {
    const kindsByCampaign = new Map<string, Set<KeyKind>>();
    const consider = (key: string): void => {
      const g = groups.get(key);
      if (!g || !g.linked || g.campaignId === null) return;
      const c = this.campaigns.get(g.campaignId);
      if (!c || !c.active || c.score < this.config.fastPathMinCampaignScore) return;
      const set = kindsByCampaign.get(c.id) ?? new Set<KeyKind>();
      set.add(keyKind(key));
      kindsByCampaign.set(c.id, set);
    };
    for (const l of a.links) consider(l.key);
    for (const b of f.templateBands) consider(`tpl:${b}`);
    let best: string | null = null;
    let bestKinds = 0;
    for (const [id, kinds] of kindsByCampaign) if (kinds.size > bestKinds) [best, bestKinds] = [id, kinds.size];
    if (best === null || bestKinds < this.config.fastPathMinKeys) return null;
    const c = this.campaigns.get(best)!;
    c.members.push(a.id);
    c.attachedByFastPath.add(a.id);
    return best;
  }

  views(minScore: number, lookup: (id: string) => AccountState | undefined): CampaignView[] {
    const out: CampaignView[] = [];
    for (const c of this.campaigns.values()) {
      if (!c.active || c.score < minScore || c.detectedAt === null) continue;
      let exchanges = 0;
      for (const id of c.members) exchanges += lookup(id)?.n ?? 0;
      out.push({ campaignId: c.id, accounts: [...c.members], exchanges, firstSeen: c.firstSeen, detectedAt: c.detectedAt, score: Math.round(c.score * 1000) / 1000, targets: c.targets, indicators: c.indicators, reasons: c.reasons });
    }
    return out.sort((x, y) => y.accounts.length - x.accounts.length);
  }

  private fits(a: AccountState, contentOnly: boolean): boolean {
    const kinds = new Set<KeyKind>();
    // Only keys whose group is coordinated count.
    // A link's kind is its key's prefix, split once when the group was made (group-index.ts).
    for (const l of a.links) if (l.linked && l.kind !== "pfx" && l.kind !== "mail") kinds.add(l.kind as KeyKind);
    for (const k of kinds) if (SELF_SUFFICIENT.has(k)) return true;
    let infra = 0;
    for (const k of kinds) if (INFRASTRUCTURE.has(k)) infra++;
    if (kinds.size >= 2 && infra >= 1) return true;
    // Content alike (a benchmark sweeping the same problem set) never pulls a verified customer in by itself.
    if (a.facts.verified || kinds.size === 0) return false;
    if (a.own >= FIT_OWN_SCORE) return true;
    // A content-only campaign: the account takes part in a template sweep (see group-score.ts). Where the
    // campaign also has control links, members must show them: sharing its template is not enough (a
    // developer's tool loop looks like an agentic campaign's).
    if (!contentOnly) return false;
    // Or, young in the campaign, it already sends most of its traffic through one swept template.
    let swept = false;
    for (const l of a.links)
      if (l.linked && l.kind === "tpl" && (l as Group).reasons.some((r) => r.code === "template_sweep")) {
        swept = true;
        if (a.n >= 3 && a.bands.count(l.band) >= 0.5 * a.n) return true;
      }
    return swept && a.own >= SWEEP_FIT_OWN_SCORE;
  }

  private pickId(members: readonly AccountState[], claimed: ReadonlySet<string>): string {
    const votes = new Map<string, number>();
    for (const a of members) if (a.campaignId !== null && !claimed.has(a.campaignId)) votes.set(a.campaignId, (votes.get(a.campaignId) ?? 0) + 1);
    let best: string | null = null;
    let bestVotes = 0;
    for (const [id, v] of votes) if (v > bestVotes || (v === bestVotes && best !== null && id < best)) [best, bestVotes] = [id, v];
    return best ?? `cmp_${this.nextNo++}`;
  }
}
