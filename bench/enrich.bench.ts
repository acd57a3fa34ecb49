/**
 * Enricher benchmark: ASN table load time, then lookups per second for IPs (uncached and cached),
 * e-mail domains and User-Agents. Each rate is printed with its ratio to a baseline measured in the
 * same run: for IPs, parsing the address alone (the least work any lookup must do).
 *
 *   node --import tsx bench/enrich.bench.ts
 */
import { formatIpv4, formatIpv6, parseIp } from "../src/core/ports/memory-enricher.ts";
import { loadAsnDb } from "../src/enrich/asn-db.ts";
import { createEnricher } from "../src/enrich/index.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function rate(label: string, n: number, fn: () => void, baseline?: number): number {
  fn(); // warm up
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const perSec = (n / ms) * 1000;
  const ratio = baseline === undefined ? "" : `  (${(perSec / baseline).toFixed(2)}x of baseline)`;
  console.log(`${label.padEnd(44)} ${Math.round(perSec).toLocaleString("en-US").padStart(12)} /s${ratio}`);
  return perSec;
}

const rnd = lcg(1);
const addresses: string[] = [];
for (let i = 0; i < 200_000; i++) addresses.push(formatIpv4(rnd()));
for (let i = 0; i < 50_000; i++) addresses.push(formatIpv6([(0x20000000 | (rnd() & 0x1fffffff)) >>> 0, rnd(), rnd(), rnd()]));

const load = loadAsnDb();
console.log(`ASN table load: ${load.stats.loadMs.toFixed(0)} ms (${load.stats.v4.toLocaleString("en-US")} IPv4 + ${load.stats.v6.toLocaleString("en-US")} IPv6 ranges)`);

let sink = 0;
const base = rate("baseline: parse address only", addresses.length, () => {
  for (const a of addresses) sink += parseIp(a) === null ? 0 : 1;
});
rate("asn table lookup (parse + binary search)", addresses.length, () => {
  for (const a of addresses) {
    const ip = parseIp(a);
    if (ip !== null) sink += load.lookup(ip)?.asn ?? 0;
  }
}, base);

const uncached = createEnricher({ cacheSize: 1 });
uncached.ip("8.8.8.8"); // trigger the shared table load outside the timing
rate("enricher.ip, distinct addresses (no cache)", addresses.length, () => {
  for (const a of addresses) sink += uncached.ip(a).asn ?? 0;
}, base);
const cached = createEnricher();
const hot = addresses.slice(0, 5_000);
const repeated = Array.from({ length: addresses.length }, (_, i) => hot[i % hot.length] as string);
rate("enricher.ip, 5k hot addresses (cached)", repeated.length, () => {
  for (const a of repeated) sink += cached.ip(a).asn ?? 0;
}, base);

const domains = Array.from({ length: 100_000 }, (_, i) => ["gmail.com", "mailinator.com", "ox.ac.uk", `corp${i}.example`][i % 4] as string);
const domainEnricher = createEnricher({ cacheSize: 1 });
rate("enricher.emailDomain (no cache)", domains.length, () => {
  for (const d of domains) sink += domainEnricher.emailDomain(d).length;
});
const uas = Array.from({ length: 100_000 }, (_, i) => [`OpenAI/Python 1.${i % 90}.0`, `python-requests/2.${i % 40}.1`, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36", `Custom/${i}`][i % 4] as string);
const uaEnricher = createEnricher({ cacheSize: 1 });
rate("enricher.client (no cache)", uas.length, () => {
  for (const u of uas) sink += uaEnricher.client(u).family.length;
});
if (sink === 42) console.log("");
