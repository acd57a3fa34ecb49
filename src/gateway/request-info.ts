/**
 * Small, pure readers of an incoming request: which API family it speaks, the moat key it carries,
 * the client address (X-Forwarded-For only from a trusted proxy), and whether it is a model exchange.
 */
import type { IncomingHttpHeaders } from "node:http";
import { BlockList, isIP } from "node:net";
import type { ApiFamily } from "./api-errors.ts";
import { parseIpv4, parseIpv6 } from "../core/ports/memory-enricher.ts";

/** Paths whose POSTs are model exchanges: fed to the engine, logged, and subject to every action. */
export const EXCHANGE_PATHS: Readonly<Record<string, ApiFamily>> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai",
};

/**
 * What moat forwards besides exchanges, by default: listing models and counting tokens. Every other path is
 * refused unless the operator lists it (`passThrough`): a generation endpoint moat cannot read (the Responses,
 * legacy Completions or Batches APIs…) would let an account that is throttled or degraded here, or that the
 * engine should see, get answers unobserved.
 */
export const DEFAULT_PASS_THROUGH: readonly string[] = ["GET /v1/models", "GET /v1/models/*", "POST /v1/messages/count_tokens"];

/** One `passThrough` entry: an optional method, then a path, or a path prefix ending in `/*` (anything below it). */
export const PASS_THROUGH_ENTRY = /^(?:(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) )?(\/[^\s*?#]*?)(\/\*)?$/;

/** The `passThrough` rules, compiled: which non-exchange requests are forwarded. */
export class PassThroughRules {
  private readonly rules: ReadonlyArray<{ method: string | null; path: string; prefix: boolean }>;

  /** `entries` were validated against `PASS_THROUGH_ENTRY` (config.ts); an entry that does not match is ignored. */
  constructor(readonly entries: readonly string[]) {
    const rules: Array<{ method: string | null; path: string; prefix: boolean }> = [];
    for (const e of entries) {
      const m = PASS_THROUGH_ENTRY.exec(e);
      if (m?.[2] !== undefined) rules.push({ method: m[1] ?? null, path: normalisePath(m[2]), prefix: m[3] !== undefined });
    }
    this.rules = rules;
  }

  /** Whether `method` on `path` (normalised, no query) is forwarded. */
  allows(method: string, path: string): boolean {
    for (const r of this.rules) {
      if (r.method !== null && r.method !== method) continue;
      if (r.prefix ? path.startsWith(`${r.path}/`) && path.length > r.path.length + 1 : path === r.path) return true;
    }
    return false;
  }
}

/**
 * Whether a path holds what a server or proxy further on might resolve into another path: a `.` or `..`
 * segment, a backslash, or an encoded dot, slash or backslash. moat classifies the path as sent, so such a path
 * could be allowed as `/v1/models/…` here and reach `/v1/files` or `/v1/responses` there (on the shared provider
 * key). No API path needs them: they are refused.
 */
export function ambiguousPath(path: string): boolean {
  if (path.includes("\\") || path.includes(";")) return true; // `..;/` is a dot segment to servlet containers
  if (!path.includes("%")) return path.includes(".") && DOT_SEGMENT.test(path);
  if (/%2e|%2f|%5c/i.test(path) || DOT_SEGMENT.test(path)) return true;
  // Decoded once, a path must be plain: no second layer of encoding (%252e), no control, space or non-ASCII
  // characters (`..%00`, `..%20`, U+FF0E full-width dots) that a server might trim or fold into a dot segment.
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return /[%\\;]|[^\x21-\x7e]/.test(decoded) || DOT_SEGMENT.test(decoded);
}

const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/**
 * A request path as moat classifies and forwards it: repeated slashes collapsed and a trailing slash dropped,
 * so `/v1/chat/completions/` or `//v1/messages` is the exchange it names (and is inspected as one), not an
 * unknown path.
 */
export function normalisePath(path: string): string {
  const p = path.includes("//") ? path.replace(/\/{2,}/g, "/") : path;
  // Collapsed, at most one slash is left at the end.
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p === "" ? "/" : p;
}

const OPENAI_PREFIXES = ["/v1/chat/", "/v1/completions", "/v1/responses", "/v1/embeddings"];

/**
 * The API family of a request: by path where it is unambiguous (`/v1/messages…` is Anthropic,
 * `/v1/chat/completions` OpenAI), otherwise by how the client authenticates (Anthropic SDKs send
 * `x-api-key` and `anthropic-version`; OpenAI SDKs send `Authorization: Bearer`).
 */
export function familyOf(path: string, headers: IncomingHttpHeaders): ApiFamily {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (OPENAI_PREFIXES.some((p) => path.startsWith(p))) return "openai";
  if (headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined) return "anthropic";
  return "openai";
}

/** The moat key a client sent: `x-api-key`, else `Authorization: Bearer …`. */
export function clientKey(headers: IncomingHttpHeaders): string | null {
  const x = headers["x-api-key"];
  if (typeof x === "string" && x !== "") return x;
  const auth = headers["authorization"];
  if (typeof auth === "string") {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  return null;
}

/**
 * The load balancers whose X-Forwarded-For is believed: addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`),
 * validated at start (`TrustedProxies.problems`). Lookups of a peer are remembered (peers are few).
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly seen = new Map<string, boolean>();
  private readonly empty: boolean;
  /** Entries that are neither an address nor a CIDR range, with what is wrong. */
  readonly problems: string[] = [];

  constructor(readonly entries: readonly string[]) {
    // IPv4 ranges as [first, last] address numbers, to check what they cover together.
    const v4: Array<[number, number, string]> = [];
    // IPv6 ranges likewise, as 128-bit numbers.
    const v6: Array<[bigint, bigint, string]> = [];
    for (const e of entries) {
      const slash = e.indexOf("/");
      const addr = slash < 0 ? e : e.slice(0, slash);
      let a = addr;
      let v = isIP(a);
      if (v === 0) {
        this.problems.push(`${JSON.stringify(e)} is not an IP address or CIDR range (e.g. 10.0.0.7 or 10.0.0.0/8)`);
        continue;
      }
      // A zone (fe80::1%eth0) names an interface, not an address a peer has (and Node misreads some with one).
      if (a.includes("%")) {
        this.problems.push(`${JSON.stringify(e)} has a zone (%…): list the address or range without it`);
        continue;
      }
      const bits = slash < 0 ? null : e.slice(slash + 1);
      let prefix = bits === null ? -1 : /^\d{1,3}$/.test(bits) ? Number(bits) : -2;
      // An IPv4-mapped entry (::ffff:10.0.0.0/8, the form Node shows peers in) means the IPv4 range; read as
      // IPv6, "/8" would be ::/8, which holds every IPv4 client.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
      if (v === 6 && mapped?.[1] !== undefined) {
        a = mapped[1];
        v = 4;
        if (prefix >= 96) prefix -= 96;
        else if (prefix > 32) prefix = -2;
      }
      if (prefix === -1) {
        this.list.addAddress(a, v === 4 ? "ipv4" : "ipv6");
        const r = ipv4Range(a, v, v === 4 ? 32 : 128);
        if (r !== null) v4.push([r[0], r[1], e]);
        continue;
      }
      if (prefix < 0 || prefix > (v === 4 ? 32 : 128)) {
        this.problems.push(`${JSON.stringify(e)} has a bad prefix length (0-${v === 4 ? 32 : 128})`);
        continue;
      }
      if (prefix === 0) {
        this.problems.push(`${JSON.stringify(e)} holds every address: anyone could set X-Forwarded-For; list your load balancers' ranges`);
        continue;
      }
      if (v === 6 && prefix <= 96 && coversMappedIPv4(a, prefix)) {
        this.problems.push(`${JSON.stringify(e)} covers every IPv4 address (::ffff:0:0/96): anyone could set X-Forwarded-For; list the IPv4 ranges instead`);
        continue;
      }
      const r = ipv4Range(a, v, prefix);
      if (r !== null) v4.push([r[0], r[1], e]);
      if (v === 6) {
        const size = 1n << BigInt(128 - prefix);
        const first = (ipv6Number(a) / size) * size;
        v6.push([first, first + size - 1n, e]);
      }
      this.list.addSubnet(a, prefix, v === 4 ? "ipv4" : "ipv6");
    }
    // Load balancers never need a quarter of the IPv4 internet: ranges that hold that much, alone or together
    // (0.0.0.0/1 and 128.0.0.0/1; all but the multicast space), let most clients forge X-Forwarded-For.
    const held = Number(heldTogether(v4.map(([first, last]) => [BigInt(first), BigInt(last)])));
    if (held >= 2 ** 30) {
      const wide = v4.filter(([first, last]) => last - first + 1 > 2 ** 24).map(([, , e]) => JSON.stringify(e));
      const others = v4.length > wide.length ? " with the other entries" : "";
      const who = wide.length === 0 ? "these entries hold" : wide.length === 1 && others === "" ? `${wide[0]} holds` : `${wide.join(", ")}${others} hold`;
      this.problems.push(
        `${who} ${held.toLocaleString("en-US")} IPv4 addresses${v4.length > 1 ? " together" : ""} (a quarter of all or more): most clients could set X-Forwarded-For; list your load balancers' ranges`,
      );
    }
    // And never a quarter of the global IPv6 unicast space (2000::/3, so 2^123 addresses): fd00::/8 is 2^120.
    const held6 = heldTogether(v6.map(([first, last]) => [first, last]));
    if (held6 >= 1n << 123n) {
      const list = v6.filter(([first, last]) => last - first >= 1n << 112n).map(([, , e]) => JSON.stringify(e));
      const who = list.length === 0 ? "these entries hold" : list.length === 1 && v6.length === 1 ? `${list[0]} holds` : `${list.join(", ")}${v6.length > list.length ? " with the other entries" : ""} hold`;
      this.problems.push(
        `${who} 2^123 IPv6 addresses or more${v6.length > 1 ? " together" : ""} (as many as a quarter of the global unicast space, 2000::/3): most clients could set X-Forwarded-For; list your load balancers' ranges`,
      );
    }
    this.empty = entries.length === 0;
  }

  has(ip: string): boolean {
    if (this.empty) return false;
    let known = this.seen.get(ip);
    if (known === undefined) {
      const v = isIP(ip);
      if (v === 0) return false; // not an address: never cached (a client could fill the memo with junk hops)
      known = this.list.check(ip, v === 4 ? "ipv4" : "ipv6");
      if (this.seen.size < 4096) this.seen.set(ip, known);
    }
    return known;
  }
}

/** How many distinct addresses the ranges ([first, last], as 128-bit numbers for either version) hold together. */
function heldTogether(ranges: Array<[bigint, bigint]>): bigint {
  ranges.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let held = 0n;
  let next = 0n;
  for (const [first, last] of ranges) {
    const from = first > next ? first : next;
    if (last >= from) held += last - from + 1n;
    if (last + 1n > next) next = last + 1n;
  }
  return held;
}

/** An IPv6 address (validated by `isIP`, no zone) as a 128-bit number. */
function ipv6Number(addr: string): bigint {
  const w = parseIpv6(addr) ?? [0, 0, 0, 0];
  return (BigInt(w[0]) << 96n) | (BigInt(w[1]) << 64n) | (BigInt(w[2]) << 32n) | BigInt(w[3]);
}

/**
 * The IPv4 addresses an entry holds as [first, last], or null when it holds none: an IPv4 range, or an IPv6 one
 * inside the mapped space (::ffff:0:0/96, in any spelling: Node's BlockList matches IPv4 peers against it).
 */
function ipv4Range(addr: string, version: number, prefix: number): [number, number] | null {
  let base: number;
  let bits: number;
  if (version === 4) {
    base = parseIpv4(addr) ?? 0;
    bits = prefix;
  } else {
    const v = ipv6Number(addr);
    if (prefix < 96 || v >> 32n !== 0xffffn) return null;
    base = Number(v & 0xffffffffn);
    bits = prefix - 96;
  }
  const first = (bits === 0 ? 0 : base & (~0 << (32 - bits))) >>> 0;
  return [first, first + 2 ** (32 - bits) - 1];
}

/** Whether the IPv6 range `addr/prefix` holds all of ::ffff:0:0/96, i.e. every IPv4 client as Node shows it. */
function coversMappedIPv4(addr: string, prefix: number): boolean {
  const probe = new BlockList();
  probe.addSubnet(addr, prefix, "ipv6");
  return probe.check("::ffff:0.0.0.0", "ipv6");
}

function normalise(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/**
 * The client's address. X-Forwarded-For is read only when the socket peer is a trusted proxy; then the
 * rightmost address that is not itself trusted is the client (anything left of it could be forged).
 */
export function clientIp(remote: string | undefined, headers: IncomingHttpHeaders, trusted: { has(ip: string): boolean }): string | null {
  if (remote === undefined) return null;
  const peer = normalise(remote);
  if (!trusted.has(peer)) return peer;
  const xff = headers["x-forwarded-for"];
  const chain = (Array.isArray(xff) ? xff.join(",") : (xff ?? "")).split(",").map((s) => normalise(s.trim())).filter((s) => s !== "");
  let nearest = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i];
    if (hop === undefined) continue;
    // A hop that is not an address cannot be the client: the nearest trusted address is all that is known.
    if (isIP(hop) === 0) return nearest;
    if (!trusted.has(hop)) return hop;
    nearest = hop;
  }
  return nearest;
}
