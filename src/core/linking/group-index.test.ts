import { test } from "node:test";
import assert from "node:assert/strict";
import { SingleKeys } from "./group-index.ts";

test("the single-holder key table answers like a Map through inserts, overwrites, deletions and growth", () => {
  const table = new SingleKeys();
  const ref = new Map<number, number>();
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  // Few distinct low bits on purpose: long probe runs, wrap-around and backward shifts all happen.
  const key = (): number => (rnd() & 0x1fffff) * 4294967296 + (rnd() & 0x70000fff);
  const keys: number[] = [];
  for (let step = 0; step < 60_000; step++) {
    const r = rnd() % 10;
    if (r < 5 || keys.length === 0) {
      const k = key();
      const v = rnd() % 1000;
      table.set(k, v);
      ref.set(k, v);
      keys.push(k);
    } else if (r < 8) {
      const k = keys[rnd() % keys.length]!;
      table.delete(k);
      ref.delete(k);
    } else {
      const k = rnd() % 3 === 0 ? key() : keys[rnd() % keys.length]!;
      assert.equal(table.get(k), ref.get(k) ?? -1);
    }
  }
  assert.equal(table.size(), ref.size);
  for (const k of keys) assert.equal(table.get(k), ref.get(k) ?? -1);
});
