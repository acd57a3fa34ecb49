/**
 * A batch of analysed exchanges in a compact form for the trip between threads: numbers in typed arrays
 * (transferred, not copied) and strings in one flat array (copied as bytes), instead of one cloned object
 * per exchange. The sending thread (the worker) reads, parses and computes each exchange's context features;
 * the content analysis (CoT cues, category, skeleton, MinHash) runs on the receiving thread, once per
 * distinct content: the sender numbers each distinct content input (`ContentIds`) and sends its text only
 * the first time, later exchanges carry the number. Traffic repeats content a lot (re-sent history, shared
 * system prompts, re-sent problems), so this moves the costliest analysis to the thread with spare time and
 * runs it once per text. The receiver interns the strings it keeps (account ids, models) and reads exchanges
 * into one reused object.
 */
import type { NetClass } from "../core/ports/enricher.ts";
import type { Category } from "../core/text/index.ts";
import type { ContentInput, ContextFeatures, RequestFeatures } from "../core/features/request-features.ts";
import { analyseContent } from "../core/features/request-features.ts";
import type { ContentFeatures } from "../core/features/content-cache.ts";
import { DEFAULT_CACHE_CHARS } from "../core/features/content-cache.ts";
import { systemHashOf } from "../core/features/request-features.ts";
import { combine32, hash32 } from "../core/text/index.ts";

/** What crosses the thread boundary (structured-clone friendly; `transfer()` lists the buffers). */
export interface PackedFeatures {
  readonly length: number;
  /** t, maxTokens, thinkingBudget, asn per exchange (NaN = null). */
  readonly nums: Float64Array;
  /** content id, ipHash, turns, agenticLoop per exchange. */
  readonly ints: Uint32Array;
  /** accountId, model, ip per exchange (strings that are new objects for every exchange: JSON.parse made them). */
  readonly strings: readonly (string | null)[];
  /** String ids (see `SharedStrings`; 0 = null) of paramFp, ipPrefix, netClass per exchange. */
  readonly shared: Uint32Array;
  /** Strings first numbered in this batch, in id order (they continue the receiver's table). */
  readonly newShared: readonly string[];
  /** The sender restarted its string table before this batch: the receiver restarts its own first. */
  readonly resetShared: boolean;
  /** Content first numbered in this batch: ids, flags (bit 0 tools defined, bit 1 tool turns), texts (system, last user per id). */
  readonly newIds: Uint32Array;
  readonly newFlags: Uint8Array;
  readonly newTexts: readonly string[];
  /**
   * Content first numbered in this batch and already analysed by the sender (when the receiver was behind):
   * ids; cot per id; skeletonHash, problemHash, band count per id; the bands in order; category and cues
   * (joined) per id.
   */
  readonly doneIds: Uint32Array;
  readonly doneNums: Float64Array;
  readonly doneInts: Uint32Array;
  readonly doneBands: Float64Array;
  readonly doneStrings: readonly string[];
  /** Content ids the receiver may forget once this batch is read (never used again). */
  readonly dropped: Uint32Array;
}

const NUMS = 4;
const INTS = 4;
const STRS = 3;
const SHARED = 3;
/** Past this many shared strings both sides start a new table. */
const MAX_SHARED = 1 << 18;
/** Past this many interned strings the receiver starts a new table (bounded on logs with endless distinct ids). */
const MAX_INTERNED = 1 << 20;
/** Cue ids never contain it (they are fixed identifiers): joins a cue list into one string. */
const CUE_SEP = "\u0001";
/** Longer content inputs get an id of their own each time and are forgotten after their batch. */
const MAX_KEY_CHARS = 64 * 1024;

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** A numbered content in `ContentIds`: its texts (to verify a hash match), flags and id; `next` chains equal hashes. */
interface IdEntry {
  readonly system: string;
  readonly lastUser: string;
  readonly flags: number;
  readonly id: number;
  next: IdEntry | null;
}

/**
 * The sender's numbering of distinct content inputs, bounded like `ContentCache`: two generations by text
 * characters; an id left in the older generation when it is dropped is reported in `dropped` so the receiver
 * forgets its features too. Ids are never reused.
 *
 * Looked up by a 32-bit hash of the system prompt (which the parameter fingerprint computes anyway), the last
 * user text and the flags, then verified on the texts themselves: a string-keyed map would hash a joined key
 * afresh for every exchange (the texts come from JSON.parse, new strings each time), after first copying it
 * flat; that was this thread's costliest step after JSON.parse.
 */
export class ContentIds {
  private young = new Map<number, IdEntry>();
  private old = new Map<number, IdEntry>();
  private youngChars = 0;
  private youngSize = 0;
  private oldSize = 0;
  private nextId = 0;
  private readonly genChars: number;
  /** Ids released since the last `takeDropped`. */
  private dropped: number[] = [];
  /** Whether the last `idOf` numbered a new content. */
  isNew = false;

