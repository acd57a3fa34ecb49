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

test("a cleaning pass deletes the entries of dead holders, also when the table grows in the middle of it", () => {
  const table = new SingleKeys();
  const key = (i: number): number => ((i * 2654435761) % 2 ** 40) + 1;
  for (let i = 0; i < 600; i++) table.set(key(i), i % 100);
  const dead = (h: number): boolean => h < 50;
  assert.equal(table.clean(dead, 100), false);
  assert.equal(table.cleaning, true);
  // Growing moves every entry: the pass starts again (and says so).
  for (let i = 600; i < 1400; i++) table.set(key(i), 100 + (i % 100));
  assert.equal(table.restarts, 1);
  assert.equal(table.cleaning, false);
  let calls = 0;
  while (!table.clean(dead, 100)) calls++;
  assert.ok(calls > 10, `${calls} calls`);
  assert.equal(table.passes, 1);
  for (let i = 0; i < 1400; i++) {
    const holder = i < 600 ? i % 100 : 100 + (i % 100);
    assert.equal(table.get(key(i)), dead(holder) ? -1 : holder, `key ${i}`);
  }
  assert.equal(table.size(), 1400 - 300);
});

test("an entry a deletion outside the pass pulls from ahead of it to behind it is still cleaned", () => {
  const table = new SingleKeys();
  // Two keys with the same home slot (10 in a 1,024-slot table): L in slot 10, D in slot 11.
  const L = 10;
  const D = 10 + 1024 * 7;
  table.set(L, 0);
  table.set(D, 1);
  const dead = (h: number): boolean => h === 1;
  assert.equal(table.clean(dead, 11), false, "the walk stops after slot 10");
  // L becomes a group's key: deleting it shifts D back into slot 10, behind where the walk stopped.
  table.delete(L);
  assert.equal(table.clean(dead, 1 << 20), true);
  assert.equal(table.get(D), -1, "the dead holder's entry is gone once the pass ends");
  assert.equal(table.size(), 0);
});
