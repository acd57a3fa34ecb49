/**
 * A batch of analysed exchanges in a compact form for the trip between threads: numbers in typed arrays
 * (transferred, not copied) and strings in one flat array (copied as bytes), instead of one cloned object
 * per exchange. The sending thread is the scan's bottleneck, so it only fills arrays; the receiving thread
 * interns the strings it keeps (account ids, models) and reads exchanges into one reused object.
 */
import type { Category } from "../core/text/index.ts";
import type { NetClass } from "../core/ports/enricher.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";

/** What crosses the thread boundary (structured-clone friendly; `transfer()` lists the buffers). */
export interface PackedFeatures {
  readonly length: number;
  /** t, cot, maxTokens, thinkingBudget, asn per exchange (NaN = null). */
  readonly nums: Float64Array;
  /** skeletonHash, problemHash, ipHash, turns, agenticLoop, band count per exchange. */
  readonly ints: Uint32Array;
  /** accountId, category, paramFp, model, ip, ipPrefix, netClass, client, userAgent, cotCues (joined) per exchange. */
  readonly strings: readonly (string | null)[];
  /** Template bands of all exchanges, in order. */
  readonly bands: Float64Array;
}

const NUMS = 5;
const INTS = 6;
const STRS = 10;
/** Past this many interned strings the receiver starts a new table (bounded on logs with endless distinct ids). */
const MAX_INTERNED = 1 << 20;
/** Cue ids never contain it (they are fixed identifiers): joins a cue list into one string. */
const CUE_SEP = "\u0001";

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Packs analysed exchanges for another thread. */
export function packFeatures(features: readonly RequestFeatures[]): PackedFeatures {
  const n = features.length;
  const nums = new Float64Array(n * NUMS);
  const ints = new Uint32Array(n * INTS);
  const strings = new Array<string | null>(n * STRS);
  let bandCount = 0;
  for (const f of features) bandCount += f.templateBands.length;
  const bands = new Float64Array(bandCount);
  let b = 0;
  for (let i = 0; i < n; i++) {
    const f = features[i]!;
    const p = i * NUMS;
    nums[p] = f.t;
    nums[p + 1] = f.cot;
    nums[p + 2] = orNaN(f.maxTokens);
    nums[p + 3] = orNaN(f.thinkingBudget);
    nums[p + 4] = orNaN(f.asn);
    const q = i * INTS;
    ints[q] = f.skeletonHash;
    ints[q + 1] = f.problemHash;
    ints[q + 2] = f.ipHash;
    ints[q + 3] = f.turns;
    ints[q + 4] = f.agenticLoop ? 1 : 0;
    ints[q + 5] = f.templateBands.length;
    for (const band of f.templateBands) bands[b++] = band;
    const r = i * STRS;
    strings[r] = f.accountId;
    strings[r + 1] = f.category;
    strings[r + 2] = f.paramFp;
    strings[r + 3] = f.model;
    strings[r + 4] = f.ip;
    strings[r + 5] = f.ipPrefix;
    strings[r + 6] = f.netClass;
    strings[r + 7] = f.client;
    strings[r + 8] = f.userAgent;
    strings[r + 9] = f.cotCues.length === 0 ? "" : f.cotCues.join(CUE_SEP);
  }
  return { length: n, nums, ints, strings, bands };
}

/** The buffers of a packed batch, for `postMessage(batch, transfer(batch))`. */
export function transfer(p: PackedFeatures): ArrayBuffer[] {
  return [p.nums.buffer as ArrayBuffer, p.ints.buffer as ArrayBuffer, p.bands.buffer as ArrayBuffer];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_CUES: readonly string[] = Object.freeze([]);

/**
 * The receiving side: reads exchanges back. `get` fills and returns one reused object (valid until the next
 * `get`): the engine reads features and does not keep them. Account ids and models are interned, so the
 * engine's maps and every account's last model share one string each.
 */
export class FeatureUnpacker {
  private readonly interned = new Map<string, string>();
  /** Cue lists by joined string, split once. */
  private readonly cues = new Map<string, readonly string[]>();
  private batch: PackedFeatures | null = null;
  private bandStart = 0;
  private next = 0;
  private readonly bandsOut: number[] = [];
  private readonly f: Mutable<RequestFeatures> = {
    t: 0,
    accountId: "",
    cot: 0,
    cotCues: NO_CUES,
    category: "other",
    skeletonHash: 0,
    templateBands: this.bandsOut,
    problemHash: 0,
    paramFp: "",
    model: null,
    ip: null,
    ipHash: 0,
    ipPrefix: null,
    asn: null,
    netClass: "unknown",
    client: "",
    userAgent: null,
    turns: 0,
    agenticLoop: false,
    maxTokens: null,
    thinkingBudget: null,
  };

  /** Takes a new batch; its exchanges are then read in order with `get(0..length-1)`. */
  load(p: PackedFeatures): void {
    if (this.interned.size > MAX_INTERNED) this.interned.clear();
    if (this.cues.size > MAX_INTERNED) this.cues.clear();
    this.batch = p;
    this.bandStart = 0;
    this.next = 0;
  }

  private intern(s: string | null): string | null {
    if (s === null) return null;
    const known = this.interned.get(s);
    if (known !== undefined) return known;
    this.interned.set(s, s);
    return s;
  }

  private cueList(joined: string): readonly string[] {
    if (joined.length === 0) return NO_CUES;
    let c = this.cues.get(joined);
    if (c === undefined) {
      c = Object.freeze(joined.split(CUE_SEP));
      this.cues.set(joined, c);
    }
    return c;
  }

  /** The i-th exchange of the loaded batch; call in increasing order of i (bands are read sequentially). */
  get(i: number): RequestFeatures {
    const p = this.batch!;
    if (i !== this.next) throw new Error(`FeatureUnpacker.get: exchanges are read in order (expected ${this.next}, got ${i})`);
    const f = this.f;
    const n = i * NUMS;
    f.t = p.nums[n]!;
    f.cot = p.nums[n + 1]!;
    f.maxTokens = orNull(p.nums[n + 2]!);
    f.thinkingBudget = orNull(p.nums[n + 3]!);
    f.asn = orNull(p.nums[n + 4]!);
    const q = i * INTS;
    f.skeletonHash = p.ints[q]!;
    f.problemHash = p.ints[q + 1]!;
    f.ipHash = p.ints[q + 2]!;
    f.turns = p.ints[q + 3]!;
    f.agenticLoop = p.ints[q + 4] === 1;
    const nb = p.ints[q + 5]!;
    const out = this.bandsOut;
    out.length = nb;
    for (let k = 0; k < nb; k++) out[k] = p.bands[this.bandStart + k]!;
    this.bandStart += nb;
    this.next = i + 1;
    const r = i * STRS;
    const s = p.strings;
    f.accountId = this.intern(s[r]!)!;
    f.category = s[r + 1] as Category;
    f.paramFp = s[r + 2]!;
    f.model = this.intern(s[r + 3]!);
    f.ip = s[r + 4]!;
    f.ipPrefix = s[r + 5]!;
    f.netClass = s[r + 6] as NetClass;
    f.client = s[r + 7]!;
    f.userAgent = s[r + 8]!;
    f.cotCues = this.cueList(s[r + 9]!);
    return f;
  }
}
