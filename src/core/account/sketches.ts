/**
 * Fixed-size sketches for per-account state. An account's memory must not grow with its traffic
 * (the seed campaign sent ~1,150 exchanges per account; a SaaS app sends millions), so distinct counts,
 * repeats and heavy hitters live in a few dozen bytes each. Hand-rolled because they sit on the hot path
 * of every event and a generic library allocates per call; see bench/scan.bench.ts for the cost.
 */

/**
 * K-minimum-values distinct counter over 32-bit hashes: exact up to K, then ~1/sqrt(K-2) relative error.
 * It keeps its K minima and its size in a slice of a store it is given (K + 1 slots from `offset`), so an
 * account's sketches share one typed array: a typed array object costs more than the 64 bytes it holds.
 */
export class DistinctCounter {
  /** Slots this counter needs in a store: K minima and the size. */
  static slots(k: number): number {
    return k + 1;
  }

  constructor(
    private readonly store: Uint32Array,
    private readonly offset: number,
    private readonly k = 16,
  ) {}

  /** A counter with a store of its own (tests, one-off use). */
  static standalone(k = 16): DistinctCounter {
    return new DistinctCounter(new Uint32Array(DistinctCounter.slots(k)), 0, k);
  }

  private get size(): number {
    return this.store[this.offset + this.k]!;
  }

  /** Adds a 32-bit hash (callers hash their values; use well-mixed hashes). */
  add(h: number): void {
    DistinctCounter.addAt(this.store, this.offset, this.k, h);
  }

  /** `add` on the counter at `offset` of `m`, without a counter object (the per-exchange path). */
  static addAt(m: Uint32Array, o: number, k: number, h: number): void {
    const v = h >>> 0;
    const n = m[o + k]!;
    // Sorted ascending insert; skip duplicates.
    let i = 0;
    while (i < n && m[o + i]! < v) i++;
    if (i < n && m[o + i] === v) return;
    if (n < k) {
      m.copyWithin(o + i + 1, o + i, o + n);
      m[o + i] = v;
      m[o + k] = n + 1;
      return;
    }
    if (i >= k) return;
    m.copyWithin(o + i + 1, o + i, o + k - 1);
    m[o + i] = v;
  }

  /**
   * Distinct values across several counters (the union of their sets), from their minimum values:
   * KMV sketches merge exactly like this, so overlap between accounts costs no extra state.
   */
  static unionEstimate(counters: readonly DistinctCounter[]): number {
    const k = counters[0]?.k ?? 16;
    const all: number[] = [];
    for (const c of counters) for (let i = 0; i < c.size; i++) all.push(c.store[c.offset + i]!);
    all.sort((x, y) => x - y);
    const mins: number[] = [];
    for (const v of all) if (mins.length === 0 || mins[mins.length - 1] !== v) {
      mins.push(v);
      if (mins.length === k) break;
    }
    if (mins.length < k) return mins.length;
    return ((k - 1) * 4294967296) / (mins[k - 1]! + 1);
  }

  estimate(): number {
    const n = this.size;
    if (n < this.k) return n;
    const kth = this.store[this.offset + this.k - 1]!;
    return ((this.k - 1) * 4294967296) / (kth + 1);
  }
}

/** A 512-bit Bloom filter with 2 probes in 16 slots of a given store: "seen this problem before?" for rejection-sampling repeats. */
export class TinyBloom {
  static readonly SLOTS = 16;

  constructor(
    private readonly bits: Uint32Array,
    private readonly offset: number,
  ) {}

  /** Adds h and returns true when it was (probably) present already. */
  addAndCheck(h: number): boolean {
    return TinyBloom.addAndCheckAt(this.bits, this.offset, h);
  }

  /** `addAndCheck` on the filter at `o` of `bits`, without a filter object (the per-exchange path). */
  static addAndCheckAt(bits: Uint32Array, o: number, h: number): boolean {
    const a = h & 511;
    const b = (Math.imul(h, 0x9e3779b1) >>> 23) & 511;
    const hit = (bits[o + (a >>> 5)]! & (1 << (a & 31))) !== 0 && (bits[o + (b >>> 5)]! & (1 << (b & 31))) !== 0;
    bits[o + (a >>> 5)]! |= 1 << (a & 31);
    bits[o + (b >>> 5)]! |= 1 << (b & 31);
    return hit;
  }
}