  constructor(maxChars: number = DEFAULT_CACHE_CHARS) {
    if (!(maxChars >= 2)) throw new RangeError(`content id table size must be >= 2 characters, got ${maxChars}`);
    this.genChars = Math.floor(maxChars / 2);
  }

  /** Ids held (both generations). */
  get size(): number {
    return this.youngSize + this.oldSize;
  }

  /** The id of this content input; `isNew` tells whether it was numbered just now. */
  idOf(input: ContentInput): number {
    const { system, lastUser } = input;
    const flags = (input.toolsDefined ? 1 : 0) | (input.toolTurns ? 2 : 0);
    const h = combine32(combine32(input.systemHash ?? systemHashOf(system), hash32(lastUser)), flags) | 0;
    const y = find(this.young.get(h), system, lastUser, flags);
    if (y !== null) {
      this.isNew = false;
      return y.id;
    }
    const chars = system.length + lastUser.length + 1;
    const o = find(this.old.get(h), system, lastUser, flags);
    if (o !== null) {
      this.isNew = false;
      this.removeOld(h, o);
      this.put(h, system, lastUser, flags, o.id, chars);
      return o.id;
    }
    this.isNew = true;
    const id = this.nextId++;
    if (id >= 0xffffffff) throw new RangeError("content id table: more than 2^32 - 1 distinct contents");
    if (chars <= MAX_KEY_CHARS && chars <= this.genChars) this.put(h, system, lastUser, flags, id, chars);
    else this.dropped.push(id);
    return id;
  }

  private removeOld(h: number, e: IdEntry): void {
    const head = this.old.get(h)!;
    if (head === e) {
      if (e.next === null) this.old.delete(h);
      else this.old.set(h, e.next);
    } else {
      let p = head;
      while (p.next !== e) p = p.next!;
      p.next = e.next;
    }
    this.oldSize--;
  }

  private put(h: number, system: string, lastUser: string, flags: number, id: number, chars: number): void {
    if (this.youngChars + chars > this.genChars) {
      for (let e of this.old.values()) for (; e !== null; e = e.next!) this.dropped.push(e.id);
      this.old = this.young;
      this.oldSize = this.youngSize;
      this.young = new Map();
      this.youngChars = 0;
      this.youngSize = 0;
    }
    this.young.set(h, { system, lastUser, flags, id, next: this.young.get(h) ?? null });
    this.youngChars += chars;
    this.youngSize++;
  }

  /** Ids released since the last call. */
  takeDropped(): number[] {
    const d = this.dropped;
    this.dropped = [];
    return d;
  }
}

function find(e: IdEntry | undefined, system: string, lastUser: string, flags: number): IdEntry | null {
  for (let x = e ?? null; x !== null; x = x.next) if (x.flags === flags && x.lastUser === lastUser && x.system === system) return x;
  return null;
}

/**
 * The sender's numbering of the per-exchange strings that repeat as one object (memoised or cached by the
 * sender: parameter fingerprints, network prefixes, network classes): id 0 is null, ids 1.. go in first-seen
 * order, and what was numbered since the last `takeNew` is what the receiver appends to its table. Each such
 * string crosses once instead of with every exchange. Only for those: a string that is a new object every time
 * (an account id out of JSON.parse) would be hashed afresh by the lookup, which costs more than copying it.
 * Bounded: `reset` (between batches) starts again from 1.
 */
export class SharedStrings {
  private ids = new Map<string, number>();
  private fresh: string[] = [];

  constructor(private readonly maxStrings: number = MAX_SHARED) {}

  get full(): boolean {
    return this.ids.size >= this.maxStrings;
  }

  idOf(s: string | null): number {
    if (s === null) return 0;
    const known = this.ids.get(s);
    if (known !== undefined) return known;
    const id = this.ids.size + 1;
    this.ids.set(s, id);
    this.fresh.push(s);
    return id;
  }

  /** Strings numbered since the last call, in id order. */
  takeNew(): string[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }

  reset(): void {
    this.ids = new Map();
    this.fresh = [];
  }
}

/** Fills one batch on the sending side: `add` each exchange, then `take` the packed batch. */
export class FeaturePacker {
  private ctx: ContextFeatures[] = [];
  private ids: number[] = [];
  private newIds: number[] = [];
  private newFlags: number[] = [];
  private newTexts: string[] = [];
  private done: { id: number; c: ContentFeatures }[] = [];
  /**
   * Whether new content is analysed here rather than on the receiving thread: the sender sets it when the
   * receiver falls behind, so the two threads share the analysis. The features are the same either way.
   */
  analyseHere = false;

