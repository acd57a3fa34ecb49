/**
 * Enrichment port: what the engine may know about an IP, an e-mail domain and a User-Agent.
 * The core depends only on this interface; `src/enrich/` implements it from npm data packages,
 * and `memory-enricher.ts` beside this file is the in-memory version for tests.
 */

/** Network class of an address. `hosting` = data centre / cloud; `vpn`/`tor` = anonymiser; `private` = RFC 1918 / loopback / documentation. */
export type NetClass = "hosting" | "vpn" | "tor" | "residential" | "private" | "unknown";

export interface IpInfo {
  /** The routing-size prefix used to link accounts: IPv4 /24, IPv6 /48 (e.g. "203.0.113.0/24"). */
  readonly prefix: string;
  readonly asn: number | null;
  readonly asnOrg: string | null;
  readonly netClass: NetClass;
}

export type EmailClass = "free" | "disposable" | "corporate" | "education" | "unknown";

export interface ClientInfo {
  /** Client family, e.g. "anthropic-sdk-python", "openai-python", "curl", "browser", "unknown". */
  readonly family: string;
  readonly version: string | null;
}

export interface Enricher {
  ip(address: string): IpInfo;
  emailDomain(domain: string): EmailClass;
  client(userAgent: string): ClientInfo;
}
