/**
 * The in-memory Enricher, for tests and for callers that know their own network facts, plus the
 * address parsing both it and the real enricher (`src/enrich/`) use, so the two always derive the
 * same prefix from the same address. Pure: no I/O.
 */
import type { ClientInfo, EmailClass, Enricher, IpInfo } from "./enricher.ts";

/** A parsed address: IPv4 as one unsigned 32-bit number, IPv6 as four (most significant first). */
export type ParsedIp =
  | { readonly version: 4; readonly v4: number }
  | { readonly version: 6; readonly words: readonly [number, number, number, number] };

/** Parse one IPv4 dotted quad to an unsigned 32-bit number, or `null`. */
export function parseIpv4(s: string): number | null {
  // One pass over char codes (no split, no regex): this runs for every address the enricher has not cached.
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255 || ++dots > 3) return null;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else return null;
  }
  if (dots !== 3 || digits === 0 || part > 255) return null;
  return n * 256 + part;
}

/** Parse an IPv6 address (with `::`, an embedded IPv4 tail, or a `%zone`) to four 32-bit words, or `null`. */
export function parseIpv6(input: string): [number, number, number, number] | null {
  // One pass over char codes: this parses ~200k range bounds when the ASN table loads.
  let end = input.indexOf("%");
  if (end < 0) end = input.length;
  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  let n = 0;
  let gap = -1;
  let i = 0;
  if (input.charCodeAt(0) === 58) {
    if (input.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let v = 0;
    let j = i;
    for (; j < end; j++) {
      const h = hexValue(input.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
    }
    if (j < end && input.charCodeAt(j) === 46) {
      const v4 = n <= 6 ? parseIpv4(input.slice(i, end)) : null;
      if (v4 === null) return null;
      g[n++] = v4 >>> 16;
      g[n++] = v4 & 0xffff;
      break;
    }
    if (j === i || j - i > 4 || n >= 8) return null;
    g[n++] = v;
    if (j === end) break;
    if (input.charCodeAt(j) !== 58) return null;
    if (input.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return null;
      gap = n;
      j += 2;
    } else if (++j === end) return null;
    i = j;
  }
  if (gap >= 0) {
    if (n > 7) return null;
    const move = n - gap;
    for (let k = 0; k < move; k++) g[7 - k] = g[n - 1 - k] as number;
    for (let k = gap; k < 8 - move; k++) g[k] = 0;
  } else if (n !== 8) return null;
  return [
    (((g[0] as number) << 16) | (g[1] as number)) >>> 0,
    (((g[2] as number) << 16) | (g[3] as number)) >>> 0,
    (((g[4] as number) << 16) | (g[5] as number)) >>> 0,
    (((g[6] as number) << 16) | (g[7] as number)) >>> 0,
  ];
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parse an address as logged by a gateway. Tolerates surrounding space, `[v6]` brackets, a port
 * (`1.2.3.4:443`, `[::1]:443`) and a zone; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is IPv4.
 */
export function parseIp(text: string): ParsedIp | null {
  let s = text.trim();
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return null;
    s = s.slice(1, close);
  }
  if (!s.includes(":") || /^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) {
    const colon = s.indexOf(":");
    const v4 = parseIpv4(colon < 0 ? s : s.slice(0, colon));
    return v4 === null ? null : { version: 4, v4 };
  }
  const words = parseIpv6(s);
  if (words === null) return null;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { version: 4, v4: words[3] };
  return { version: 6, words };
}

/** Format an IPv4 number as a dotted quad. */
export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Format four words as the canonical (RFC 5952) IPv6 text: lower case, longest zero run as `::`. */
export function formatIpv6(words: readonly number[]): string {
  const g: number[] = [];
  for (const w of words) g.push(w >>> 16, w & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/**
 * The linking prefix of an address: IPv4 /24, IPv6 /48, in canonical text ("203.0.113.0/24",
 * "2001:db8:1::/48"). An address that does not parse is its own prefix (trimmed), so identical junk
 * links only with identical junk.
 */
export function ipPrefix(address: string): string {
  const ip = parseIp(address);
  if (ip === null) return address.trim();
  return prefixOf(ip);
}

/** The linking prefix of a parsed address. */
export function prefixOf(ip: ParsedIp): string {
  if (ip.version === 4) return `${formatIpv4(ip.v4 & 0xffffff00)}/24`;
  return `${formatIpv6([ip.words[0], ip.words[1] & 0xffff0000, 0, 0])}/48`;
}

type Table<V> = ReadonlyMap<string, V> | Readonly<Record<string, V>>;

function toMap<V>(t: Table<V> | undefined): ReadonlyMap<string, V> {
  if (t === undefined) return new Map();
  return t instanceof Map ? t : new Map(Object.entries(t as Record<string, V>));
}

/**
 * In-memory Enricher. IP facts come from a table keyed by prefix (or by exact address, which wins);
 * e-mail classes from a table keyed by domain. Unlisted addresses get their derived prefix with no ASN
 * and netClass `unknown`; unlisted domains `unknown`. A client not in the optional table is named by
 * its User-Agent's first product name, lower-cased, and the first dotted number in it
 * ("OpenAI/Python 1.82.0" -> family "openai", version "1.82.0").
 *
 * @example
 * new MemoryEnricher({ "203.0.113.0/24": { asn: 16509, asnOrg: "Amazon", netClass: "hosting" } }, { "uni.edu": "education" })
 */
export class MemoryEnricher implements Enricher {
  private readonly ips: ReadonlyMap<string, Partial<IpInfo>>;
  private readonly domains: ReadonlyMap<string, EmailClass>;
  private readonly clients: ReadonlyMap<string, ClientInfo>;

  constructor(ips?: Table<Partial<IpInfo>>, domains?: Table<EmailClass>, clients?: Table<ClientInfo>) {
    this.ips = toMap(ips);
    this.domains = toMap(domains);
    this.clients = toMap(clients);
  }

  ip(address: string): IpInfo {
    const prefix = ipPrefix(address);
    const known = this.ips.get(address.trim()) ?? this.ips.get(prefix) ?? {};
    return { prefix: known.prefix ?? prefix, asn: known.asn ?? null, asnOrg: known.asnOrg ?? null, netClass: known.netClass ?? "unknown" };
  }

  emailDomain(domain: string): EmailClass {
    const d = domain.trim().toLowerCase().replace(/^.*@/, "");
    return this.domains.get(d) ?? "unknown";
  }

  client(userAgent: string): ClientInfo {
    const known = this.clients.get(userAgent);
    if (known !== undefined) return known;
    const ua = userAgent.trim();
    if (ua === "") return { family: "unknown", version: null };
    const family = (/^[^/\s]+/.exec(ua)?.[0] ?? ua).toLowerCase();
    return { family, version: /\d+(?:\.\d+)+/.exec(ua)?.[0] ?? null };
  }
}