  private readonly sharedIds: SharedStrings;
  /** The shared-string table was restarted after the last batch: the next one tells the receiver. */
  private resetPending = false;

  constructor(
    private readonly contentIds: ContentIds = new ContentIds(),
    maxShared: number = MAX_SHARED,
  ) {
    this.sharedIds = new SharedStrings(maxShared);
  }

  /** Exchanges added since the last `take`. */
  get length(): number {
    return this.ctx.length;
  }

  add(ctx: ContextFeatures, input: ContentInput): void {
    const ids = this.contentIds;
    const id = ids.idOf(input);
    if (ids.isNew && this.analyseHere) this.done.push({ id, c: analyseContent(input) });
    else if (ids.isNew) {
      this.newIds.push(id);
      this.newFlags.push((input.toolsDefined ? 1 : 0) | (input.toolTurns ? 2 : 0));
      this.newTexts.push(input.system, input.lastUser);
    }
    this.ctx.push(ctx);
    this.ids.push(id);
  }

  /** The packed batch of the exchanges added since the last call. */
  take(): PackedFeatures {
    const features = this.ctx;
    const n = features.length;
    const nums = new Float64Array(n * NUMS);
    const ints = new Uint32Array(n * INTS);
    const strings = new Array<string | null>(n * STRS);
    const shared = new Uint32Array(n * SHARED);
    const sid = this.sharedIds;
    for (let i = 0; i < n; i++) {
      const f = features[i]!;
      const p = i * NUMS;
      nums[p] = f.t;
      nums[p + 1] = orNaN(f.maxTokens);
      nums[p + 2] = orNaN(f.thinkingBudget);
      nums[p + 3] = orNaN(f.asn);
      const q = i * INTS;
      ints[q] = this.ids[i]!;
      ints[q + 1] = f.ipHash;
      ints[q + 2] = f.turns;
      ints[q + 3] = f.agenticLoop ? 1 : 0;
      const r = i * STRS;
      strings[r] = f.accountId;
      strings[r + 1] = f.model;
      strings[r + 2] = f.ip;
      const h = i * SHARED;
      shared[h] = sid.idOf(f.paramFp);
      shared[h + 1] = sid.idOf(f.ipPrefix);
      shared[h + 2] = sid.idOf(f.netClass);
    }
    const done = this.done;
    let bandCount = 0;
    for (const d of done) bandCount += d.c.templateBands.length;
    const doneIds = new Uint32Array(done.length);
    const doneNums = new Float64Array(done.length);
    const doneInts = new Uint32Array(done.length * 3);
    const doneBands = new Float64Array(bandCount);
    const doneStrings = new Array<string>(done.length * 2);
    let b = 0;
    for (let k = 0; k < done.length; k++) {
      const { id, c } = done[k]!;
      doneIds[k] = id;
      doneNums[k] = c.cot;
      doneInts[3 * k] = c.skeletonHash;
      doneInts[3 * k + 1] = c.problemHash;
      doneInts[3 * k + 2] = c.templateBands.length;
      for (const band of c.templateBands) doneBands[b++] = band;
      doneStrings[2 * k] = c.category;
      doneStrings[2 * k + 1] = c.cotCues.join(CUE_SEP);
    }
    const packed: PackedFeatures = {
      length: n,
      nums,
      ints,
      strings,
      shared,
      newShared: sid.takeNew(),
      resetShared: this.resetPending,
      newIds: Uint32Array.from(this.newIds),
      newFlags: Uint8Array.from(this.newFlags),
      newTexts: this.newTexts,
      doneIds,
      doneNums,
      doneInts,
      doneBands,
      doneStrings,
      dropped: Uint32Array.from(this.contentIds.takeDropped()),
    };
    // Restarted between batches only, so all of one batch's ids refer to one table.
    this.resetPending = sid.full;
    if (this.resetPending) sid.reset();
    this.ctx = [];
    this.ids = [];
    this.newIds = [];
    this.newFlags = [];
    this.newTexts = [];
    this.done = [];
    return packed;
  }
}

