import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenBuckets } from "./token-buckets.ts";

const spec = { perSecond: 1 / 60, burst: 2 };

test("a bucket allows its burst, then refuses with the wait until the next token", () => {
  const b = new TokenBuckets();
  assert.deepEqual(b.takeAll([{ key: "a", spec }], 0), { ok: true });
  assert.deepEqual(b.takeAll([{ key: "a", spec }], 0), { ok: true });
  assert.deepEqual(b.takeAll([{ key: "a", spec }], 1000), { ok: false, key: "a", retryAfterS: 59 });
  assert.deepEqual(b.takeAll([{ key: "a", spec }], 60_000), { ok: true });
});

test("taking from several buckets is all-or-nothing, so an empty campaign bucket does not drain the account", () => {
  const b = new TokenBuckets();
  const camp = { perSecond: 1 / 60, burst: 1 };
  assert.equal(b.takeAll([{ key: "a:1", spec }, { key: "c:1", spec: camp }], 0).ok, true);
  const r = b.takeAll([{ key: "a:2", spec }, { key: "c:1", spec: camp }], 0);
  assert.deepEqual(r, { ok: false, key: "c:1", retryAfterS: 60 });
  assert.equal(b.peek("a:2", spec, 0), 2, "the account bucket kept its tokens");
});

test("bucket state survives a snapshot and restore", () => {
  const b = new TokenBuckets();
  b.takeAll([{ key: "a", spec }], 0);
  b.takeAll([{ key: "a", spec }], 0);
  const c = new TokenBuckets();
  c.restore(JSON.parse(JSON.stringify(b.snapshot())));
  assert.equal(c.takeAll([{ key: "a", spec }], 0).ok, false);
});
