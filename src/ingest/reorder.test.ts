import { test } from "node:test";
import assert from "node:assert/strict";
import type { TimedEvent } from "../core/model/traffic.ts";
import { MinHeap, ReorderBuffer, mergeSorted } from "./reorder.ts";

const ev = (t: number, id: string): TimedEvent => ({ t, event: { ts: new Date(t).toISOString(), account_id: "a", request_id: id } });

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test("the min-heap pops keys in ascending order and equal keys in insertion order", () => {
  const rnd = lcg(7);
  const heap = new MinHeap<number>();
  const input = Array.from({ length: 5000 }, (_, i) => ({ k: Math.floor(rnd() * 100), i }));
  for (const x of input) heap.push(x.k, x.i);
  const out: number[] = [];
  for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
  const expected = [...input].sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.i);
  assert.deepEqual(out, expected);
});

test("the reorder buffer sorts any disorder smaller than its window and holds at most one window", () => {
  const rnd = lcg(42);
  const buffer = new ReorderBuffer(1000);
  const out: TimedEvent[] = [];
  let maxHeld = 0;
  for (let i = 0; i < 10_000; i++) {
    buffer.push(ev(i * 10 + Math.floor(rnd() * 900), String(i)));
    buffer.drainReady(out);
    maxHeld = Math.max(maxHeld, buffer.size);
  }
  buffer.drainAll(out);
  assert.equal(out.length, 10_000);
  for (let i = 1; i < out.length; i++) assert.ok((out[i - 1] as TimedEvent).t <= (out[i] as TimedEvent).t);
  assert.ok(maxHeld < 200, `held ${maxHeld}`);
});

test("merging counts an event that goes back in time as late but still emits it", async () => {
  async function* batches(...bs: TimedEvent[][]) {
    yield* bs;
  }
  const late = { lateEvents: 0 };
  const out: string[] = [];
  for await (const e of mergeSorted([batches([ev(1, "a"), ev(5, "c")], [ev(2, "late")]), batches([ev(3, "b")])], late)) {
    out.push(e.event.request_id ?? "");
  }
  assert.deepEqual(out, ["a", "b", "c", "late"]);
  assert.equal(late.lateEvents, 1);
});
