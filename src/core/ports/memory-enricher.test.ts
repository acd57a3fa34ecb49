import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryEnricher, formatIpv6, ipPrefix, parseIp, parseIpv4, parseIpv6 } from "./memory-enricher.ts";

test("derives /24 prefixes for IPv4 and canonical /48 prefixes for IPv6", () => {
  assert.equal(ipPrefix("203.0.113.7"), "203.0.113.0/24");
  assert.equal(ipPrefix("2001:DB8:0001:0002::42"), "2001:db8:1::/48");
  assert.equal(ipPrefix("2001:0db8:0000:ffff::1"), "2001:db8::/48");
  assert.equal(ipPrefix("::1"), "::/48");
  assert.equal(ipPrefix("::ffff:198.51.100.9"), "198.51.100.0/24");
  assert.equal(ipPrefix("[2001:db8:aa::1]:443"), "2001:db8:aa::/48");
  assert.equal(ipPrefix("198.51.100.9:8080"), "198.51.100.0/24");
  assert.equal(ipPrefix(" not-an-ip "), "not-an-ip");
});

test("parses IPv6 forms and rejects malformed ones", () => {
  assert.deepEqual(parseIpv6("::"), [0, 0, 0, 0]);
  assert.deepEqual(parseIpv6("1:2:3:4:5:6:1.2.3.4"), [0x10002, 0x30004, 0x50006, 0x01020304]);
  assert.deepEqual(parseIpv6("fe80::1%eth0"), [0xfe800000, 0, 0, 1]);
  for (const bad of ["1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", ":1::", "g::", "1:2:3:4:5:6:7", ""]) {
    assert.equal(parseIpv6(bad), null, bad);
  }
  assert.equal(parseIp("256.1.1.1"), null);
  assert.equal(parseIp("1.2.3"), null);
});

test("formats IPv6 canonically: lower case, longest zero run compressed, single zero groups kept", () => {
  const fmt = (s: string) => formatIpv6(parseIpv6(s) ?? []);
  assert.equal(fmt("2001:0DB8:0:0:0:0:2:1"), "2001:db8::2:1");
  assert.equal(fmt("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  assert.equal(fmt("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
  assert.equal(fmt("0:0:0:0:0:0:0:0"), "::");
});

test("answers from its tables, exact address before prefix, and defaults to unknown", () => {
  const e = new MemoryEnricher(
    { "203.0.113.0/24": { asn: 64500, asnOrg: "Example Hosting", netClass: "hosting" }, "203.0.113.9": { netClass: "vpn" } },
    new Map([["uni.example", "education" as const]]),
  );
  assert.deepEqual(e.ip("203.0.113.7"), { prefix: "203.0.113.0/24", asn: 64500, asnOrg: "Example Hosting", netClass: "hosting" });
  assert.deepEqual(e.ip("203.0.113.9"), { prefix: "203.0.113.0/24", asn: null, asnOrg: null, netClass: "vpn" });
  assert.deepEqual(e.ip("2001:db8::1"), { prefix: "2001:db8::/48", asn: null, asnOrg: null, netClass: "unknown" });
  assert.equal(e.emailDomain("UNI.example"), "education");
  assert.equal(e.emailDomain("someone@uni.example"), "education");
  assert.equal(e.emailDomain("gmail.com"), "unknown");
});

test("names an unlisted client by its first product name and first version number", () => {
  const e = new MemoryEnricher();
  assert.deepEqual(e.client("curl/8.5.0"), { family: "curl", version: "8.5.0" });
  assert.deepEqual(e.client("OpenAI/Python 1.82.0"), { family: "openai", version: "1.82.0" });
  assert.deepEqual(e.client(""), { family: "unknown", version: null });
  const listed = new MemoryEnricher(undefined, undefined, { "OpenAI/Python 1.82.0": { family: "openai-python", version: "1.82.0" } });
  assert.deepEqual(listed.client("OpenAI/Python 1.82.0"), { family: "openai-python", version: "1.82.0" });
});

test("parseIpv4 accepts exactly four dotted 0-255 numbers of 1-3 ASCII digits", () => {
  // The rule as a split-and-regex reference, against the one-pass parser.
  const reference = (s: string): number | null => {
    const parts = s.split(".");
    if (parts.length !== 4) return null;
    let n = 0;
    for (const p of parts) {
      if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p)) return null;
      if (Number(p) > 255) return null;
      n = n * 256 + Number(p);
    }
    return n;
  };
  const cases = ["1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.5", "01.02.003.4", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4a", " 1.2.3.4", "1.2.3.0004", "", "1.2.3.-4", "\u0661.2.3.4", "999.1.1.1", "1.2.3.4 "];
  for (const c of cases) assert.equal(parseIpv4(c), reference(c), JSON.stringify(c));
  assert.equal(parseIpv4("203.0.113.7"), ((203 * 256 + 0) * 256 + 113) * 256 + 7);
});
