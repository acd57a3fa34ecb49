import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { TrafficEvent } from "../core/model/traffic.ts";
import { TrafficLogError, TrafficLogWriter, compressingName, listTrafficLogFiles, pruneTrafficLog, trafficLogFileName } from "./traffic-log.ts";

const root = mkdtempSync(join(tmpdir(), "moat-traffic-log-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`, "traffic");

const T0 = Date.parse("2026-04-22T00:04:40.527Z");
/** A settable clock. */
function clock(start = T0): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v) };
}

function event(i: number, extra: Partial<TrafficEvent> = {}): TrafficEvent {
  return {
    ts: new Date(T0 + i * 1000).toISOString(),
    account_id: `acct_${i % 3}`,
    request_id: `req_${i}`,
    ip: i % 2 === 0 ? "203.0.113.7" : "2001:db8::42",
    endpoint: "/v1/messages",
    model: "claude-sonnet-4",
    request: {
      model: "claude-sonnet-4",
      max_tokens: 1024,
      messages: [{ role: "user", content: [{ type: "text", text: `Q${i}: what is 17*23? ✓ "quoted"\nnew line` }] }],
    },
    status: 200,
    input_tokens: 21,
    output_tokens: 2411,
    latency_ms: 18230.5,
    ...extra,
  };
}

const readLines = (file: string) => readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0);

test("writes one JSON line per event that parses back to the same event", () => {
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  const events = [event(0), event(1), { ts: "2026-04-22T00:06:00Z", account_id: "acct_3", prompt: "Summarize this ticket." }];
  for (const e of events) log.append(e);
  const st = log.stats();
  log.close();
  assert.equal(st.lines, 3);
  assert.equal(st.files, 1);
  assert.equal(st.bytes, statSync(st.file).size);
  assert.deepEqual(readLines(st.file).map((l) => JSON.parse(l) as unknown), events);
  assert.equal(statSync(st.file).mode & 0o777, 0o600);
  assert.equal(basename(st.file), "traffic-20260422T000440Z-000001.jsonl");
});

test("a request body given as JSON text is written as it is and parses back to the same event", () => {
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  const body = Buffer.from('{ "model":"gpt-x", "messages":[{"role":"user","content":"caf\\u00e9 \\"q\\" \\n ✓"}], "max_tokens":1.0 }');
  const ev = { ...event(0), request: JSON.parse(body.toString("utf8")) as Record<string, unknown> };
  log.append(ev, body);
  // A body with a line break between tokens would split the line: the parsed object is serialised instead.
  const pretty = Buffer.from('{\n  "model": "gpt-x",\r\n  "messages": []\n}');
  const ev2 = { ...event(1), request: JSON.parse(pretty.toString("utf8")) as Record<string, unknown> };
  log.append(ev2, pretty);
  // A long body (an agent's) is written from its own buffer, gathered with the line's head and end.
  const long = Buffer.from(JSON.stringify({ model: "gpt-x", messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `step ${i} ✓ `.repeat(60) })) }));
  assert.ok(long.length > 20_000);
  const ev3 = { ...event(2), request: JSON.parse(long.toString("utf8")) as Record<string, unknown> };
  log.append(ev3, long);
  log.append(ev, body);
  const st = log.stats();
  log.close();
  const lines = readLines(st.file);
  assert.equal(lines.length, 4);
  assert.ok((lines[0] ?? "").includes('"request":{ "model":"gpt-x"'), "the body's own bytes are in the line");
  assert.ok((lines[2] ?? "").endsWith(`"request":${long.toString("utf8")}}`), "the long body's bytes too, then the line's end");
  assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [ev, ev2, ev3, ev]);
  assert.equal(st.bytes, statSync(st.file).size);
});

test("an event without its parsed request takes the request from the JSON text, on one line either way", () => {
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  const { request: _r, ...meta } = event(0);
  const body = Buffer.from('{"model":"gpt-x","messages":[{"role":"user","content":"hi"}]}');
  const pretty = Buffer.from('{\n  "model": "gpt-x",\r\n  "messages": []\n}');
  log.append(meta, body);
  log.append(meta, pretty);
  assert.throws(() => log.append(meta, Buffer.from("{\n not json")), (e: unknown) => e instanceof TrafficLogError && e.code === "TRAFFIC_LOG_BAD_EVENT");
  const st = log.stats();
  log.close();
  const lines = readLines(st.file);
  assert.equal(lines.length, 2);
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    [
      { ...meta, request: { model: "gpt-x", messages: [{ role: "user", content: "hi" }] } },
      { ...meta, request: { model: "gpt-x", messages: [] } },
    ],
  );
});

