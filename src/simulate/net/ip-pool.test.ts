import { test } from "node:test";
import assert from "node:assert/strict";
import { isIP } from "node:net";
import { createEnricher } from "../../enrich/index.ts";
import { Rng } from "../rng.ts";
import { HOSTING, PRIVATE_RELAY, RESIDENTIAL_BY_COUNTRY, UNIVERSITIES, VPN, allCatalogAsns } from "./asn-catalog.ts";
import { loadAsnRanges } from "./asn-ranges.ts";
import { IpPool, formatIpv4, formatIpv6 } from "./ip-pool.ts";

test("formats addresses canonically", () => {
  assert.equal(formatIpv4(0xc0000201), "192.0.2.1");
  assert.equal(formatIpv6(0x20010db8000000000000000000000001n), "2001:db8::1");
  assert.equal(formatIpv6(0x20010db8000100000000000000000000n), "2001:db8:1::");
  assert.equal(formatIpv6(0x20010db80001000200030004000500060n >> 4n), "2001:db8:1:2:3:4:5:6");
});

test("every catalogued ASN has ranges in the data package", async () => {
  const ranges = await loadAsnRanges(allCatalogAsns());
  for (const asn of allCatalogAsns()) assert.ok((ranges.get(asn)?.v4.length ?? 0) > 0, `AS${asn} has IPv4 ranges`);
});

test("generated addresses map back to the ASN they were drawn from (checked by the real enricher)", async () => {
  const pool = new IpPool(await loadAsnRanges(allCatalogAsns()));
  const enricher = createEnricher();
  const r = Rng.fromSeed(11);
  const cases: [number, number][] = [
    ...(RESIDENTIAL_BY_COUNTRY["US"] ?? []).map((a) => [a, 0.3] as [number, number]),
    ...Object.values(HOSTING).flat().map((a) => [a, 0] as [number, number]),
    ...[...VPN, ...PRIVATE_RELAY].map((a) => [a, 0.5] as [number, number]),
    ...UNIVERSITIES.map((u) => [u.asn, 0] as [number, number]),
  ];
  for (const [asn, v6] of cases) {
    for (let i = 0; i < 20; i++) {
      const ip = pool.inAsn(asn, r, v6);
      assert.ok(isIP(ip) !== 0, `${ip} is an IP address`);
      assert.equal(enricher.ip(ip).asn, asn, `${ip} should be AS${asn}`);
    }
  }
  assert.equal(enricher.ip(pool.from(HOSTING["aws"] ?? [], r)).netClass, "hosting");
  assert.equal(enricher.ip(pool.from(VPN, r)).netClass, "vpn");
});

test("campus siblings stay in the same /24", () => {
  const r = Rng.fromSeed(2);
  const sib = IpPool.sibling24("18.7.22.69", r);
  assert.match(sib, /^18\.7\.22\.\d+$/);
});
