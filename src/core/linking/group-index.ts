/**
 * The index of linking keys: key -> group of accounts that share it. Accounts join keys as their traffic
 * shows them (never the future: a key is joined at the exchange that reveals it) and leave only when the
 * engine forgets them (idle, and in nothing detection holds on to: see `Engine.forgetIdle`). Per-kind caps
 * keep an account's memberships bounded.
 */
import type { Reason } from "../model/report.ts";
import type { AccountState, LinkRef } from "../account/account-state.ts";
import type { RequestFeatures } from "../features/request-features.ts";
import type { EngineConfig } from "../engine/config.ts";
import { SIGNUP_BUCKET_MS } from "./keys.ts";
import { fmix32, hash32 } from "../text/index.ts";

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

const KIND_NAMES = ["pay", "pfp", "tpl", "ip", "pfx", "mail", "signup", "sip"] as const;
const KIND_INDEX: Readonly<Record<string, number>> = Object.fromEntries(KIND_NAMES.map((k, i) => [k, i]));
const PAY = 0;
const PFP = 1;
const TPL = 2;
const IP = 3;
const PFX = 4;
const MAIL = 5;
const SIGNUP = 6;
const SIP = 7;

/**
 * 53-bit hash of the key "<kind>:<value>" from its kind and value, without spelling the key (two seeded 32-bit
 * hashes): collisions among millions of keys are negligible. Numeric values (template bands, sign-up windows)
 * are hashed as numbers; `keyHashOf` maps a spelled key to the same hash.
 */
function keyHash(kind: number, value: string): number {
  return (hash32(value, 0x5bd1e995 + kind) & 0x1fffff) * 4294967296 + hash32(value, 0x9747b28c + kind * 0x10001);
}

function keyHashNum(kind: number, x: number): number {
  const lo = x >>> 0;
  const hi = Math.floor(x / 4294967296) | 0;
  const h1 = fmix32(Math.imul(fmix32(lo ^ (0x5bd1e995 + kind)), 31) ^ hi);
  const h2 = fmix32(Math.imul(fmix32(hi ^ (0x9747b28c + kind)), 17) ^ lo ^ 0x27d4eb2f);
  return (h1 & 0x1fffff) * 4294967296 + h2;
}

const NUMERIC: readonly boolean[] = KIND_NAMES.map((k) => k === "tpl" || k === "signup");

/** The hash of a spelled key ("tpl:123"), or -1 when its kind is unknown. */
function keyHashOf(key: string): number {
  const colon = key.indexOf(":");
  const kind = KIND_INDEX[key.slice(0, colon)];
  if (kind === undefined) return -1;
  const value = key.slice(colon + 1);
  return NUMERIC[kind] ? keyHashNum(kind, Number(value)) : keyHash(kind, value);
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
    for (;;) {
      if (this.vals[i] === 0) return;
      if (this.keys[i] === k) break;
      i = (i + 1) & mask;
    }
    this.deleteAt(i);
  }

  /** Deletes the entry in slot `i` (which holds one). */
  private deleteAt(slot: number): void {
    const mask = this.keys.length - 1;
    let i = slot;
    // Backward shift: pull later entries of the probe run into the hole, so lookups never stop early.
    for (let j = (i + 1) & mask; this.vals[j] !== 0; j = (j + 1) & mask) {
      const home = (this.keys[j]! >>> 0) & mask;
      // Entry j may fill hole i when its home is not cyclically within (i, j].
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        this.keys[i] = this.keys[j]!;
        this.vals[i] = this.vals[j]!;
        // An entry the cleaning pass has not looked at yet, moved behind where it stopped: it goes back there.
        if (i < this.cursor && j >= this.cursor) this.cursor = i;
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

  /**
   * Cleaning passes: `clean` walks the slots from 0 and deletes the entries whose holder `dead` names, a bounded
   * number of slots per call. `passes` counts finished passes and `restarts` the passes a `grow` cut short (it
   * moves every entry, so the walk starts again): a holder dead before a pass began has no entry left once it ends.
   */
  passes = 0;
  restarts = 0;
  private cursor = 0;

  /** A cleaning pass is under way (it has walked part of the table). */
  get cleaning(): boolean {
    return this.cursor > 0;
  }

  /**
   * Walks up to `slots` slots of the current pass, deleting entries whose holder is `dead`. A deletion pulls
   * later entries of the probe run back into the hole (backward shift), so the same slot is looked at again.
   * Its own deletions only move entries into holes at or after the walk, or within its start when a run wraps
   * around the end (those were looked at already); a deletion from outside (`delete`, between calls) that moves
   * an entry from ahead of the walk to behind it moves the walk back. Returns whether the pass ended.
   */
  clean(dead: (holder: number) => boolean, slots: number): boolean {
    const end = Math.min(this.keys.length, this.cursor + slots);
    let i = this.cursor;
    while (i < end) {
      const v = this.vals[i]!;
      if (v !== 0 && dead(v - 1)) this.deleteAt(i);
      else i++;
    }
    this.cursor = i;
    if (i < this.keys.length) return false;
    this.cursor = 0;
    this.passes++;
    return true;
  }

  private grow(): void {
    const keys = this.keys;
    const vals = this.vals;
    if (this.cursor > 0) this.restarts++;
    this.cursor = 0;
    this.keys = new Float64Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== 0) this.set(keys[i]!, vals[i]! - 1);
  }
}