test("a request body given as JSON text does not bypass the event checks", () => {
  const log = TrafficLogWriter.open(freshDir(), { now: clock().now });
  assert.throws(() => log.append({ ts: "yesterday", account_id: "a", request: {} }, Buffer.from("{}")), (e: unknown) => e instanceof TrafficLogError && e.code === "TRAFFIC_LOG_BAD_EVENT");
  assert.equal(log.stats().lines, 0);
  // A good timestamp is remembered (lines share it under load); a bad one right after it is still refused.
  log.append({ ts: "2026-04-22T00:04:40.527Z", account_id: "a" }, Buffer.from("{}"));
  log.append({ ts: "2026-04-22T00:04:40.527Z", account_id: "b" }, Buffer.from("{}"));
  assert.throws(() => log.append({ ts: "2026-04-22T99:04:40.527Z", account_id: "a" }, Buffer.from("{}")));
  assert.throws(() => log.append({ ts: "yesterday", account_id: "a" }, Buffer.from("{}")));
  assert.equal(log.stats().lines, 2);
  log.close();
});

test("round-trips the contract's example events", (t) => {
  const examples = new URL("../../../shared/contracts/examples/events.jsonl", import.meta.url);
  if (!existsSync(examples)) {
    t.skip("../shared/contracts/examples is not present");
    return;
  }
  const events = readFileSync(examples, "utf8").split("\n").filter((l) => l.trim().length > 0).map((l) => JSON.parse(l) as TrafficEvent);
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  for (const e of events) log.append(e);
  log.close();
  assert.deepEqual(readLines(log.stats().file).map((l) => JSON.parse(l) as unknown), events);
});

test("starts a new file when the UTC hour of the clock changes", () => {
  const dir = freshDir();
  const c = clock(Date.parse("2026-04-22T00:59:59.000Z"));
  const log = TrafficLogWriter.open(dir, { now: c.now });
  log.append(event(0));
  c.set(Date.parse("2026-04-22T00:59:59.999Z"));
  log.append(event(1));
  c.set(Date.parse("2026-04-22T01:00:00.000Z"));
  log.append(event(2));
  c.set(Date.parse("2026-04-22T01:30:00.000Z"));
  log.append(event(3));
  c.set(Date.parse("2026-04-22T03:10:00.000Z"));
  log.append(event(4));
  log.close();
  const files = listTrafficLogFiles(dir);
  assert.deepEqual(files.map((f) => basename(f)), [
    "traffic-20260422T005959Z-000001.jsonl",
    "traffic-20260422T010000Z-000002.jsonl",
    "traffic-20260422T031000Z-000003.jsonl",
  ]);
  assert.deepEqual(files.map((f) => readLines(f).map((l) => (JSON.parse(l) as TrafficEvent).request_id)), [
    ["req_0", "req_1"],
    ["req_2", "req_3"],
    ["req_4"],
  ]);
  assert.equal(log.stats().files, 3);
  assert.equal(log.stats().lines, 5);
});

