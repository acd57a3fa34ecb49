import { test } from "node:test";
import assert from "node:assert/strict";
import { hash32, hash32Range, hashHex } from "./hash.ts";

test("hash32 is deterministic, unsigned 32-bit and seed-dependent", () => {
  assert.equal(hash32("hello"), hash32("hello"));
  assert.notEqual(hash32("hello"), hash32("hello", 1));
  for (const s of ["", "a", "hello", "请一步一步地思考", "x".repeat(10000)]) {
    const h = hash32(s);
    assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff, `${h}`);
  }
});

test("hash32Range equals hashing the slice", () => {
  const s = "the quick brown fox";
  assert.equal(hash32Range(s, 4, 9), hash32("quick"));
  assert.equal(hash32Range(s, 4, 9, 7), hash32("quick", 7));
});

test("has no collisions among 20,000 similar short strings and spreads over the high bits", () => {
  const seen = new Set<number>();
  let high = 0;
  for (let i = 0; i < 20000; i++) {
    const h = hash32(`acct_${i}`);
    seen.add(h);
    if (h >= 0x80000000) high++;
  }
  assert.equal(seen.size, 20000);
  assert.ok(high > 9500 && high < 10500, `high bit set ${high} of 20000`);
});

test("hashHex gives a stable 16-hex-digit fingerprint that differs for different strings", () => {
  assert.match(hashHex("You are a helpful assistant."), /^[0-9a-f]{16}$/);
  assert.equal(hashHex("x"), hashHex("x"));
  assert.notEqual(hashHex("x"), hashHex("y"));
  assert.notEqual(hashHex("ab"), hashHex("ba"));
});
