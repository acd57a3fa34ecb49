/**
 * The real Enricher: IP facts from `@ip-location-db/asn` plus curated ASN lists, e-mail domain classes
 * from `freemail`, client families from User-Agent rules. Options are validated once, here, with
 * messages that name the offending option and line; lookups after that are cheap and cached.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../cli/user-error.ts";
import type { ClientInfo, EmailClass, Enricher, IpInfo, NetClass } from "../core/ports/enricher.ts";
import type { AsnDb } from "./asn-db.ts";
import { sharedAsnDb } from "./asn-db.ts";
import { classifyEmailDomain } from "./email-domain.ts";
import { HOSTING_ASNS, VPN_ASNS } from "./hosting-asns.ts";
import type { IpClassifierParts } from "./ip-classifier.ts";
import { classifyIp } from "./ip-classifier.ts";
import type { RangeTable } from "./ip-ranges.ts";
import { RangeTableBuilder } from "./ip-ranges.ts";
import { parseUserAgent } from "./user-agent.ts";

export { classifyEmailDomain } from "./email-domain.ts";
export { parseUserAgent } from "./user-agent.ts";
export { HOSTING_ASNS, VPN_ASNS } from "./hosting-asns.ts";

type ListClass = "tor" | "vpn" | "hosting";

/** Options of `createEnricher`; all optional. */
export interface EnricherOptions {
  /** Tor exit addresses: only these are classed `tor` (moat ships no Tor list; a stale one misleads). */
  readonly torExitIps?: Iterable<string>;
  /** Extra CIDRs or addresses by class, e.g. a VPN provider's published ranges. */
  readonly cidrs?: { readonly [K in ListClass]?: Iterable<string> };
  /**
   * Files by class, read once at creation: one CIDR, address or AS number (`AS9009`) per line; `#` starts
   * a comment. E.g. `{ vpn: ["../shared/data/ip/x4bnet/vpn_ipv4.txt"] }`.
   */
  readonly listFiles?: { readonly [K in ListClass]?: readonly string[] };
  /** Extra ASNs by class, added to the curated lists. */
  readonly asns?: { readonly vpn?: Iterable<number>; readonly hosting?: Iterable<number> };
  /** Look addresses up in the ASN database (default true; false leaves every public address `unknown`). */
  readonly asnDatabase?: boolean;
  /** Results kept per lookup kind before the cache is cleared (default 100,000). */
  readonly cacheSize?: number;
}

/**
 * Build the real Enricher. The ASN database loads on the first `ip()` of a public address (once per
 * process), so creating an enricher is cheap.
 *
 * @example
 * const enricher = createEnricher({ listFiles: { vpn: ["vpn_ipv4.txt"] } });
 * enricher.ip("8.8.8.8"); // { prefix: "8.8.8.0/24", asn: 15169, asnOrg: "Google LLC", netClass: "hosting" }
 */
export function createEnricher(opts: EnricherOptions = {}): Enricher {
  const builders: Record<ListClass, RangeTableBuilder> = {
    tor: new RangeTableBuilder(),
    vpn: new RangeTableBuilder(),
    hosting: new RangeTableBuilder(),
  };
  const hostingAsns = new Set(HOSTING_ASNS.keys());
  const vpnAsns = new Set(VPN_ASNS.keys());
  const asnSets: Record<ListClass, Set<number> | null> = { tor: null, vpn: vpnAsns, hosting: hostingAsns };

  let i = 0;
  for (const ip of opts.torExitIps ?? []) addEntry(builders.tor, null, ip, `torExitIps[${i++}]`);
  for (const cls of ["tor", "vpn", "hosting"] as const) {
    let k = 0;
    for (const c of opts.cidrs?.[cls] ?? []) addEntry(builders[cls], null, c, `cidrs.${cls}[${k++}]`);
    (opts.listFiles?.[cls] ?? []).forEach((path, f) => readListFile(path, `listFiles.${cls}[${f}]`, builders[cls], asnSets[cls]));
  }
  for (const cls of ["vpn", "hosting"] as const) {
    let k = 0;
    for (const asn of opts.asns?.[cls] ?? []) {
      if (!Number.isInteger(asn) || asn <= 0) throw new UserError("BAD_ENRICH_OPTION", `asns.${cls}[${k}]: ${String(asn)} is not an AS number (a positive integer)`);
      asnSets[cls]?.add(asn);
      k++;
    }
  }
  const lists: Array<readonly [NetClass, RangeTable]> = [];
  for (const cls of ["tor", "vpn", "hosting"] as const) {
    const table = builders[cls].build({ merge: true });
    if (table.size.v4 + table.size.v6 > 0) lists.push([cls, table]);
  }
  const useAsn = opts.asnDatabase ?? true;
  const parts: IpClassifierParts = { asnDb: useAsn ? sharedAsnDb : (): AsnDb | null => null, hostingAsns, vpnAsns, lists };
  const limit = opts.cacheSize ?? 100_000;
  const ipCache = new Map<string, IpInfo>();
  const domainCache = new Map<string, EmailClass>();
  const clientCache = new Map<string, ClientInfo>();
  return {
    ip: (address) => cached(ipCache, limit, address, (a) => classifyIp(a, parts)),
    emailDomain: (domain) => cached(domainCache, limit, domain, (d) => classifyEmailDomain(d)),
    client: (userAgent) => cached(clientCache, limit, userAgent, parseUserAgent),
  };
}

function cached<V>(cache: Map<string, V>, limit: number, key: string, compute: (k: string) => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const v = compute(key);
  // Clearing is cruder than LRU but costs nothing per hit; the working set refills in one pass.
  if (cache.size >= limit) cache.clear();
  cache.set(key, v);
  return v;
}

function addEntry(builder: RangeTableBuilder, asns: Set<number> | null, raw: string, where: string): void {
  const entry = raw.trim();
  const as = /^AS(\d+)$/i.exec(entry);
  if (as !== null && asns !== null) {
    asns.add(Number(as[1]));
    return;
  }
  if (!builder.addCidr(entry, 1)) {
    throw new UserError("BAD_ENRICH_OPTION", `${where}: ${JSON.stringify(raw)} is not an IP address or CIDR${asns !== null ? " or AS number" : ""}`);
  }
}

function readListFile(path: string, where: string, builder: RangeTableBuilder, asns: Set<number> | null): void {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e: unknown) {
    throw new UserError("BAD_ENRICH_OPTION", `${where}: cannot read ${path} (${(e as { code?: string }).code ?? "error"}): check the path`);
  }
  text.split("\n").forEach((line, n) => {
    const entry = line.replace(/#.*$/, "").trim();
    if (entry !== "") addEntry(builder, asns, entry, `${where} (${path}) line ${n + 1}`);
  });
}
