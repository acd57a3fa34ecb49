/**
 * Draws client addresses from real ASN ranges (pure: the ranges are passed in, randomness is injected).
 */
import type { Rng } from "../rng.ts";
import type { AsnRanges } from "./asn-ranges.ts";

interface Prepared {
  readonly v4: readonly { start: number; end: number }[];
  /** Cumulative weights over v4 ranges (sqrt of size, so big blocks do not swallow every pick). */
  readonly cum: Float64Array;
  readonly v6: readonly { start: bigint; end: bigint }[];
}

/** Dotted-quad text of an IPv4 number. */
export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Compressed RFC 5952 text of an IPv6 bigint. */
export function formatIpv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Address source over a set of loaded ASNs. */
export class IpPool {
  private readonly prepared = new Map<number, Prepared>();

  constructor(ranges: ReadonlyMap<number, AsnRanges>) {
    for (const [asn, r] of ranges) {
      if (r.v4.length === 0) continue;
      const cum = new Float64Array(r.v4.length);
      let acc = 0;
      r.v4.forEach((x, i) => {
        acc += Math.sqrt(x.end - x.start + 1);
        cum[i] = acc;
      });
      this.prepared.set(asn, { v4: r.v4, cum, v6: r.v6 });
    }
  }

  /** True when ranges for this ASN were loaded. */
  has(asn: number): boolean {
    return this.prepared.has(asn);
  }

  /** A random address of one ASN; IPv6 with probability v6Share when the ASN has IPv6 ranges. */
  inAsn(asn: number, rng: Rng, v6Share = 0): string {
    const p = this.prepared.get(asn);
    if (p === undefined) throw new Error(`no address ranges loaded for AS${asn}`);
    if (v6Share > 0 && p.v6.length > 0 && rng.chance(v6Share)) return this.v6(p, rng);
    const total = p.cum[p.cum.length - 1] ?? 0;
    const r = rng.next() * total;
    let lo = 0;
    let hi = p.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((p.cum[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    const range = p.v4[lo] ?? p.v4[0];
    if (range === undefined) throw new Error(`AS${asn} has no IPv4 ranges`);
    let n = range.start + Math.floor(rng.next() * (range.end - range.start + 1));
    const last = n & 255;
    // Avoid .0 and .255, which real clients rarely show up as.
    if ((last === 0 || last === 255) && range.end - range.start >= 255) n = (n & ~255) + 1 + rng.int(0, 252);
    return formatIpv4(n >>> 0);
  }

  /** A random address from one of `asns` (earlier entries more likely), skipping ASNs without ranges. */
  from(asns: readonly number[], rng: Rng, v6Share = 0): string {
    const usable = asns.filter((a) => this.prepared.has(a));
    if (usable.length === 0) throw new Error(`none of AS${asns.join(", AS")} has loaded ranges`);
    const weighted = usable.map((a, i) => [a, 1 / (i + 1)] as const);
    return this.inAsn(rng.weighted(weighted), rng, v6Share);
  }

  /** Another address in the same IPv4 /24 (a campus or office NAT pool). */
  static sibling24(ip: string, rng: Rng): string {
    const parts = ip.split(".");
    if (parts.length !== 4) return ip;
    return `${parts[0]}.${parts[1]}.${parts[2]}.${rng.int(2, 250)}`;
  }

  private v6(p: Prepared, rng: Rng): string {
    const range = rng.pick(p.v6);
    const span = range.end - range.start + 1n;
    const r = (BigInt(rng.u32()) << 96n) | (BigInt(rng.u32()) << 64n) | (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
    return formatIpv6(range.start + (r % span));
  }
}