export class GroupIndex {
  /** Groups by key hash (see `keyHash`): the key is only spelled when a group is made. */
  private readonly groups = new Map<number, Group>();
  /**
   * Keys held by exactly one account so far. Most keys never get a second holder (94% on the quick preset:
   * one person's card, IP, sign-up minute), so a group object is only made when a second account joins.
   */
  private readonly singles = new SingleKeys();
  /**
   * Accounts that hold a single key, by the index the table stores (an account's `keyHolderIndex`); null where
   * the holder was forgotten: its entries then count as absent until a cleaning pass deletes them (`cleanSome`),
   * and its index is given to a new holder only after that.
   */
  private readonly holders: Array<AccountState | null> = [];
  /** Indices free for new holders: their forgotten holder's entries are all gone. */
  private readonly freeHolders: number[] = [];
  /** Forgotten holders' indices, by whether they died before the current cleaning pass began or during it. */
  private deadBefore: number[] = [];
  private deadDuring: number[] = [];
  /** `singles.restarts` when last looked at (a `grow` restarts the pass). */
  private restartsSeen = 0;
  private readonly touched = new Set<AccountState>();

  constructor(private readonly config: EngineConfig) {}

  get(key: string): Group | undefined {
    return this.groups.get(keyHashOf(key));
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
      if (facts.payment) this.add(a, PAY, keyHash(PAY, facts.payment), facts.payment);
      if (facts.emailPattern) this.add(a, MAIL, keyHash(MAIL, facts.emailPattern), facts.emailPattern);
      if (facts.createdAt !== null) {
        const bucket = Math.floor(facts.createdAt / SIGNUP_BUCKET_MS);
        this.add(a, SIGNUP, keyHashNum(SIGNUP, bucket), bucket);
      }
      if (facts.signupPrefix) this.add(a, SIP, keyHash(SIP, facts.signupPrefix), facts.signupPrefix);
    }
    // Keys are hashed from kind and value, not spelled: this runs for every exchange.
    if (a.keyCount(PFP) < MAX_PFP) this.add(a, PFP, keyHash(PFP, f.paramFp), f.paramFp);
    // A band becomes a key when its use count reaches TPL_MIN_USES: checked for this exchange's bands only.
    if (a.keyCount(TPL) < MAX_TPL) {
      const bands = a.bands;
      for (const band of f.templateBands) if (bands.count(band) === TPL_MIN_USES) this.add(a, TPL, keyHashNum(TPL, band), band);
    }
    if (f.ip && a.hasIpKey(f.ipHash)) this.add(a, IP, keyHash(IP, f.ip), f.ip);
    if (f.ipPrefix && a.keyCount(PFX) < MAX_PFX) this.add(a, PFX, keyHash(PFX, f.ipPrefix), f.ipPrefix);
  }

  /**
   * Takes forgotten accounts out of every group they joined (a group left empty is dropped) and out of the
   * table of single keys. The engine forgets only accounts in no coordinated group (`linked`), so no campaign
   * loses a member here; an uncoordinated group that shrank is judged again when it is next due.
   */
  forget(gone: readonly AccountState[]): void {
    // Each group is filtered once, whatever number of its members go (a popular template or client set-up holds
    // most accounts: removing them one by one would cost its size per account).
    const leaving = new Set(gone);
    const shrinking = new Set<Group>();
    for (const a of gone) for (const l of a.links) shrinking.add(l as Group);
    for (const g of shrinking) {
      const members = g.members;
      let kept = 0;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        if (!leaving.has(m)) members[kept++] = m;
      }
      members.length = kept;
      g.dirty = true;
      if (kept === 0) this.groups.delete(keyHashOf(g.key));
    }
    for (const a of gone) {
      this.touched.delete(a);
      if (a.keyHolderIndex >= 0) {
        this.holders[a.keyHolderIndex] = null;
        (this.singles.cleaning ? this.deadDuring : this.deadBefore).push(a.keyHolderIndex);
        a.keyHolderIndex = -1;
      }
    }
    this.cleanSome(4096 + 64 * gone.length);
  }

  /**
   * Deletes forgotten holders' entries from the table of single keys, walking at most `slots` of its slots (a few
   * ns each): the engine calls it on each `forgetIdle`, so a pass over the table is spread over many calls and
   * nothing rebuilds it at once. When a pass ends, the indices of holders forgotten before it began are free.
   */
  cleanSome(slots: number): void {
    if (this.deadBefore.length === 0 && this.deadDuring.length === 0) return;
    if (this.singles.restarts !== this.restartsSeen) {
      // A grow moved every entry: the pass starts again, and everyone forgotten so far was before it.
      this.restartsSeen = this.singles.restarts;
      for (const i of this.deadDuring) this.deadBefore.push(i);
      this.deadDuring = [];
    }
    const holders = this.holders;
    if (!this.singles.clean((h) => holders[h] === null, slots)) return;
    for (const i of this.deadBefore) this.freeHolders.push(i);
    this.deadBefore = this.deadDuring;
    this.deadDuring = [];
  }

  /** Single keys held (for tests). */
  singleKeys(): number {
    return this.singles.size();
  }

  /**
   * Marks the groups of accounts that changed since the last run, and returns the groups due for evaluation; in
   * steps of 1,024 accounts or groups (a campaign run is stepped: see `CampaignFinder.runSteps`).
   */
  *due(now: number): Generator<void, Group[], void> {
    let work = 0;
    for (const a of this.touched) {
      if ((++work & 1023) === 0) yield;
      for (const l of a.links) (l as Group).dirty = true;
    }
    this.touched.clear();
    const out: Group[] = [];
    const min = this.config.minCampaignAccounts;
    for (const g of this.groups.values()) {
      if ((++work & 1023) === 0) yield;
      if (!g.dirty || g.members.length < min) continue;
      const n = g.members.length;
      const age = now - g.evaluatedAt;
      // New members are judged at once (small groups) or after 10% growth (large ones); members' changing
      // behaviour is re-judged hourly. That bounds the work per run while a new campaign is seen in one run.
      const grew = n < 50 ? n !== g.evaluatedSize : n >= g.evaluatedSize * 1.1 && age >= 30 * 60_000;
      // Unchanged groups that do not link are re-judged every 3 hours: drifting behaviour seldom flips them;
      // those far below the link score (under 40% of it) every 12 hours. Measured on the realistic preset
      // (78k such re-judgements, a quarter of all group work): none crossed the link score, the largest rise
      // in 3 hours was 0.21.
      if (grew || age >= (g.linked ? 3_600_000 : g.score < 0.4 * this.config.groupLinkAt ? 12 * 3_600_000 : 3 * 3_600_000)) out.push(g);
    }
    return out;
  }

  /** Joins key `hk` (kind index `kind`, value `value`, spelled only if a group is made). */
  private add(a: AccountState, kind: number, hk: number, value: string | number): void {
    let g = this.groups.get(hk);
    if (g) {
      if (a.links.includes(g)) return;
    } else {
      const at = this.singles.get(hk);
      const holder = at < 0 ? null : this.holders[at]!;
      if (holder === a) return;
      a.addKeyCount(kind);
      if (holder === null) {
        if (a.keyHolderIndex < 0) {
          a.keyHolderIndex = this.freeHolders.pop() ?? this.holders.length;
          this.holders[a.keyHolderIndex] = a;
        }
        this.singles.set(hk, a.keyHolderIndex);
        return;
      }
      this.singles.delete(hk);
      const kindName = KIND_NAMES[kind]!;
      const v = String(value);
      // The fields group scoring reads for every link of every member come first (one cache line).
      g = { kind: kindName, mark: 0, count: 0, linked: false, band: kind === TPL ? Number(value) : 0, key: `${kindName}:${v}`, value: v, members: [holder], evaluatedSize: 0, evaluatedAt: Number.NEGATIVE_INFINITY, dirty: true, score: 0, reasons: [], campaignId: null };
      holder.addLink(g);
      this.groups.set(hk, g);
      g.members.push(a);
      a.addLink(g);
      return;
    }
    a.addKeyCount(kind);
    g.members.push(a);
    g.dirty = true;
    a.addLink(g);
  }
}