/**
 * Running mean/variance (Welford) kept as n, mean and M2 in 3 slots of a Float64Array it is given (an
 * account's doubles share one buffer with its counters: boxed number fields cost 16 bytes each).
 */
export class RunningStats {
  static readonly SLOTS = 3;

  constructor(
    private readonly store: Float64Array = new Float64Array(RunningStats.SLOTS),
    private readonly offset = 0,
  ) {}

  get n(): number {
    return this.store[this.offset]!;
  }

  get mean(): number {
    return this.store[this.offset + 1]!;
  }

  add(x: number): void {
    RunningStats.addAt(this.store, this.offset, x);
  }

  /** `add` on the stats at `o` of `m`, without a stats object (the per-exchange path). */
  static addAt(m: Float64Array, o: number, x: number): void {
    const n = m[o]! + 1;
    m[o] = n;
    const mean = m[o + 1]!;
    const d = x - mean;
    const next = mean + d / n;
    m[o + 1] = next;
    m[o + 2] = m[o + 2]! + d * (x - next);
  }

  variance(): number {
    const n = this.store[this.offset]!;
    return n > 1 ? this.store[this.offset + 2]! / (n - 1) : 0;
  }
}

/**
 * Heavy hitters of template bands, one Misra–Gries summary of `k` counters per LSH band index, in a slice of
 * a store it is given. Each exchange adds exactly one id per band, so each summary sees a plain stream and its
 * counts stay meaningful as shares of traffic. Band ids are numbers (band index * 2^32 + hash); a slot's band
 * is its position, so only the 32-bit hash is stored next to the count.
 */
export class BandHitters {
  /** Slots a summary needs in a store: a count and a hash per counter. */
  static slots(bands: number, k: number): number {
    return 2 * bands * k;
  }

  private readonly store: Uint32Array;
  /** Where the hashes start in the store (the counts start at `offset`). */
  private readonly hashes: number;

  /** `store` holds `BandHitters.slots(bands, k)` slots from `offset` (shared with the account's other sketches). */
  constructor(
    private readonly bands: number,
    private readonly k: number,
    store?: Uint32Array,
    private readonly offset = 0,
  ) {
    this.store = store ?? new Uint32Array(BandHitters.slots(bands, k));
    this.hashes = offset + bands * k;
  }

  /** Adds the band ids of one exchange (one per band, in band order). */
  add(ids: readonly number[]): void {
    BandHitters.addAt(this.store, this.offset, this.bands, this.k, ids);
  }

  /** `add` on the summary at `o` of `m`, without a summary object (the per-exchange path). */
  static addAt(m: Uint32Array, o: number, bands: number, k: number, ids: readonly number[]): void {
    const ho = o + bands * k;
    for (let b = 0; b < ids.length && b < bands; b++) {
      // The hash part of the id; an id of another band than its position would not fit 32 bits, so never matches.
      const h = ids[b]! - b * 4294967296;
      const base = b * k;
      let free = -1;
      let hit = false;
      for (let j = base; j < base + k; j++) {
        if (m[o + j]! > 0 && m[ho + j] === h) {
          m[o + j]!++;
          hit = true;
          break;
        }
        if (free < 0 && m[o + j] === 0) free = j;
      }
      if (hit) continue;
      if (free >= 0) {
        m[ho + free] = h;
        m[o + free] = 1;
        continue;
      }
      for (let j = base; j < base + k; j++) m[o + j]!--;
    }
  }

  /** Lower-bound count of a band id, 0 when not tracked. */
  count(id: number): number {
    const band = Math.floor(id / 4294967296);
    if (band < 0 || band >= this.bands) return 0;
    const h = id - band * 4294967296;
    const base = band * this.k;
    const m = this.store;
    for (let j = base; j < base + this.k; j++) if (m[this.offset + j]! > 0 && m[this.hashes + j] === h) return m[this.offset + j]!;
    return 0;
  }

  /** Calls `fn` for every tracked id with its count. */
  forEach(fn: (id: number, count: number) => void): void {
    const n = this.bands * this.k;
    for (let j = 0; j < n; j++) if (this.store[this.offset + j]! > 0) fn(Math.floor(j / this.k) * 4294967296 + this.store[this.hashes + j]!, this.store[this.offset + j]!);
  }

  /** The largest count of any tracked id. */
  topCount(): number {
    let best = 0;
    const n = this.bands * this.k;
    for (let j = 0; j < n; j++) if (this.store[this.offset + j]! > best) best = this.store[this.offset + j]!;
    return best;
  }
}
