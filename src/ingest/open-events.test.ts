import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import type { TimedEvent } from "../core/model/traffic.ts";
import { UserError } from "../cli/user-error.ts";
import { MAX_LINE_BYTES } from "./line-splitter.ts";
import { openEventBatches, openEvents } from "./open-events.ts";

const EXAMPLES = new URL("../../../shared/contracts/examples/events.jsonl", import.meta.url).pathname;
function skipShared(): string | false {
  return existsSync(EXAMPLES) ? false : "../shared/contracts/examples is absent (fresh clone): skipped";
}

const T0 = Date.parse("2026-04-22T00:00:00.000Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const line = (ms: number, id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ts: iso(ms), account_id: "acct_1", request_id: id, prompt: "hi", ...extra });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "moat-ingest-"));
}

async function collect(events: AsyncIterable<TimedEvent>): Promise<TimedEvent[]> {
  const out: TimedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const ids = (events: readonly TimedEvent[]) => events.map((e) => e.event.request_id);

test("restores event-time order within the reorder window", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "a.jsonl");
    writeFileSync(p, [line(5_000, "c"), line(1_000, "a"), line(3_000, "b"), line(2 * 3600_000, "e"), line(3600_000, "d")].join("\n") + "\n");
    const { events, stats } = openEvents([p]);
    const got = await collect(events);
    assert.deepEqual(ids(got), ["a", "b", "c", "d", "e"]);
    assert.equal(stats.events, 5);
    assert.equal(stats.lateEvents, 0);
    assert.equal(stats.badLines, 0);
    assert.equal(stats.bytesRead, stats.totalBytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("map: each valid event is mapped once, in input order, and the results come out in event-time order", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "m.jsonl");
    writeFileSync(p, [line(5_000, "c"), "{not json", line(1_000, "a"), line(3_000, "b")].join("\n") + "\n");
    const seen: string[] = [];
    const { events, stats } = openEvents([p], {
      map: (ev: TimedEvent) => {
        seen.push(ev.event.request_id ?? "?");
        return { t: ev.t, id: (ev.event.request_id ?? "?").toUpperCase() };
      },
    });
    const got: string[] = [];
    for await (const m of events) got.push(m.id);
    assert.deepEqual(seen, ["c", "a", "b"]);
    assert.deepEqual(got, ["A", "B", "C"]);
    assert.equal(stats.events, 3);
    assert.equal(stats.badLines, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("emits an event older than the window late instead of dropping it, and counts it", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "late.jsonl");
    // "old" arrives 3 hours of event time after newer events were released by a 1-minute window.
    writeFileSync(p, [line(0, "a"), line(3 * 3600_000, "b"), line(4 * 3600_000, "c"), line(60_000, "old")].join("\n"));
    const { events, stats } = openEvents([p], { reorderWindowMs: 60_000 });
    const got = await collect(events);
    assert.deepEqual(ids(got), ["a", "b", "old", "c"]);
    assert.equal(stats.lateEvents, 1);
    assert.equal(stats.events, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("merges several sources into one time-ordered stream", async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "a.jsonl"), [line(1_000, "a1"), line(4_000, "a4"), line(6_000, "a6")].join("\n"));
    writeFileSync(join(dir, "b.jsonl"), [line(2_000, "b2"), line(3_000, "b3"), line(5_000, "b5")].join("\n"));
    const { events, stats } = openEvents([join(dir, "a.jsonl"), join(dir, "b.jsonl")]);
    assert.deepEqual(ids(await collect(events)), ["a1", "b2", "b3", "a4", "b5", "a6"]);
    assert.equal(stats.lateEvents, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("openEventBatches yields the events of openEvents, in the same order, several sources merged in batches", async () => {
  const dir = tempDir();
  try {
    // Three sources interleaved in time, 3,000 events: more than one merged batch.
    const files = [0, 1, 2].map((k) => {
      const p = join(dir, `s${k}.jsonl`);
      writeFileSync(p, Array.from({ length: 1000 }, (_, i) => line(i * 3000 + k * 1000 + (i % 5 === 0 ? 7 : 0), `s${k}-${i}`)).join("\n") + "\n");
      return p;
    });
    const one = await collect(openEvents(files).events);
    const { batches, stats } = openEventBatches(files);
    const sizes: number[] = [];
    const flat: TimedEvent[] = [];
    for await (const b of batches) {
      sizes.push(b.length);
      flat.push(...b);
    }
    assert.deepEqual(ids(flat), ids(one));
    assert.equal(flat.length, 3000);
    assert.ok(sizes.length > 1 && Math.max(...sizes) <= 1024, `batch sizes ${sizes.join(",")}`);
    assert.equal(stats.events, 3000);
    assert.equal(stats.lateEvents, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reads gzip files, including concatenated gzip members", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "log.jsonl.gz");
    const part1 = gzipSync(Buffer.from([line(2_000, "b"), line(1_000, "a")].join("\n") + "\n"));
    const part2 = gzipSync(Buffer.from(line(3_000, "c") + "\n"));
    writeFileSync(p, Buffer.concat([part1, part2]));
    const { events, stats } = openEvents([p]);
    assert.deepEqual(ids(await collect(events)), ["a", "b", "c"]);
    assert.equal(stats.totalBytes, part1.length + part2.length);
    assert.equal(stats.bytesRead, stats.totalBytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("counts a truncated gzip file as bad and keeps the events read before the cut", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "cut.jsonl.gz");
    const lines = Array.from({ length: 2000 }, (_, i) => line(i * 1000, `r${i}`, { pad: "x".repeat(200 + (i % 7)) }));
    const gz = gzipSync(Buffer.from(lines.join("\n") + "\n"));
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
    const { events, stats } = openEvents([p]);
    const got = await collect(events);
    assert.ok(got.length > 100 && got.length < 2000, `read ${got.length} events`);
    assert.equal(stats.badReasons.truncated_gzip, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reads parquet with a struct request column and a JSON-string request column", async () => {
  const dir = tempDir();
  try {
    const p1 = join(dir, "struct.parquet");
    const p2 = join(dir, "string.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    await c.run(`COPY (
      SELECT TIMESTAMP '2026-04-22 00:00:02' AS ts, 'acct_1' AS account_id, 'p2' AS request_id, '2001:db8::1' AS ip,
             {'model': 'claude-sonnet-4', 'max_tokens': 1024::BIGINT, 'messages': [{'role': 'user', 'content': 'hi'}], 'thinking': NULL} AS request,
             200 AS status, 12::BIGINT AS input_tokens
      UNION ALL
      SELECT TIMESTAMP '2026-04-22 00:00:01', 'acct_2', 'p1', '203.0.113.9',
             {'model': 'm', 'max_tokens': 10::BIGINT, 'messages': [{'role': 'user', 'content': 'yo'}], 'thinking': NULL}, 429, NULL
    ) TO '${p1}' (FORMAT parquet)`);
    await c.run(`COPY (
      SELECT '2026-04-22T00:00:03Z' AS ts, 'acct_3' AS account_id, 'p3' AS request_id,
             '{"model":"gpt","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}' AS request
      UNION ALL SELECT 'not a time', 'acct_4', 'p4', '{"model":"gpt"}'
    ) TO '${p2}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
    const { events, stats } = openEvents([p1, p2]);
    const got = await collect(events);
    assert.deepEqual(ids(got), ["p1", "p2", "p3"]);
    const first = got[1]?.event;
    assert.equal(first?.ts, "2026-04-22T00:00:02.000Z");
    assert.equal(first?.input_tokens, 12);
    assert.deepEqual(first?.request, { model: "claude-sonnet-4", max_tokens: 1024, messages: [{ role: "user", content: "hi" }] });
    assert.equal(got[0]?.event.input_tokens, undefined);
    assert.deepEqual(got[2]?.event.request, { model: "gpt", messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] });
    assert.equal(stats.lines, 4);
    assert.deepEqual(stats.badReasons, { bad_ts: 1 });
    assert.equal(stats.bytesRead, stats.totalBytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reads standard input for -, plain or gzipped, and reports no total size", async () => {
  const text = [line(2_000, "b"), line(1_000, "a")].join("\n");
  for (const body of [Buffer.from(text), gzipSync(Buffer.from(text))]) {
    const { events, stats } = openEvents(["-"], { stdin: Readable.from([body.subarray(0, 7), body.subarray(7)]) });
    assert.deepEqual(ids(await collect(events)), ["a", "b"]);
    assert.equal(stats.totalBytes, null);
    assert.equal(stats.bytesRead, body.length);
  }
});

test("expands globs, including ** and braces, relative to cwd", async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, "logs", "gw1"), { recursive: true });
    mkdirSync(join(dir, "logs", "gw2"), { recursive: true });
    writeFileSync(join(dir, "logs", "gw1", "x.jsonl"), line(1_000, "x"));
    writeFileSync(join(dir, "logs", "gw2", "y.ndjson"), line(2_000, "y"));
    writeFileSync(join(dir, "logs", "gw2", "skip.txt"), "not a log");
    writeFileSync(join(dir, "logs", "z.jsonl.gz"), gzipSync(line(3_000, "z")));
    const deep = openEvents(["logs/**/*.{jsonl,ndjson}"], { cwd: dir });
    assert.deepEqual(ids(await collect(deep.events)), ["x", "y"]);
    const flat = openEvents([join(dir, "logs/*.gz"), join(dir, "logs/gw?/x.jsonl")]);
    assert.deepEqual(ids(await collect(flat.events)), ["x", "z"]);
    assert.throws(() => openEvents(["logs/*.parquet"], { cwd: dir }), (e: unknown) => e instanceof UserError && e.code === "NO_MATCH");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("counts garbage, truncated JSON, missing fields, wrong types and binary junk by reason and keeps the rest", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "bad.jsonl");
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b, 0x22]);
    const parts = [
      Buffer.from("\uFEFF" + line(1_000, "ok1") + "\r\n"),
      Buffer.from("this is not json\n"),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","account_id":"a","prompt":"cut\n'),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","account_id":"a","pro\n'),
      Buffer.from('{"account_id":"a","prompt":"no ts"}\n'),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","prompt":"no account"}\n'),
      Buffer.from('{"ts":"yesterday","account_id":"a","prompt":"x"}\n'),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","account_id":"a","prompt":"x","status":"200"}\n'),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","account_id":"a","request":[1,2]}\n'),
      Buffer.from('{"ts":"2026-04-22T00:00:01Z","account_id":"a"}\n'),
      Buffer.from("[1,2,3]\n"),
      Buffer.from("\n   \n"),
      Buffer.concat([junk, Buffer.from("\n")]),
      Buffer.from("\u0001\u0002\u0003garbage\n"),
      Buffer.from(line(2_000, "ok2", { ip: null, extra_field: { kept: true } }) + "\n"),
    ];
    writeFileSync(p, Buffer.concat(parts));
    const { events, stats } = openEvents([p]);
    const got = await collect(events);
    assert.deepEqual(ids(got), ["ok1", "ok2"]);
    assert.deepEqual((got[1]?.event as unknown as Record<string, unknown>).extra_field, { kept: true });
    assert.equal("ip" in (got[1]?.event ?? {}), false);
    assert.deepEqual(stats.badReasons, {
      not_json: 1,
      truncated_json: 2,
      missing_ts: 1,
      missing_account_id: 1,
      bad_ts: 1,
      "bad_field:status": 1,
      "bad_field:request": 1,
      no_request_or_prompt: 1,
      not_object: 1,
      binary: 2,
    });
    assert.equal(stats.badLines, 12);
    assert.equal(stats.events, 2);
    assert.equal(stats.lines, 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("counts a line over the size limit as bad without buffering it, and reads on", async () => {
  const dir = tempDir();
  try {
    const p = join(dir, "long.jsonl");
    const huge = JSON.stringify({ ts: iso(0), account_id: "a", prompt: "y".repeat(MAX_LINE_BYTES + 1) });
    writeFileSync(p, [line(1_000, "a"), huge, line(2_000, "b")].join("\n"));
    const { events, stats } = openEvents([p]);
    assert.deepEqual(ids(await collect(events)), ["a", "b"]);
    assert.deepEqual(stats.badReasons, { line_too_long: 1 });
    assert.equal(stats.lines, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("refuses a missing file, a directory and a foreign format with a UserError saying what to do", () => {
  const dir = tempDir();
  try {
    const isUser = (code: string) => (e: unknown) => e instanceof UserError && e.code === code && e.message.length > 20;
    assert.throws(() => openEvents([join(dir, "nope.jsonl")]), isUser("NOT_FOUND"));
    assert.throws(() => openEvents([dir]), isUser("IS_DIRECTORY"));
    const zst = join(dir, "x.jsonl.zst");
    writeFileSync(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
    assert.throws(() => openEvents([zst]), isUser("UNREADABLE_FORMAT"));
    const arr = join(dir, "x.json");
    writeFileSync(arr, "[{\"ts\":1}]");
    assert.throws(() => openEvents([arr]), isUser("JSON_ARRAY"));
    assert.throws(() => openEvents([]), isUser("NO_INPUT"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reads the contract's example log in time order with nothing bad", { skip: skipShared() }, async () => {
  const { events, stats } = openEvents([EXAMPLES]);
  const got = await collect(events);
  assert.equal(got.length, 5);
  assert.deepEqual(got.map((e) => e.t), [...got.map((e) => e.t)].sort((a, b) => a - b));
  assert.equal(stats.badLines, 0);
});

