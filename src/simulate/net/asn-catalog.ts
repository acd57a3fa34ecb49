/**
 * Which real networks simulated clients come from. Numbers are real ASNs; their address ranges are
 * read from @ip-location-db/asn at start-up (`asn-ranges.ts`), so every generated IP maps back to
 * the right operator in any IP-to-ASN database.
 */

/** Home broadband ISPs by declared country (first is most common). */
export const RESIDENTIAL_BY_COUNTRY: Readonly<Record<string, readonly number[]>> = {
  US: [7922, 7018, 20115, 22773, 701],
  CA: [577, 812],
  GB: [2856, 5089],
  DE: [3320, 3209],
  FR: [3215, 12322],
  ES: [3352],
  NL: [6830],
  PL: [6830],
  TR: [9121],
  RU: [12389],
  CN: [4134, 4837],
  TW: [3462],
  JP: [17676],
  KR: [4766],
  IN: [45609, 55836],
  VN: [7552],
  PH: [9299],
  AU: [1221],
  BR: [28573, 26599],
  SG: [4134],
};

/** Mobile carriers by country; unknown countries fall back to the whole list. */
export const MOBILE_BY_COUNTRY: Readonly<Record<string, readonly number[]>> = {
  US: [21928],
  DE: [3209],
  CN: [9808],
  IN: [55836],
};

/** Cloud and hosting providers (data-centre IPs). */
export const HOSTING: Readonly<Record<string, readonly number[]>> = {
  aws: [16509, 14618],
  gcp: [15169, 396982],
  azure: [8075],
  digitalocean: [14061],
  hetzner: [24940],
  ovh: [16276],
  vultr: [20473],
  linode: [63949],
};

/** Commercial VPN exits (M247, Datacamp / CDN77). */
export const VPN: readonly number[] = [9009, 60068, 212238];

/** iCloud Private Relay egress operators (Akamai, Cloudflare). */
export const PRIVATE_RELAY: readonly number[] = [36183, 13335];

/** Business ISPs an enterprise NAT sits behind. */
export const BUSINESS: readonly number[] = [701, 7018, 3320, 2856, 3215];

/** Universities: campus ASN, e-mail domain, country. */
export const UNIVERSITIES: readonly { readonly name: string; readonly asn: number; readonly domain: string; readonly country: string }[] = [
  { name: "mit", asn: 3, domain: "mit.edu", country: "US" },
  { name: "princeton", asn: 88, domain: "princeton.edu", country: "US" },
  { name: "dfn", asn: 680, domain: "tu-berlin.de", country: "DE" },
  { name: "jisc", asn: 786, domain: "ucl.ac.uk", country: "GB" },
  { name: "tanet", asn: 1659, domain: "ntu.edu.tw", country: "TW" },
];

/** Every ASN the simulator may draw from (for loading ranges once). */
export function allCatalogAsns(): Set<number> {
  const out = new Set<number>();
  for (const list of Object.values(RESIDENTIAL_BY_COUNTRY)) for (const a of list) out.add(a);
  for (const list of Object.values(MOBILE_BY_COUNTRY)) for (const a of list) out.add(a);
  for (const list of Object.values(HOSTING)) for (const a of list) out.add(a);
  for (const a of [...VPN, ...PRIVATE_RELAY, ...BUSINESS]) out.add(a);
  for (const u of UNIVERSITIES) out.add(u.asn);
  return out;
}

/** Declared countries of ordinary users, weighted roughly by API usage. */
export const USER_COUNTRIES: readonly (readonly [string, number])[] = [
  ["US", 30], ["IN", 9], ["GB", 6], ["DE", 6], ["BR", 5], ["FR", 4], ["CA", 4], ["JP", 4], ["KR", 3],
  ["ES", 3], ["AU", 3], ["NL", 2], ["PL", 2], ["TR", 2], ["VN", 2], ["PH", 2], ["TW", 2], ["SG", 2], ["RU", 1],
];

/** UTC offset in hours during the simulated season (northern spring, DST applied). */
export const UTC_OFFSET: Readonly<Record<string, number>> = {
  US: -6, CA: -5, GB: 1, DE: 2, FR: 2, ES: 2, NL: 2, PL: 2, TR: 3, RU: 3, CN: 8, TW: 8, JP: 9, KR: 9,
  IN: 5.5, VN: 7, PH: 8, AU: 10, BR: -3, SG: 8,
};
