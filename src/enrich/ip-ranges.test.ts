import { test } from "node:test";
import assert from "node:assert/strict";
import { parseIp } from "../core/ports/memory-enricher.ts";
import { RangeTableBuilder } from "./ip-ranges.ts";

const ip = (s: string) => {
  const p = parseIp(s);
  if (p === null) throw new Error(s);
  return p;
};

test("finds the range holding an address, IPv4 and IPv6, and nothing between ranges", () => {
  const b = new RangeTableBuilder();
  b.addCidr("10.0.0.0/8", 1);
  b.addCidr("192.168.1.0/24", 2);
  b.addCidr("2001:db8::/32", 3);
  b.addCidr("2001:db9:1::/48", 4);
  const t = b.build();
  assert.equal(t.lookup(ip("10.255.255.255")), 1);
  assert.equal(t.lookup(ip("11.0.0.0")), -1);
  assert.equal(t.lookup(ip("192.168.1.77")), 2);
  assert.equal(t.lookup(ip("192.168.2.1")), -1);
  assert.equal(t.lookup(ip("2001:db8:ffff::1")), 3);
  assert.equal(t.lookup(ip("2001:db9:1:ffff::")), 4);
  assert.equal(t.lookup(ip("2001:db9:2::")), -1);
  assert.equal(t.lookup(ip("::1")), -1);
});

test("merged membership lists find addresses in wide ranges that nest many narrow ones", () => {
  const b = new RangeTableBuilder();
  b.addCidr("1.0.0.0/8", 1);
  for (let i = 0; i < 500; i++) b.addCidr(`1.0.${i % 256}.${i >> 8}/32`, 1);
  b.addCidr("2001:db8::/32", 1);
  b.addCidr("2001:db8:1::/48", 1);
  const t = b.build({ merge: true });
  assert.deepEqual(t.size, { v4: 1, v6: 1 });
  assert.equal(t.lookup(ip("1.200.0.1")), 1);
  assert.equal(t.lookup(ip("2001:db8:ffff::")), 1);
});

test("accepts bare addresses and rejects malformed CIDRs", () => {
  const b = new RangeTableBuilder();
  assert.equal(b.addCidr("8.8.8.8", 1), true);
  assert.equal(b.addCidr("2001:db8::1", 1), true);
  for (const bad of ["8.8.8.8/33", "8.8.8.8/", "8.8.8.8/x", "::/129", "nope/8"]) assert.equal(b.addCidr(bad, 1), false, bad);
  const t = b.build();
  assert.equal(t.lookup(ip("8.8.8.8")), 1);
  assert.equal(t.lookup(ip("8.8.8.9")), -1);
});
