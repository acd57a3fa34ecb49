import { test } from "node:test";
import assert from "node:assert/strict";
import { SseParser, type SseEvent } from "./sse.ts";

const TEXT =
  "event: message_start\ndata: {\"a\":1}\n\n" +
  ": keep-alive\r\n\r\n" +
  "event: delta\r\ndata: héllo ✓\r\ndata: line 2\r\n\r\n" +
  "data: cr only\r\r" +
  `data: ${"x".repeat(5000)}\n\n` +
  "data: cut short";

function parse(chunks: Uint8Array[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

test("events come out the same whatever the chunking: split lines, split terminators, split UTF-8 characters", () => {
  const bytes = Buffer.from(TEXT);
  const whole = parse([bytes]);
  assert.deepEqual(
    whole.map((e) => [e.event, e.data.slice(0, 12)]),
    [
      ["message_start", '{"a":1}'],
      [null, ""],
      ["delta", "héllo ✓\nline"],
      [null, "cr only"],
      [null, "xxxxxxxxxxxx"],
      [null, "cut short"],
    ],
  );
  assert.equal(whole.map((e) => e.raw).join(""), TEXT, "raw texts rebuild the stream byte for byte");
  for (const size of [1, 2, 3, 5, 7, 64, 1000]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    assert.deepEqual(parse(chunks), whole, `chunks of ${size} bytes`);
  }
});

test("idle is true only between complete events", () => {
  const p = new SseParser();
  assert.equal(p.idle, true);
  p.push(Buffer.from("data: x\n"));
  assert.equal(p.idle, false);
  assert.equal(p.push(Buffer.from("\n")).length, 1);
  assert.equal(p.idle, true);
});
