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

/**
 * Keys held by one account so far: 53-bit key hash -> account, in an open-addressing table of two typed arrays
 * (linear probing, deletion by backward shift). A Map costs ~60 bytes per entry (entry, boxed double key,
 * table slack); this ~16. Accounts are stored as an index into `holders`, plus one (0 = empty slot).
 */
export class SingleKeys {
  private keys = new Float64Array(1024);
  private vals = new Int32Array(1024);
  private count = 0;

  get(k: number): number {
    const mask = this.keys.length - 1;
    for (let i = (k >>> 0) & mask; ; i = (i + 1) & mask) {
      const v = this.vals[i]!;
      if (v === 0) return -1;
      if (this.keys[i] === k) return v - 1;
    }
  }

  set(k: number, holder: number): void {
    if ((this.count + 1) * 10 > this.keys.length * 7) this.grow();
    const mask = this.keys.length - 1;
    let i = (k >>> 0) & mask;
    while (this.vals[i] !== 0 && this.keys[i] !== k) i = (i + 1) & mask;
    if (this.vals[i] === 0) this.count++;
    this.keys[i] = k;
    this.vals[i] = holder + 1;
  }

  delete(k: number): void {
    const mask = this.keys.length - 1;
    let i = (k >>> 0) & mask;
    while (this.keys[i] !== k) {
      if (this.vals[i] === 0) return;
      i = (i + 1) & mask;
    }
    if (this.vals[i] === 0) return;
    // Backward shift: pull later entries of the probe run into the hole, so lookups never stop early.
    for (let j = (i + 1) & mask; this.vals[j] !== 0; j = (j + 1) & mask) {
      const home = (this.keys[j]! >>> 0) & mask;
      // Entry j may fill hole i when its home is not cyclically within (i, j].
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        this.keys[i] = this.keys[j]!;
        this.vals[i] = this.vals[j]!;
        i = j;
      }
    }
    this.vals[i] = 0;
    this.keys[i] = 0;
    this.count--;
  }

  size(): number {
    return this.count;
  }

  private grow(): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = new Float64Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== 0) this.set(keys[i]!, vals[i]! - 1);
  }
}

export class GroupIndex {
  private readonly groups = new Map<string, Group>();
  /**
   * Keys held by exactly one account so far. Most keys never get a second holder (94% on the quick preset:
   * one person's card, IP, sign-up minute), so a group object is only made when a second account joins.
   */
  private readonly singles = new SingleKeys();
  /** Accounts that hold a single key, by the index the table stores (an account's `keyHolderIndex`). */
  private readonly holders: AccountState[] = [];
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
      const at = this.singles.get(hk);
      const holder = at < 0 ? undefined : this.holders[at]!;
      if (holder === a) return;
      const colon = key.indexOf(":");
      const kind = key.slice(0, colon);
      a.addKeyCount(KIND_INDEX[kind]!);
      if (holder === undefined) {
        if (a.keyHolderIndex < 0) {
          a.keyHolderIndex = this.holders.length;
          this.holders.push(a);
        }
        this.singles.set(hk, a.keyHolderIndex);
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
