/**
 * Sorted, non-overlapping address ranges in typed arrays with binary search: the storage behind the
 * ASN table (400k IPv4 + 100k IPv6 ranges) and the optional CIDR lists. IPv4 bounds are one Uint32
 * each; IPv6 bounds are four Uint32 words compared in order (no BigInt on the lookup path).
 */
import type { ParsedIp } from "../core/ports/memory-enricher.ts";
import { parseIp } from "../core/ports/memory-enricher.ts";

/** Compare two IPv6 addresses stored as 4 words at offsets `i` of `a` and `j` of `b`. */
function cmp6(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[i + k] as number;
    const y = b[j + k] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Builder for a range table: add ranges in any order, then `build()` sorts them. */
export class RangeTableBuilder {
  private readonly v4: Array<[number, number, number]> = [];
  private readonly v6: Array<[number[], number[], number]> = [];

  addV4(start: number, end: number, value: number): void {
    this.v4.push([start >>> 0, end >>> 0, value]);
  }

  addV6(start: readonly number[], end: readonly number[], value: number): void {
    this.v6.push([[...start], [...end], value]);
  }

  /**
   * Add a CIDR ("10.0.0.0/8", "2001:db8::/32") or a bare address. Returns false when it does not parse.
   */
  addCidr(text: string, value: number): boolean {
    const slash = text.indexOf("/");
    const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
    if (ip === null) return false;
    const max = ip.version === 4 ? 32 : 128;
    const bits = slash < 0 ? max : Number(text.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > max || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) return false;
    if (ip.version === 4) {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const start = (ip.v4 & mask) >>> 0;
      this.addV4(start, (start | (~mask >>> 0)) >>> 0, value);
    } else {
      const start: number[] = [];
      const end: number[] = [];
      for (let k = 0; k < 4; k++) {
        const b = Math.max(0, Math.min(32, bits - 32 * k));
        const mask = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
        start.push((ip.words[k]! & mask) >>> 0);
        end.push((ip.words[k]! | (~mask >>> 0)) >>> 0);
      }
      this.addV6(start, end, value);
    }
    return true;
  }

  /**
   * Sort the ranges into a table. With `merge`, overlapping ranges are joined (the earlier value is
   * kept): right for membership lists, whose CIDRs often nest. Without it ranges must not overlap
   * (true of the ASN data), and a lookup returns the range with the nearest start.
   */
  build(opts: { merge?: boolean } = {}): RangeTable {
    this.v4.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    this.v6.sort((a, b) => cmp6(a[0], 0, b[0], 0) || cmp6(b[1], 0, a[1], 0));
    if (opts.merge === true) {
      mergeInPlace(this.v4, (a, b) => a[0] <= b[1], (a, b) => {
        if (b[1] > a[1]) a[1] = b[1];
      });
      mergeInPlace(this.v6, (a, b) => cmp6(a[0], 0, b[1], 0) <= 0, (a, b) => {
        if (cmp6(b[1], 0, a[1], 0) > 0) a[1] = b[1];
      });
    }
    const n4 = this.v4.length;
    const s4 = new Uint32Array(n4);
    const e4 = new Uint32Array(n4);
    const v4 = new Int32Array(n4);
    this.v4.forEach(([s, e, v], i) => {
      s4[i] = s;
      e4[i] = e;
      v4[i] = v;
    });
    const n6 = this.v6.length;
    const s6 = new Uint32Array(n6 * 4);
    const e6 = new Uint32Array(n6 * 4);
    const v6 = new Int32Array(n6);
    this.v6.forEach(([s, e, v], i) => {
      s6.set(s, i * 4);
      e6.set(e, i * 4);
      v6[i] = v;
    });
    return new RangeTable(s4, e4, v4, s6, e6, v6);
  }
}

/** Join each range into the previous one while `overlaps(next, previous)`; keeps sorted order. */
function mergeInPlace<T>(rows: T[], overlaps: (next: T, prev: T) => boolean, extend: (prev: T, next: T) => void): void {
  let w = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as T;
    if (w > 0 && overlaps(row, rows[w - 1] as T)) extend(rows[w - 1] as T, row);
    else rows[w++] = row;
  }
  rows.length = w;
}

/** Immutable range table: the range with the greatest start at or below an address holds it, if its end reaches. */
export class RangeTable {
  /**
   * Wrap typed arrays already sorted by start (IPv6 bounds as 4 words per range). Used by the ASN
   * loader, which fills the arrays directly rather than building half a million small tuples.
   */
  static fromSorted(v4: { s: Uint32Array; e: Uint32Array; v: Int32Array }, v6: { s: Uint32Array; e: Uint32Array; v: Int32Array }): RangeTable {
    return new RangeTable(v4.s, v4.e, v4.v, v6.s, v6.e, v6.v);
  }

  constructor(
    private readonly s4: Uint32Array,
    private readonly e4: Uint32Array,
    private readonly v4: Int32Array,
    private readonly s6: Uint32Array,
    private readonly e6: Uint32Array,
    private readonly v6: Int32Array,
  ) {}

  /** Number of IPv4 and IPv6 ranges held. */
  get size(): { v4: number; v6: number } {
    return { v4: this.v4.length, v6: this.v6.length };
  }

  /** The value of a range containing the address, or -1 when none does. */
  lookup(ip: ParsedIp): number {
    return ip.version === 4 ? this.lookup4(ip.v4) : this.lookup6(ip.words);
  }

  private lookup4(x: number): number {
    let lo = 0;
    let hi = this.s4.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.s4[mid] as number) <= x) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && (this.e4[at] as number) >= x ? (this.v4[at] as number) : -1;
  }

  private lookup6(w: readonly number[]): number {
    let lo = 0;
    let hi = this.v6.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp6(this.s6, mid * 4, w, 0) <= 0) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && cmp6(this.e6, at * 4, w, 0) >= 0 ? (this.v6[at] as number) : -1;
  }
}
