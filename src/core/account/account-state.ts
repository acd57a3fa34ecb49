/**
 * Per-account state: fixed-size counters and sketches updated once per exchange. No event lists:
 * memory per account stays flat however much it sends (see bench/scan.bench.ts for bytes per account).
 */
import type { AccountRecord } from "../model/traffic.ts";
import type { EmailClass, Enricher } from "../ports/enricher.ts";
import type { RequestFeatures } from "../features/request-features.ts";
import { CATEGORIES } from "../features/request-features.ts";
import { BandHitters, DistinctCounter, RunningStats, TinyBloom } from "./sketches.ts";

/** Exchanges whose problems are checked for repeats (the Bloom filter's comfortable load). */
export const REPEAT_SAMPLE = 200;

/** Facts from the accounts file (contract §2), reduced to what detection uses. */
export interface AccountFacts {
  readonly createdAt: number | null;
  readonly emailClass: EmailClass;
  /** Shape of the e-mail local part plus domain, e.g. "a5d4@example-mail.com": generated names share shapes. */
  readonly emailPattern: string | null;
  readonly payment: string | null;
  readonly orgId: string | null;
  readonly verified: boolean;
  readonly tier: string | null;
  readonly signupPrefix: string | null;
}

/** Reduces an e-mail local part to its shape: letter runs -> "a<len>", digit runs -> "d<len>", others kept. */
export function emailShape(local: string): string {
  return local
    .toLowerCase()
    .replace(/[a-z]+/g, (m) => `a${Math.min(m.length, 12)}`)
    .replace(/[0-9]+/g, (m) => `d${Math.min(m.length, 8)}`);
}

export function accountFacts(rec: AccountRecord, enricher: Enricher): AccountFacts {
  const created = rec.created_at ? Date.parse(rec.created_at) : NaN;
  let domain = rec.email_domain ?? null;
  let pattern: string | null = null;
  if (rec.email && rec.email.includes("@")) {
    const at = rec.email.lastIndexOf("@");
    domain = rec.email.slice(at + 1).toLowerCase();
    // Joined, not a template literal: a flat string instead of a chain of concatenations (held per account).
    pattern = [emailShape(rec.email.slice(0, at)), "@", domain].join("");
  }
  return {
    createdAt: Number.isFinite(created) ? created : null,
    emailClass: domain ? enricher.emailDomain(domain) : "unknown",
    emailPattern: pattern,
    payment: rec.payment_fingerprint ?? null,
    orgId: rec.org_id ?? null,
    verified: rec.verified === true,
    tier: rec.tier ?? null,
    signupPrefix: rec.signup_ip ? enricher.ip(rec.signup_ip).prefix : null,
  };
}

/**
 * The facts an account keeps once its first exchange has joined its sign-up keys (payment, e-mail shape,
 * sign-up network: see linking/group-index.ts): those three are read at that moment only, so they are
 * dropped rather than held for the account's lifetime.
 */
export function settledFacts(f: AccountFacts): AccountFacts {
  if (f.payment === null && f.emailPattern === null && f.signupPrefix === null) return f;
  // One literal with every field, kept per account: `{ ...f, payment: null, … }` would get a hidden class of
  // its own in Node 20's V8, and Object.assign onto `{}` would spill fields out of the object.
  return withFacts(f, f.orgId, f.tier, true);
}

/** `f` with `orgId` and `tier` replaced and, when `settled`, the sign-up keys dropped; one literal, fields in `accountFacts`' order. */
export function withFacts(f: AccountFacts, orgId: string | null, tier: string | null, settled: boolean): AccountFacts {
  return {
    createdAt: f.createdAt,
    emailClass: f.emailClass,
    emailPattern: settled ? null : f.emailPattern,
    payment: settled ? null : f.payment,
    orgId,
    verified: f.verified,
    tier,
    signupPrefix: settled ? null : f.signupPrefix,
  };
}

/**
 * What an account holds of a group it joined: the key, the members, whether the group is coordinated,
 * and two scratch fields that group evaluation uses to count co-membership without allocating.
 */
export interface LinkRef {
  readonly key: string;
  /** The key's kind ("tpl", "ip", …) and value (what follows "<kind>:"), split once at creation. */
  readonly kind: string;
  readonly value: string;
  /** For template keys, the numeric band id (band index * 2^32 + hash); 0 otherwise. */
  readonly band: number;
  readonly members: readonly AccountState[];
  readonly linked: boolean;
  mark: number;
  count: number;
}

const NO_LINKS: readonly LinkRef[] = Object.freeze([]);
/** Frozen: the engine replaces it with a list of the account's own on the first move (a push here would throw). */
const NO_MODEL_STARTS = Object.freeze([]) as unknown as Array<{ model: string; t: number }>;