/** The buffers of a packed batch, for `postMessage(batch, transfer(batch))`. */
export function transfer(p: PackedFeatures): ArrayBuffer[] {
  return [p.nums.buffer, p.ints.buffer, p.shared.buffer, p.newIds.buffer, p.newFlags.buffer, p.doneIds.buffer, p.doneNums.buffer, p.doneInts.buffer, p.doneBands.buffer, p.dropped.buffer] as ArrayBuffer[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The receiving side: analyses each new content once and reads exchanges back. `get` fills and returns one
 * reused object (valid until the next `get`): the engine reads features and does not keep them. Account ids
 * and models are interned, so the engine's maps and every account's last model share one string each.
 */
export class FeatureUnpacker {
  private readonly interned = new Map<string, string>();
  /** Shared strings by the sender's id (0 = null). */
  private shared: (string | null)[] = [null];
  /** Content features by id, for the ids the sender still holds. */
  private readonly contents = new Map<number, ContentFeatures>();
  /** Ids the previous batch released: forgotten when the next one is loaded. */
  private pendingDrops: Uint32Array = new Uint32Array(0);
  private batch: PackedFeatures | null = null;
  private next = 0;
  private readonly f: Mutable<RequestFeatures> = {
    t: 0,
    accountId: "",
    cot: 0,
    cotCues: [],
    category: "other",
    skeletonHash: 0,
    templateBands: [],
    problemHash: 0,
    paramFp: "",
    model: null,
    ip: null,
    ipHash: 0,
    ipPrefix: null,
    asn: null,
    netClass: "unknown",
    turns: 0,
    agenticLoop: false,
    maxTokens: null,
    thinkingBudget: null,
  };

  /** Content features held (bounded by the sender's table). */
  get contentsHeld(): number {
    return this.contents.size;
  }

  /** Takes a new batch (analysing the content it numbers); its exchanges are then read in order with `get(0..length-1)`. */
  load(p: PackedFeatures): void {
    if (this.interned.size > MAX_INTERNED) this.interned.clear();
    if (p.resetShared) this.shared = [null];
    for (const str of p.newShared) this.shared.push(str);
    for (const id of this.pendingDrops) this.contents.delete(id);
    for (let k = 0; k < p.newIds.length; k++) {
      const flags = p.newFlags[k]!;
      const input: ContentInput = { system: p.newTexts[2 * k]!, lastUser: p.newTexts[2 * k + 1]!, toolsDefined: (flags & 1) !== 0, toolTurns: (flags & 2) !== 0 };
      this.contents.set(p.newIds[k]!, analyseContent(input));
    }
    let b = 0;
    for (let k = 0; k < p.doneIds.length; k++) {
      const nb = p.doneInts[3 * k + 2]!;
      const cues = p.doneStrings[2 * k + 1]!;
      this.contents.set(p.doneIds[k]!, {
        cot: p.doneNums[k]!,
        cotCues: Object.freeze(cues.length === 0 ? [] : cues.split(CUE_SEP)),
        category: p.doneStrings[2 * k] as Category,
        skeletonHash: p.doneInts[3 * k]!,
        templateBands: Object.freeze(Array.from(p.doneBands.subarray(b, b + nb))),
        problemHash: p.doneInts[3 * k + 1]!,
      });
      b += nb;
    }
    this.pendingDrops = p.dropped;
    this.batch = p;
    this.next = 0;
  }

  private sharedString(id: number): string | null {
    const s = this.shared[id];
    if (s === undefined) throw new Error(`FeatureUnpacker.get: shared string ${id} was never sent`);
    return s;
  }

  private intern(s: string | null): string | null {
    if (s === null) return null;
    const known = this.interned.get(s);
    if (known !== undefined) return known;
    this.interned.set(s, s);
    return s;
  }

  /** The i-th exchange of the loaded batch; call in increasing order of i. */
  get(i: number): RequestFeatures {
    const p = this.batch!;
    if (i !== this.next) throw new Error(`FeatureUnpacker.get: exchanges are read in order (expected ${this.next}, got ${i})`);
    this.next = i + 1;
    const f = this.f;
    const n = i * NUMS;
    f.t = p.nums[n]!;
    f.maxTokens = orNull(p.nums[n + 1]!);
    f.thinkingBudget = orNull(p.nums[n + 2]!);
    f.asn = orNull(p.nums[n + 3]!);
    const q = i * INTS;
    const id = p.ints[q]!;
    const c = this.contents.get(id);
    if (c === undefined) throw new Error(`FeatureUnpacker.get: content ${id} was never sent or already released`);
    f.cot = c.cot;
    f.cotCues = c.cotCues;
    f.category = c.category;
    f.skeletonHash = c.skeletonHash;
    f.templateBands = c.templateBands;
    f.problemHash = c.problemHash;
    f.ipHash = p.ints[q + 1]!;
    f.turns = p.ints[q + 2]!;
    f.agenticLoop = p.ints[q + 3] === 1;
    const r = i * STRS;
    const s = p.strings;
    f.accountId = this.intern(s[r]!)!;
    f.model = this.intern(s[r + 1]!);
    f.ip = s[r + 2]!;
    const h = i * SHARED;
    f.paramFp = this.sharedString(p.shared[h]!)!;
    f.ipPrefix = this.sharedString(p.shared[h + 1]!);
    f.netClass = this.sharedString(p.shared[h + 2]!) as NetClass;
    return f;
  }
}
