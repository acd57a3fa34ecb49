/**
 * A batch of analysed exchanges in a compact form for the trip between threads: numbers in typed arrays
 * (transferred, not copied) and strings as ids into a string table both sides keep, so each distinct
 * account id, IP, model or fingerprint crosses once rather than once per exchange. Cloning plain feature
 * objects cost both threads more than the engine's own work per exchange.
 */
import type { Category } from "../core/text/index.ts";
import type { NetClass } from "../core/ports/enricher.ts";
import type { RequestFeatures } from "../core/features/request-features.ts";

/** What crosses the thread boundary (structured-clone friendly; `transfer()` lists the buffers). */
export interface PackedFeatures {
  readonly length: number;
  /** Strings new to the table since the previous batch, in id order. */
  readonly strings: readonly string[];
  /** The table was cleared before this batch's strings (keeps it bounded on logs with endless distinct values). */
  readonly reset: boolean;
  /** t, cot, maxTokens, thinkingBudget, asn per exchange (NaN = null). */
  readonly nums: Float64Array;
  /** skeletonHash, problemHash, ipHash, turns, agenticLoop, band count per exchange. */
  readonly ints: Uint32Array;
  /** accountId, category, paramFp, model, ip, ipPrefix, netClass, client, userAgent, cotCues per exchange (-1 = null). */
  readonly ids: Int32Array;
  /** Template bands of all exchanges, in order. */
  readonly bands: Float64Array;
}

const NUMS = 5;
const INTS = 6;
const IDS = 10;
/** Past this many table entries both sides start a new table. */
const MAX_STRINGS = 1 << 20;
/** Cue ids never contain it (they are fixed identifiers): joins a cue list into one table string. */
const CUE_SEP = "\u0001";

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The sending side: packs features, remembering which strings the receiver has. */
export class FeaturePacker {
  private readonly table = new Map<string, number>();
  private pending: string[] = [];
  private reset = false;

  /** `maxStrings`: past this many table entries, both sides start a new table (before the next batch). */
  constructor(private readonly maxStrings = MAX_STRINGS) {}

  private id(s: string | null): number {
    if (s === null) return -1;
    let id = this.table.get(s);
    if (id === undefined) {
      id = this.table.size;
      this.table.set(s, id);
      this.pending.push(s);
    }
    return id;
  }

  pack(features: readonly RequestFeatures[]): PackedFeatures {
    if (this.table.size > this.maxStrings) {
      this.table.clear();
      this.pending = [];
      this.reset = true;
    }
    const n = features.length;
    const nums = new Float64Array(n * NUMS);
    const ints = new Uint32Array(n * INTS);
    const ids = new Int32Array(n * IDS);
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
      const r = i * IDS;
      ids[r] = this.id(f.accountId);
      ids[r + 1] = this.id(f.category);
      ids[r + 2] = this.id(f.paramFp);
      ids[r + 3] = this.id(f.model);
      ids[r + 4] = this.id(f.ip);
      ids[r + 5] = this.id(f.ipPrefix);
      ids[r + 6] = this.id(f.netClass);
      ids[r + 7] = this.id(f.client);
      ids[r + 8] = this.id(f.userAgent);
      ids[r + 9] = this.id(f.cotCues.join(CUE_SEP));
    }
    const out: PackedFeatures = { length: n, strings: this.pending, reset: this.reset, nums, ints, ids, bands };
    this.pending = [];
    this.reset = false;
    return out;
  }
}

/** The buffers of a packed batch, for `postMessage(batch, transfer(batch))`. */
export function transfer(p: PackedFeatures): ArrayBuffer[] {
  return [p.nums.buffer as ArrayBuffer, p.ints.buffer as ArrayBuffer, p.ids.buffer as ArrayBuffer, p.bands.buffer as ArrayBuffer];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_CUES: readonly string[] = Object.freeze([]);

/**
 * The receiving side: keeps the string table and reads exchanges back. `get` fills and returns one reused
 * object (valid until the next `get`): the engine reads features and does not keep them.
 */
export class FeatureUnpacker {
  private strings: string[] = [];
  /** Cue lists by table id, split once. */
  private cues: (readonly string[] | undefined)[] = [];
  private batch: PackedFeatures | null = null;
  private bandStart = 0;
  private bandIndex = 0;
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

  /** Takes a new batch (its strings join the table); exchanges are then read in order with `get(0..length-1)`. */
  load(p: PackedFeatures): void {
    if (p.reset) {
      this.strings = [];
      this.cues = [];
    }
    for (const s of p.strings) this.strings.push(s);
    this.batch = p;
    this.bandStart = 0;
    this.bandIndex = 0;
  }

  private str(id: number): string | null {
    return id < 0 ? null : this.strings[id]!;
  }

  private cueList(id: number): readonly string[] {
    let c = this.cues[id];
    if (c === undefined) {
      const s = this.strings[id]!;
      c = s.length === 0 ? NO_CUES : Object.freeze(s.split(CUE_SEP));
      this.cues[id] = c;
    }
    return c;
  }

  /** The i-th exchange of the loaded batch; call in increasing order of i (bands are read sequentially). */
  get(i: number): RequestFeatures {
    const p = this.batch!;
    if (i !== this.bandIndex) throw new Error(`FeatureUnpacker.get: exchanges are read in order (expected ${this.bandIndex}, got ${i})`);
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
    this.bandIndex = i + 1;
    const r = i * IDS;
    f.accountId = this.strings[p.ids[r]!]!;
    f.category = this.strings[p.ids[r + 1]!]! as Category;
    f.paramFp = this.strings[p.ids[r + 2]!]!;
    f.model = this.str(p.ids[r + 3]!);
    f.ip = this.str(p.ids[r + 4]!);
    f.ipPrefix = this.str(p.ids[r + 5]!);
    f.netClass = this.strings[p.ids[r + 6]!]! as NetClass;
    f.client = this.strings[p.ids[r + 7]!]!;
    f.userAgent = this.str(p.ids[r + 8]!);
    f.cotCues = this.cueList(p.ids[r + 9]!);
    return f;
  }
}
