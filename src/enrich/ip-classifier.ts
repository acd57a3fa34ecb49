/**
 * From an address to `IpInfo`: linking prefix, ASN and organisation, and network class. The order of
 * the class checks is the order of confidence: private ranges (fixed by RFCs), caller-supplied Tor
 * exits and CIDR lists (specific, current), the curated VPN and hosting ASN lists, organisation-name
 * keywords; any other routed address is `residential`, an unrouted or unparsable one `unknown`.
 */
import type { IpInfo, NetClass } from "../core/ports/enricher.ts";
import type { ParsedIp } from "../core/ports/memory-enricher.ts";
import { parseIp, prefixOf } from "../core/ports/memory-enricher.ts";
import type { AsnDb } from "./asn-db.ts";
import { HOSTING_ORG_PATTERN } from "./hosting-asns.ts";
import type { RangeTable } from "./ip-ranges.ts";
import { RangeTableBuilder } from "./ip-ranges.ts";

/** Reserved ranges that never identify a network on the internet. */
const PRIVATE_CIDRS = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "::/128",
  "::1/128",
  "2001:db8::/32",
  "fc00::/7",
  "fe80::/10",
];

let privateTable: RangeTable | null = null;

/** True for RFC 1918, loopback, CGNAT, link-local, benchmark, documentation and ULA addresses. */
export function isPrivate(ip: ParsedIp): boolean {
  if (privateTable === null) {
    const b = new RangeTableBuilder();
    for (const c of PRIVATE_CIDRS) b.addCidr(c, 1);
    privateTable = b.build({ merge: true });
  }
  return privateTable.lookup(ip) >= 0;
}

/** Everything the classifier consults, built once by `createEnricher`. */
export interface IpClassifierParts {
  readonly asnDb: () => AsnDb | null;
  readonly hostingAsns: ReadonlySet<number>;
  readonly vpnAsns: ReadonlySet<number>;
  /** Caller-supplied ranges by class (Tor exits, VPN and hosting CIDR lists). */
  readonly lists: ReadonlyArray<readonly [NetClass, RangeTable]>;
}

/** Classify one address. */
export function classifyIp(address: string, parts: IpClassifierParts): IpInfo {
  const ip = parseIp(address);
  if (ip === null) return { prefix: address.trim(), asn: null, asnOrg: null, netClass: "unknown" };
  const prefix = prefixOf(ip);
  if (isPrivate(ip)) return { prefix, asn: null, asnOrg: null, netClass: "private" };
  const hit = parts.asnDb()?.lookup(ip) ?? null;
  const asn = hit?.asn ?? null;
  const asnOrg = hit === null || hit.org === "" ? null : hit.org;
  return { prefix, asn, asnOrg, netClass: netClassOf(ip, asn, asnOrg, parts) };
}

function netClassOf(ip: ParsedIp, asn: number | null, org: string | null, parts: IpClassifierParts): NetClass {
  for (const [cls, table] of parts.lists) {
    if (table.lookup(ip) >= 0) return cls;
  }
  if (asn === null) return "unknown";
  if (parts.vpnAsns.has(asn)) return "vpn";
  if (parts.hostingAsns.has(asn)) return "hosting";
  if (org !== null && HOSTING_ORG_PATTERN.test(org)) return "hosting";
  return "residential";
}