export const NO_FACTS: AccountFacts = {
  createdAt: null,
  emailClass: "unknown",
  emailPattern: null,
  payment: null,
  orgId: null,
  verified: false,
  tier: null,
  signupPrefix: null,
};

/**
 * Layout of an account's one numeric store. Every fixed-size counter and sketch lives in one Uint32Array:
 * each typed array costs ~200 bytes of object overhead on top of its data, which is most of an account's
 * budget (bench/scan.bench.ts measures bytes per account).
 */
// Doubles first, read through a Float64Array over the same buffer (slot pairs; bases are kept even).
const D_FIRST_T = 0;
const D_LAST_T = 2;
const D_OWN = 4;
const D_GAPS = 6; // RunningStats: n, mean, M2
const COUNTERS = D_GAPS + 2 * RunningStats.SLOTS; // cot, multi-turn, agentic, repeat, big-budget, anonymised-network exchanges; ring position
const C_COT = COUNTERS;
const C_MULTI = COUNTERS + 1;
const C_AGENTIC = COUNTERS + 2;
const C_REPEAT = COUNTERS + 3;
const C_BIG = COUNTERS + 4;
const C_ANON = COUNTERS + 5;
const C_BUCKET_POS = COUNTERS + 6;
const CAT = COUNTERS + 7; // exchanges per content category
const HOURS = CAT + CATEGORIES.length; // exchanges per hour of day (UTC)
const BUCKETS = HOURS + 24; // last distinct 10-minute activity buckets (ring)
const KEYCOUNTS = BUCKETS + 16; // linking keys held, per kind
const KMV_IPS = KEYCOUNTS + 8;
const KMV_PROBLEMS = KMV_IPS + DistinctCounter.slots(16);
const BLOOM = KMV_PROBLEMS + DistinctCounter.slots(16);
const BANDS = BLOOM + TinyBloom.SLOTS;
const BAND_COUNT = 4;
const BAND_K = 3;
const IP_CAP = BANDS + BandHitters.slots(BAND_COUNT, BAND_K); // how many IP keys fit (the account was sized for)
const IP_N = IP_CAP + 1; // how many IP keys are held
const IP_KEYS = IP_N + 1; // the first distinct IP hashes (linking keys), as many as the account was sized for

/**
 * Hands out slices of large shared Uint32Arrays for account stores: a typed array of its own costs an account
 * ~190 bytes of wrapper objects on top of its slots. A chunk lives while any of its accounts does; the slots of
 * accounts the engine forgot are handed to new ones.
 */
export class StoreArena {
  private current: Uint32Array = new Uint32Array(0);
  private currentF64: Float64Array = new Float64Array(0);
  private used = 0;
  /** The chunk of the last `take`: the current one, or the chunk of a reused slot. */
  private last: Uint32Array = this.current;
  private lastF64: Float64Array = this.currentF64;
  /** Slots given back (`release`), reused first: forgotten accounts' slots serve new ones. */
  private readonly free: Array<{ chunk: Uint32Array; f64: Float64Array; base: number; size: number }> = [];

  constructor(private readonly chunkSlots = 1 << 13) {}

  /** Reserves `slots` zeroed slots and returns their start in `chunk()` (valid until the next `take`). */
  take(slots: number): number {
    // Even sizes keep every base even, so an account's leading slot pairs are aligned doubles.
    const even = slots + (slots & 1);
    const f = this.free[this.free.length - 1];
    if (f !== undefined && f.size === even) {
      this.free.pop();
      f.chunk.fill(0, f.base, f.base + even);
      this.last = f.chunk;
      this.lastF64 = f.f64;
      return f.base;
    }
    if (this.used + even > this.current.length) {
      this.current = new Uint32Array(Math.max(this.chunkSlots, even));
      this.currentF64 = new Float64Array(this.current.buffer);
      this.used = 0;
    }
    this.last = this.current;
    this.lastF64 = this.currentF64;
    const base = this.used;
    this.used += even;
    return base;
  }

  /** Gives back `slots` slots at `base` of `chunk` (taken from this arena, or an account's own store) for reuse. */
  release(chunk: Uint32Array, f64: Float64Array, base: number, slots: number): void {
    this.free.push({ chunk, f64, base, size: slots + (slots & 1) });
  }

  /** The chunk the last `take` reserved from. */
  chunk(): Uint32Array {
    return this.last;
  }

  /** The same chunk read as doubles (index = u32 index / 2). */
  chunkF64(): Float64Array {
    return this.lastF64;
  }
}

