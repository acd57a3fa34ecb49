/**
 * The index of linking keys: key -> group of accounts that share it. Accounts join keys as their traffic
 * shows them (never the future: a key is joined at the exchange that reveals it) and never leave, so a
 * group is a growing set. Per-kind caps keep an account's memberships bounded.
 */
import type { Reason } from "../model/report.ts";
import type { AccountState, LinkRef } from "../account/account-state.ts";
import type { RequestFeatures } from "../features/request-features.ts";
import type { EngineConfig } from "../engine/config.ts";
import { SIGNUP_BUCKET_MS } from "./keys.ts";

export interface Group extends LinkRef {
  readonly key: string;
  readonly members: AccountState[];
  /** Members count at the last evaluation, and its event time. */
  evaluatedSize: number;
  evaluatedAt: number;
  dirty: boolean;
  score: number;
  reasons: readonly Reason[];
  linked: boolean;
  campaignId: string | null;
}

/** Per account: at most this many param fingerprints, template bands and prefixes become keys. */
const MAX_PFP = 3;
const MAX_TPL = 12;
const MAX_PFX = 2;
/** A template band becomes a key once the account has used it this many times (a template, not a one-off). */
const TPL_MIN_USES = 2;

function countKind(a: AccountState, prefix: string): number {
  let c = 0;
  for (const l of a.links) if (l.key.startsWith(prefix)) c++;
  return c;
}

export class GroupIndex {
  private readonly groups = new Map<string, Group>();
  private readonly touched = new Set<AccountState>();

  constructor(private readonly config: EngineConfig) {}

  get(key: string): Group | undefined {
    return this.groups.get(key);
  }

  size(): number {
    return this.groups.size;
  }

  values(): IterableIterator<Group> {
    return this.groups.values();
  }

  /** Joins the keys this exchange reveals; `first` = the account's first exchange (sign-up facts join then). */
  join(a: AccountState, f: RequestFeatures, first: boolean): void {
    this.touched.add(a);
    if (first) {
      const facts = a.facts;
      if (facts.payment) this.add(a, `pay:${facts.payment}`);
      if (facts.emailPattern) this.add(a, `mail:${facts.emailPattern}`);
      if (facts.createdAt !== null) this.add(a, `signup:${Math.floor(facts.createdAt / SIGNUP_BUCKET_MS)}`);
      if (facts.signupPrefix) this.add(a, `sip:${facts.signupPrefix}`);
    }
    if (countKind(a, "pfp:") < MAX_PFP) this.add(a, `pfp:${f.paramFp}`);
    if (countKind(a, "tpl:") < MAX_TPL) {
      a.bands.forEach((band, count) => {
        if (count >= TPL_MIN_USES) this.add(a, `tpl:${band}`);
      });
    }
    if (f.ip && a.ipKeys.includes(f.ip)) this.add(a, `ip:${f.ip}`);
    if (f.ipPrefix && countKind(a, "pfx:") < MAX_PFX) this.add(a, `pfx:${f.ipPrefix}`);
  }

  /** Marks the groups of accounts that changed since the last run, and returns the groups due for evaluation. */
  due(now: number): Group[] {
    for (const a of this.touched) for (const l of a.links) (l as Group).dirty = true;
    this.touched.clear();
    const out: Group[] = [];
    const min = this.config.minCampaignAccounts;
    for (const g of this.groups.values()) {
      if (!g.dirty || g.members.length < min) continue;
      const n = g.members.length;
      const age = now - g.evaluatedAt;
      // New members are judged at once (small groups) or after 10% growth (large ones); members' changing
      // behaviour is re-judged hourly. That bounds the work per run while a new campaign is seen in one run.
      const grew = n < 50 ? n !== g.evaluatedSize : n >= g.evaluatedSize * 1.1 && age >= 30 * 60_000;
      if (grew || age >= (n < 200 ? 3_600_000 : 2 * 3_600_000)) out.push(g);
    }
    return out;
  }

  private add(a: AccountState, key: string): void {
    let g = this.groups.get(key);
    if (g && a.links.includes(g)) return;
    if (!g) {
      const colon = key.indexOf(":");
      g = { key, kind: key.slice(0, colon), value: key.slice(colon + 1), members: [], evaluatedSize: 0, evaluatedAt: Number.NEGATIVE_INFINITY, dirty: true, score: 0, reasons: [], linked: false, campaignId: null, mark: 0, count: 0 };
      this.groups.set(key, g);
    }
    g.members.push(a);
    g.dirty = true;
    a.links.push(g);
  }
}