test("retention: a file goes once its hour ended more than retainMs ago, at open, at rotation and on prune; never the file being written", () => {
  const dir = freshDir();
  const H = 3_600_000;
  const c = clock(Date.parse("2026-04-22T00:10:00.000Z"));
  const first = TrafficLogWriter.open(dir, { now: c.now });
  first.append(event(0));
  first.close();
  // Another process's file, compressed later, from the next hour; and a file that is not the log's.
  const gz = join(dir, trafficLogFileName(Date.parse("2026-04-22T01:20:00.000Z"), 7) + ".gz");
  writeFileSync(gz, "");
  writeFileSync(join(dir, "notes.txt"), "kept");
  // The files were last written in their hour (the test's clock is not the file system's).
  const touch = (p: string, t: number) => utimesSync(p, new Date(t), new Date(t));
  touch(listTrafficLogFiles(dir)[0] as string, Date.parse("2026-04-22T00:10:01.000Z"));
  touch(gz, Date.parse("2026-04-22T01:59:00.000Z"));
  // 47 hours after the first file's hour ended: with 48 hours of retention, everything stays.
  c.set(Date.parse("2026-04-22T01:00:00.000Z") + 47 * H);
  const log = TrafficLogWriter.open(dir, { now: c.now, retainMs: 48 * H });
  assert.equal(listTrafficLogFiles(dir).length, 3);
  // An hour later the first file's hour ended 48 hours ago: it goes when the writer rotates.
  c.set(Date.parse("2026-04-22T01:00:00.000Z") + 48 * H);
  touch(log.stats().file, c.now() - 1);
  log.append(event(1));
  assert.deepEqual(listTrafficLogFiles(dir).map((f) => basename(f)).slice(0, 1), ["traffic-20260422T012000Z-000007.jsonl.gz"]);
  // No traffic for days: a prune call still applies retention (the .gz, and this writer's first file, left when it
  // rotated), and keeps the file being written.
  c.set(Date.parse("2026-04-30T00:00:00.000Z"));
  // A file whose name is past retention but which was written since (named while the clock was wrong) stays.
  const misnamed = join(dir, trafficLogFileName(Date.parse("1970-01-01T00:00:00.000Z"), 9));
  writeFileSync(misnamed, "");
  touch(misnamed, c.now() - H);
  assert.deepEqual(log.prune(), { removed: 2, failed: [] });
  assert.ok(existsSync(misnamed));
  rmSync(misnamed);
  assert.deepEqual(listTrafficLogFiles(dir), [log.stats().file]);
  assert.ok(existsSync(join(dir, "notes.txt")));
  assert.equal(log.stats().pruned, 3);
  log.close();
  // Without retainMs nothing is deleted, and a bad retention is refused.
  const keepAll = TrafficLogWriter.open(dir, { now: () => Date.parse("2030-01-01T00:00:00Z") });
  assert.equal(keepAll.prune().removed, 0);
  keepAll.close();
  assert.throws(() => TrafficLogWriter.open(dir, { retainMs: 0 }), (e: unknown) => e instanceof TrafficLogError && e.code === "TRAFFIC_LOG_BAD_OPTION");
  assert.deepEqual(pruneTrafficLog(join(dir, "missing"), Date.now()), { removed: 0, failed: [] });
});

test("starts a new file before a line would take it past maxBytes, and puts an oversized line alone", () => {
  const dir = freshDir();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(event(0))}\n`);
  const log = TrafficLogWriter.open(dir, { now: clock().now, maxBytes: lineBytes * 3 });
  for (let i = 0; i < 7; i++) log.append(event(0, { request_id: `req_${i}` }));
  log.append(event(0, { request_id: "big", prompt: "x".repeat(lineBytes * 5) }));
  log.append(event(0, { request_id: "after" }));
  log.close();
  const files = listTrafficLogFiles(dir);
  const ids = files.map((f) => readLines(f).map((l) => (JSON.parse(l) as TrafficEvent).request_id));
  assert.deepEqual(ids, [["req_0", "req_1", "req_2"], ["req_3", "req_4", "req_5"], ["req_6"], ["big"], ["after"]]);
  for (const f of files.slice(0, 3)) assert.ok(statSync(f).size <= lineBytes * 3);
  assert.equal(log.stats().bytes, files.reduce((sum, f) => sum + statSync(f).size, 0));
});

test("a file rotated out is synced and closed in the background, and no descriptor is left open", { skip: !existsSync("/proc/self/fd") && "needs /proc/self/fd" }, async () => {
  const dir = freshDir();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(event(0))}\n`);
  // Descriptors of this process open on files of this log's directory.
  const openHere = () =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}/`);
      } catch {
        return false;
      }
    }).length;
  const log = TrafficLogWriter.open(dir, { now: clock().now, maxBytes: lineBytes });
  log.append(event(0, { request_id: "req_0" }));
  log.append(event(0, { request_id: "req_1" }));
  // The append that rotated returned before the old file's sync: it is still open (its close comes from libuv's pool).
  assert.equal(openHere(), 2);
  for (let i = 2; i < 40; i++) log.append(event(0, { request_id: `req_${i}` }));
  // Each append rotated the file before it; the old ones close once their sync (in libuv's pool) is done.
  for (let i = 0; i < 200 && openHere() > 1; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(openHere(), 1, "only the file being written stays open");
  log.close();
  const files = listTrafficLogFiles(dir);
  assert.equal(files.length, 40);
  assert.equal(log.stats().syncFailures, 0);
  assert.deepEqual(files.map((f) => readLines(f).map((l) => (JSON.parse(l) as TrafficEvent).request_id)).flat(), Array.from({ length: 40 }, (_, i) => `req_${i}`));
});

test("compress: files rotated out become .jsonl.gz holding the same lines, with their last-write time; the current file stays plain", async () => {
  const dir = freshDir();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(event(0))}\n`);
  const log = TrafficLogWriter.open(dir, { now: clock().now, maxBytes: lineBytes * 2, compress: true });
  for (let i = 0; i < 7; i++) log.append(event(i));
  const plainFiles = listTrafficLogFiles(dir);
  const mtimes = new Map(plainFiles.map((f) => [f, statSync(f).mtimeMs]));
  await log.idle();
  const files = listTrafficLogFiles(dir);
  assert.ok(files.length >= 4, `rotated several times (${files.length} files)`);
  assert.deepEqual(
    files.map((f) => basename(f).replace(/^traffic-\d{8}T\d{6}Z-\d+/, "")),
    [...Array.from({ length: files.length - 1 }, () => ".jsonl.gz"), ".jsonl"],
  );
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".tmp")), [], "no temporary file is left");
  const lines = files.flatMap((f) => (f.endsWith(".gz") ? gunzipSync(readFileSync(f)).toString("utf8") : readFileSync(f, "utf8")).split("\n").filter((l) => l.length > 0));
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as TrafficEvent).request_id), Array.from({ length: 7 }, (_, i) => `req_${i}`));
  for (const f of files.filter((x) => x.endsWith(".gz"))) assert.ok(Math.abs(statSync(f).mtimeMs - (mtimes.get(f.slice(0, -3)) ?? 0)) < 1, "retention counts from the last line");
  assert.deepEqual([log.stats().compressed, log.stats().compressFailures], [files.length - 1, 0]);
  log.close();
});