export class AccountState {
  facts: AccountFacts = NO_FACTS;
  /** The account's slots are `store[base, base + slots)`: a slice of an engine-wide arena, or a store of its own. */
  private readonly store: Uint32Array;
  /** The same buffer as doubles; the account's doubles start at `base / 2`. */
  private readonly f64: Float64Array;
  private readonly base: number;
  n = 0;
  lastModel: string | null = null;
  /**
   * When this account moved to a newly released model (the engine decides what is new; bounded to 2).
   * Shared empty list until the first such move: most accounts never make one.
   */
  modelStarts: Array<{ model: string; t: number }> = NO_MODEL_STARTS;
  /** Whether the last exchange used another model than the one before it. */
  switchedModel = false;
  /** Hours between a model's first appearance in all traffic and this account's switch to it (smallest seen), or null. */
  switchLagHours: number | null = null;
  /**
   * Groups of the linking keys this account has joined (see linking/); bounded per kind by the engine.
   * Replaced by an exactly sized copy on each join (`addLink`): joins are rare, and a pushed-to array
   * keeps 16+ spare slots per account.
   */
  links: readonly LinkRef[] = NO_LINKS;
  /** Campaign membership, set by campaign detection or the fast path. */
  campaignId: string | null = null;
  flaggedAt: number | null = null;
  extractionAt: number | null = null;
  /** This account's index in the linking index's table of single-holder keys (-1 until it holds one). */
  keyHolderIndex = -1;

  /**
   * `maxIpKeys`: how many distinct IPs can become linking keys (the engine's `maxIpKeysPerAccount`).
   * `arena`: where the slots come from (the engine's; without one the account gets a store of its own).
   */
  constructor(
    readonly id: string,
    maxIpKeys = 8,
    arena?: StoreArena,
  ) {
    const slots = IP_KEYS + maxIpKeys;
    if (arena) {
      this.base = arena.take(slots);
      this.store = arena.chunk();
      this.f64 = arena.chunkF64();
    } else {
      this.base = 0;
      this.store = new Uint32Array(slots + (slots & 1));
      this.f64 = new Float64Array(this.store.buffer);
    }
    this.store[this.base + IP_CAP] = maxIpKeys;
  }

  // Counters and doubles live in the store (see the layout above); these read and write them.

  /** Event time of the first exchange. */
  get firstT(): number {
    return this.f64[(this.base + D_FIRST_T) >> 1]!;
  }

  /** Latest event time seen. */
  get lastT(): number {
    return this.f64[(this.base + D_LAST_T) >> 1]!;
  }

  /** Own-behaviour score as of the last update (cached for group evaluation). */
  get own(): number {
    return this.f64[(this.base + D_OWN) >> 1]!;
  }

  set own(v: number) {
    this.f64[(this.base + D_OWN) >> 1] = v;
  }

  /** log10 of inter-arrival gaps in seconds. */
  get gaps(): RunningStats {
    return new RunningStats(this.f64, (this.base + D_GAPS) >> 1);
  }

  /** Exchanges that demand step-by-step reasoning. */
  get cotN(): number {
    return this.store[this.base + C_COT]!;
  }

  /** Exchanges that continue a conversation (not tool loops). */
  get multiTurnN(): number {
    return this.store[this.base + C_MULTI]!;
  }

  /** Exchanges inside an agentic tool loop. */
  get agenticN(): number {
    return this.store[this.base + C_AGENTIC]!;
  }

  /** Exchanges among the first REPEAT_SAMPLE that re-send a problem already asked. */
  get repeatN(): number {
    return this.store[this.base + C_REPEAT]!;
  }

  /** Exchanges with large thinking budgets or outputs. */
  get bigBudgetN(): number {
    return this.store[this.base + C_BIG]!;
  }

  /** Exchanges from data-centre, VPN or Tor addresses. */
  get anonNetN(): number {
    return this.store[this.base + C_ANON]!;
  }

  // The sketches are views made on demand over the account's store: a view object per account and sketch
  // would cost more than the 64-byte sketch it points at. The per-exchange path writes the store directly.

  /** Distinct IPs seen (KMV). */
  get ips(): DistinctCounter {
    return new DistinctCounter(this.store, this.base + KMV_IPS, 16);
  }

  /** Distinct problems (normalised last user turns) seen (KMV). */
  get problems(): DistinctCounter {
    return new DistinctCounter(this.store, this.base + KMV_PROBLEMS, 16);
  }

  /** Heavy hitters of template bands. */
  get bands(): BandHitters {
    return new BandHitters(BAND_COUNT, BAND_K, this.store, this.base + BANDS);
  }

