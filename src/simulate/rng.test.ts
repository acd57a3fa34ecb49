import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

test("the same seed gives the same sequence and a different seed a different one", () => {
  const a = Rng.fromSeed(7);
  const b = Rng.fromSeed(7);
  const c = Rng.fromSeed(8);
  const sa = Array.from({ length: 50 }, () => a.u32());
  assert.deepEqual(sa, Array.from({ length: 50 }, () => b.u32()));
  assert.notDeepEqual(sa, Array.from({ length: 50 }, () => c.u32()));
});

test("forks are independent streams that do not advance their parent", () => {
  const root = Rng.fromSeed(1);
  const before = Rng.fromSeed(1).u32();
  const f1 = root.fork("casual", 0);
  const f2 = root.fork("casual", 1);
  assert.notEqual(f1.u32(), f2.u32());
  assert.equal(root.u32(), before);
  assert.equal(Rng.fromSeed(1).fork("casual", 0).u32(), Rng.fromSeed(1).fork("casual", 0).u32());
});

test("distributions stay in range and have roughly the right means", () => {
  const r = Rng.fromSeed(3);
  const n = 20000;
  let sumU = 0;
  let sumP = 0;
  let sumG = 0;
  let sumE = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    const k = r.int(2, 5);
    assert.ok(k >= 2 && k <= 5 && Number.isInteger(k));
    sumU += u;
    sumP += r.poisson(3);
    sumG += r.geometric(2.5);
    sumE += r.exp(10);
  }
  assert.ok(Math.abs(sumU / n - 0.5) < 0.02);
  assert.ok(Math.abs(sumP / n - 3) < 0.1);
  assert.ok(Math.abs(sumG / n - 2.5) < 0.1);
  assert.ok(Math.abs(sumE / n - 10) < 0.4);
  assert.ok(Math.abs(r.poisson(400) - 400) < 100);
});

test("weighted picks follow their weights", () => {
  const r = Rng.fromSeed(5);
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 10000; i++) counts[r.weighted([["a", 3], ["b", 1]] as const)]++;
  assert.ok(Math.abs(counts.a / 10000 - 0.75) < 0.02);
});