test("a compression that fails keeps the plain file and is reported; a stopped one is settled at the next open", async () => {
  const dir = freshDir();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(event(0))}\n`);
  const failures: string[] = [];
  const log = TrafficLogWriter.open(dir, { now: clock().now, maxBytes: lineBytes, compress: true, onBackgroundError: (file, what) => failures.push(`${what} ${basename(file)}`) });
  log.append(event(0));
  // The temporary file's name (hidden, with this process's id) is taken by a directory: the gzip cannot be written.
  const first = listTrafficLogFiles(dir)[0] as string;
  // Its name: hidden, with this process's id and a token of this process's own.
  const mine = compressingName(first);
  assert.match(basename(mine), new RegExp(`^\\.${basename(first).replace(/\./g, "\\.")}\\.gz\\.${process.pid}-[0-9a-f]{12}\\.tmp$`));
  mkdirSync(mine);
  log.append(event(1));
  await log.idle();
  assert.deepEqual(failures, [`compress ${basename(first)}`]);
  assert.equal(log.stats().compressFailures, 1);
  assert.ok(existsSync(first), "the plain file is kept");
  rmSync(mine, { recursive: true });
  log.close();
  // What stopped processes leave: a partial gzip, or both forms of a compressed file. A living process's partial
  // gzip is its work in progress (another writer sharing the directory) and stays.
  const names = listTrafficLogFiles(dir);
  const second = names[1] as string;
  const dead = join(dir, `.${basename(first)}.gz.999999999-0a0b0c0d0e0f.tmp`);
  const earlierSelf = join(dir, `.${basename(first)}.gz.${process.pid}-ffffffffffff.tmp`);
  writeFileSync(dead, "partial");
  writeFileSync(earlierSelf, "partial, from an earlier process with this one's id");
  writeFileSync(mine, "in progress");
  writeFileSync(`${second}.gz`, gzipSync(readFileSync(second)));
  assert.deepEqual(listTrafficLogFiles(dir), [first, `${second}.gz`], "a reader lists a file in both forms once, as its .gz");
  TrafficLogWriter.open(dir, { now: clock().now }).close();
  assert.ok(!existsSync(dead), "a stopped process's partial compression is gone");
  assert.ok(!existsSync(earlierSelf), "so is an earlier process's with this one's id (process 1 in a container)");
  assert.ok(existsSync(mine), "a living process's is not");
  assert.ok(!existsSync(second), "the plain twin of a complete .gz is gone");
  assert.ok(existsSync(first) && existsSync(`${second}.gz`));
});

test("reopening writes to a new file and never changes the old ones", () => {
  const dir = freshDir();
  const c = clock();
  const first = TrafficLogWriter.open(dir, { now: c.now });
  first.append(event(0));
  first.close();
  const oldFile = first.stats().file;
  // A process killed mid-write leaves a torn last line: the next writer must not append to it.
  writeFileSync(oldFile, readFileSync(oldFile, "utf8") + '{"ts":"2026-04-22T00:04:41.000Z","account');
  const before = readFileSync(oldFile);

  const second = TrafficLogWriter.open(dir, { now: c.now });
  second.append(event(1));
  second.close();
  assert.notEqual(second.stats().file, oldFile);
  assert.deepEqual(readFileSync(oldFile), before);
  assert.deepEqual(listTrafficLogFiles(dir), [oldFile, second.stats().file]);
  assert.deepEqual(readLines(second.stats().file).map((l) => (JSON.parse(l) as TrafficEvent).request_id), ["req_1"]);
});

test("two writers sharing a directory never write to the same file", () => {
  const dir = freshDir();
  const c = clock();
  const a = TrafficLogWriter.open(dir, { now: c.now });
  const b = TrafficLogWriter.open(dir, { now: c.now });
  a.append(event(0));
  b.append(event(1));
  c.set(T0 + 3_600_000);
  a.append(event(2));
  b.append(event(3));
  a.close();
  b.close();
  const files = listTrafficLogFiles(dir);
  assert.equal(new Set(files).size, 4);
  const all = files.flatMap((f) => readLines(f).map((l) => (JSON.parse(l) as TrafficEvent).request_id));
  assert.deepEqual([...all].sort(), ["req_0", "req_1", "req_2", "req_3"]);
});

test("lists only traffic log files, oldest first by time then sequence, with full paths", () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  const names = [
    trafficLogFileName(Date.parse("2026-04-22T10:00:00Z"), 2),
    trafficLogFileName(Date.parse("2026-04-22T09:00:00Z"), 10),
    trafficLogFileName(Date.parse("2026-04-22T09:00:00Z"), 9),
    `${trafficLogFileName(Date.parse("2026-04-21T23:00:00Z"), 1)}.gz`,
    "traffic-notes.txt",
    "state.jsonl",
    "traffic-20260422T090000Z-000003.jsonl.tmp",
  ];
  for (const name of names) writeFileSync(join(dir, name), "");
  assert.deepEqual(listTrafficLogFiles(dir), [
    join(dir, "traffic-20260421T230000Z-000001.jsonl.gz"),
    join(dir, "traffic-20260422T090000Z-000009.jsonl"),
    join(dir, "traffic-20260422T090000Z-000010.jsonl"),
    join(dir, "traffic-20260422T100000Z-000002.jsonl"),
  ]);
  assert.deepEqual(listTrafficLogFiles(join(root, "does-not-exist")), []);
  const log = TrafficLogWriter.open(dir, { now: () => Date.parse("2026-04-22T11:00:00Z") });
  log.close();
  assert.equal(basename(log.stats().file), "traffic-20260422T110000Z-000011.jsonl", "sequence continues after the highest in the directory");
});

test("refuses an event a contract reader would count as bad, and writes nothing", () => {
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  const bad: unknown[] = [
    null,
    { account_id: "a", prompt: "p" },
    { ts: "yesterday", account_id: "a", prompt: "p" },
    { ts: "2026-04-22T00:00:00Z", prompt: "p" },
    { ts: "2026-04-22T00:00:00Z", account_id: "a" },
    { ts: "2026-04-22T00:00:00Z", account_id: "a", prompt: "p", input_tokens: 10n },
  ];
  for (const e of bad) {
    assert.throws(() => log.append(e as TrafficEvent), (err: unknown) => err instanceof TrafficLogError && err.code === "TRAFFIC_LOG_BAD_EVENT");
  }
  log.close();
  assert.equal(log.stats().lines, 0);
  assert.equal(statSync(log.stats().file).size, 0);
});

test("refuses appends after close and bad options", () => {
  const dir = freshDir();
  const log = TrafficLogWriter.open(dir, { now: clock().now });
  log.close();
  log.close();
  assert.throws(() => log.append(event(0)), (e: unknown) => e instanceof TrafficLogError && e.code === "TRAFFIC_LOG_CLOSED");
  for (const maxBytes of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => TrafficLogWriter.open(dir, { maxBytes }), (e: unknown) => e instanceof TrafficLogError && e.code === "TRAFFIC_LOG_BAD_OPTION");
  }
  assert.equal(readdirSync(dir).length, 1);
});

test("an empty timestamp is refused even as the first line a process writes", async () => {
  // A module instance of its own: nothing validated before in it.
  const fresh = (await import(`./traffic-log.ts?first-line=${Date.now()}`)) as { TrafficLogWriter: typeof TrafficLogWriter; TrafficLogError: typeof TrafficLogError };
  const log = fresh.TrafficLogWriter.open(freshDir(), { now: clock().now });
  assert.throws(() => log.append({ ts: "", account_id: "a", prompt: "x" }), (e: unknown) => e instanceof fresh.TrafficLogError && e.code === "TRAFFIC_LOG_BAD_EVENT");
  assert.equal(log.stats().lines, 0);
  log.close();
});