  /** Folds one exchange in. `maxIpKeys` bounds how many distinct IPs become linking keys. */
  update(f: RequestFeatures, maxIpKeys: number): void {
    const m = this.store;
    const o = this.base;
    const d = this.f64;
    const dLast = (o + D_LAST_T) >> 1;
    if (this.n === 0) d[(o + D_FIRST_T) >> 1] = f.t;
    else {
      const gap = Math.max(1, (f.t - d[dLast]!) / 1000);
      RunningStats.addAt(d, (o + D_GAPS) >> 1, Math.log10(gap));
    }
    this.n++;
    d[dLast] = Math.max(d[dLast]!, f.t);
    if (f.cot >= 0.5) m[o + C_COT]!++;
    this.store[this.base + CAT + CATEGORIES.indexOf(f.category)]!++;
    // A tool loop is turns of machine output, not a person following up: it is not a conversation.
    if (f.turns > 1 && !f.agenticLoop) m[o + C_MULTI]!++;
    if (f.agenticLoop) m[o + C_AGENTIC]!++;
    if ((f.thinkingBudget ?? 0) >= 8000 || (f.maxTokens ?? 0) >= 16000) m[o + C_BIG]!++;
    if (f.netClass === "hosting" || f.netClass === "vpn" || f.netClass === "tor") m[o + C_ANON]!++;
    this.store[this.base + HOURS + new Date(f.t).getUTCHours()]!++;
    const bucket = Math.floor(f.t / 600_000);
    const pos = m[o + C_BUCKET_POS]!;
    const lastBucket = m[o + BUCKETS + ((pos + 15) & 15)]!;
    if (bucket !== lastBucket) {
      m[o + BUCKETS + pos] = bucket;
      m[o + C_BUCKET_POS] = (pos + 1) & 15;
    }
    if (f.ip) {
      DistinctCounter.addAt(m, o + KMV_IPS, 16, f.ipHash);
      const held = this.store[this.base + IP_N]!;
      if (held < maxIpKeys && held < m[o + IP_CAP]! && !this.hasIpKey(f.ipHash)) {
        this.store[this.base + IP_KEYS + held] = f.ipHash;
        this.store[this.base + IP_N] = held + 1;
      }
    }
    // The 512-bit filter answers well for its first REPEAT_SAMPLE problems; past that it would fill up and
    // call everything a repeat, so the repeat share is measured on that first sample.
    if (this.n <= REPEAT_SAMPLE && TinyBloom.addAndCheckAt(m, o + BLOOM, f.problemHash)) m[o + C_REPEAT]!++;
    DistinctCounter.addAt(m, o + KMV_PROBLEMS, 16, f.problemHash);
    BandHitters.addAt(m, o + BANDS, BAND_COUNT, BAND_K, f.templateBands);
    this.switchedModel = false;
    if (f.model && f.model !== this.lastModel) {
      this.switchedModel = this.lastModel !== null;
      this.lastModel = f.model;
    }
  }

  /** Whether this IP (by its 32-bit hash) is one of the account's first distinct IPs, which are linking keys. */
  hasIpKey(ipHash: number): boolean {
    const v = ipHash >>> 0;
    const end = IP_KEYS + this.store[this.base + IP_N]!;
    for (let i = IP_KEYS; i < end; i++) if (this.store[this.base + i] === v) return true;
    return false;
  }

  /** Records a group this account joined. */
  addLink(l: LinkRef): void {
    const next = new Array<LinkRef>(this.links.length + 1);
    for (let i = 0; i < this.links.length; i++) next[i] = this.links[i]!;
    next[this.links.length] = l;
    this.links = next;
  }

  /** Hours of the day that carry a real share of the traffic: ~24 for scripts, 10–16 for people. */
  activeHours(): number {
    let c = 0;
    const floor = this.n / 72;
    for (let i = 0; i < 24; i++) {
      const h = this.store[this.base + HOURS + i]!;
      if (h > 0 && h >= floor) c++;
    }
    return c;
  }

  share(count: number): number {
    return this.n > 0 ? count / this.n : 0;
  }

  categoryShare(i: number): number {
    return this.share(this.store[this.base + CAT + i]!);
  }

  /** Exchanges in content category `i` (index into CATEGORIES). */
  category(i: number): number {
    return this.store[this.base + CAT + i]!;
  }

  /** The i-th of the last 16 distinct 10-minute activity buckets (0 = empty), for synchronised-activity checks. */
  recentBucket(i: number): number {
    return this.store[this.base + BUCKETS + (i & 15)]!;
  }

  /** How many linking keys of kind index `i` this account holds (groups and not-yet-shared keys alike). */
  keyCount(i: number): number {
    return this.store[this.base + KEYCOUNTS + i]!;
  }

  addKeyCount(i: number): void {
    this.store[this.base + KEYCOUNTS + i]!++;
  }

  /** Hands this account's slots to `arena` for a new account (the engine forgot it: it must not be used again). */
  releaseTo(arena: StoreArena): void {
    arena.release(this.store, this.f64, this.base, IP_KEYS + this.store[this.base + IP_CAP]!);
  }
}
