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
import { hash32 } from "../text/index.ts";

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

const KIND_INDEX: Readonly<Record<string, number>> = { pay: 0, pfp: 1, tpl: 2, ip: 3, pfx: 4, mail: 5, signup: 6, sip: 7 };

/** 53-bit hash of a key (two seeded 32-bit hashes): collisions among millions of keys are negligible. */
function keyHash(key: string): number {
  return (hash32(key, 0x5bd1e995) & 0x1fffff) * 4294967296 + hash32(key, 0x9747b28c);
}

export class GroupIndex {
  private readonly groups = new Map<string, Group>();
  /**
   * Keys held by exactly one account so far. Most keys never get a second holder (94% on the quick preset:
   * one person's card, IP, sign-up minute), so a group object is only made when a second account joins.
   */
  private readonly singles = new Map<number, AccountState>();
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
    if (a.keyCount(KIND_INDEX["pfp"]!) < MAX_PFP) this.add(a, `pfp:${f.paramFp}`);
    // A band becomes a key when its use count reaches TPL_MIN_USES: checked for this exchange's bands only.
    if (a.keyCount(KIND_INDEX["tpl"]!) < MAX_TPL)
      for (const band of f.templateBands) if (a.bands.count(band) === TPL_MIN_USES) this.add(a, `tpl:${band}`);
    if (f.ip && a.hasIpKey(f.ipHash)) this.add(a, `ip:${f.ip}`);
    if (f.ipPrefix && a.keyCount(KIND_INDEX["pfx"]!) < MAX_PFX) this.add(a, `pfx:${f.ipPrefix}`);
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
      // Unchanged groups that do not link are re-judged every 3 hours: drifting behaviour seldom flips them.
      if (grew || age >= (g.linked ? 3_600_000 : 3 * 3_600_000)) out.push(g);
    }
    return out;
  }

  private add(a: AccountState, key: string): void {
    let g = this.groups.get(key);
    if (g) {
      if (a.links.includes(g)) return;
    } else {
      // Keyed by a 53-bit hash, not the string: the key is spelled again by whoever joins second.
      const hk = keyHash(key);
      const holder = this.singles.get(hk);
      if (holder === a) return;
      const colon = key.indexOf(":");
      const kind = key.slice(0, colon);
      a.addKeyCount(KIND_INDEX[kind]!);
      if (holder === undefined) {
        this.singles.set(hk, a);
        return;
      }
      this.singles.delete(hk);
      const value = key.slice(colon + 1);
      g = { key, kind, value, band: kind === "tpl" ? Number(value) : 0, members: [holder], evaluatedSize: 0, evaluatedAt: Number.NEGATIVE_INFINITY, dirty: true, score: 0, reasons: [], linked: false, campaignId: null, mark: 0, count: 0 };
      holder.addLink(g);
      this.groups.set(key, g);
      g.members.push(a);
      a.addLink(g);
      return;
    }
    a.addKeyCount(KIND_INDEX[g.kind]!);
    g.members.push(a);
    g.dirty = true;
    a.addLink(g);
  }
}
