import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { FileStateStore } from "./file-state-store.ts";
import { JOURNAL_HEADER } from "./journal-format.ts";
import { StateStoreError, type StateStoreErrorCode } from "./state-store.ts";

const root = mkdtempSync(join(tmpdir(), "moat-file-state-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `s${n++}`, "state.jsonl");

function assertCode(fn: () => unknown, code: StateStoreErrorCode, messagePart?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StateStoreError, `expected StateStoreError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (messagePart !== undefined) assert.ok(e.message.includes(messagePart), e.message);
    return true;
  });
}

const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);

test("creates the file and its directory, and a reopen sees every put, delete and audit entry", () => {
  const path = freshPath();
  const a = FileStateStore.open(path);
  a.put("blocks", "acct_1", { reason: "campaign cmp_3" });
  a.put("blocks", "acct_2", { reason: "manual" });
  a.put("blocks", "acct_1", { reason: "campaign cmp_4" });
  a.delete("blocks", "acct_2");
  a.put("counters", "scans", 7);
  a.appendAudit({ at: "2026-04-22T00:00:00.000Z", actor: "analyst:ana", action: "block", target: "acct_1", detail: { why: "x" } });
  a.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(existsSync(`${path}.lock`), false, "close releases the lock");

  const b = FileStateStore.open(path);
  assert.deepEqual(b.list("blocks"), [["acct_1", { reason: "campaign cmp_4" }]]);
  assert.equal(b.get("counters", "scans"), 7);
  assert.deepEqual(b.listAudit(), [{ at: "2026-04-22T00:00:00.000Z", actor: "analyst:ana", action: "block", target: "acct_1", detail: { why: "x" } }]);
  const s = b.stats();
  assert.equal(s.records, 6);
  assert.equal(s.liveKeys, 2);
  assert.equal(s.auditEntries, 1);
  assert.equal(s.superseded, 3);
  assert.equal(s.tornLines, 0);
  assert.equal(s.corruptLines, 0);
  b.close();
});

test("writes a journal of one JSON object per line behind a header", () => {
  const path = freshPath();
  const s = FileStateStore.open(path, { compactAfter: Infinity });
  s.put("ns", "k", { a: 1 });
  s.delete("ns", "k");
  s.appendAudit({ at: "t", actor: "a", action: "b", target: "c" });
  s.close();
  assert.deepEqual(lines(path).map((l) => JSON.parse(l) as unknown), [
    { moat_state: 1 },
    { op: "put", ns: "ns", key: "k", value: { a: 1 } },
    { op: "del", ns: "ns", key: "k" },
    { op: "audit", entry: { at: "t", actor: "a", action: "b", target: "c" } },
  ]);
});

test("compaction shrinks the journal to the live state and keeps every value and audit entry", () => {
  const path = freshPath();
  const s = FileStateStore.open(path, { compactAfter: 20 });
  for (let i = 0; i < 500; i++) {
    s.put("hot", `k${i % 5}`, { i });
    if (i % 50 === 0) s.appendAudit({ at: `t${i}`, actor: "a", action: "b", target: `k${i % 5}` });
    if (i % 7 === 0) s.delete("hot", `k${i % 5}`);
  }
  s.put("cold", "x", "kept");
  const before = { hot: s.list("hot"), cold: s.list("cold"), audit: s.listAudit() };
  const st = s.stats();
  assert.ok(st.compactions > 5, `compactions ${st.compactions}`);
  assert.ok(st.superseded < 20 + st.liveKeys + st.auditEntries, `superseded ${st.superseded}`);
  s.compact();
  assert.equal(lines(path).length, 1 + s.stats().liveKeys + 10);
  assert.equal(s.stats().superseded, 0);
  s.close();

  const r = FileStateStore.open(path);
  assert.deepEqual({ hot: r.list("hot"), cold: r.list("cold"), audit: r.listAudit() }, before);
  assert.equal(r.listAudit().length, 10);
  r.close();
});

test("a torn last line is cut off and counted, and the next write is not glued to it", () => {
  const path = freshPath();
  const a = FileStateStore.open(path);
  a.put("n", "a", 1);
  a.put("n", "b", 2);
  a.close();
  appendFileSync(path, '{"op":"put","ns":"n","key":"c","val');

  const b = FileStateStore.open(path);
  assert.equal(b.stats().tornLines, 1);
  assert.equal(b.stats().corruptLines, 0);
  assert.deepEqual(b.list("n"), [["a", 1], ["b", 2]]);
  b.put("n", "d", 4);
  b.close();

  const c = FileStateStore.open(path);
  assert.equal(c.stats().tornLines, 0);
  assert.equal(c.stats().corruptLines, 0);
  assert.deepEqual(c.list("n"), [["a", 1], ["b", 2], ["d", 4]]);
  c.close();
});

test("a complete last record whose newline was not written is kept", () => {
  const path = freshPath();
  FileStateStore.open(path).close();
  appendFileSync(path, '{"op":"put","ns":"n","key":"c","value":3}');
  const a = FileStateStore.open(path);
  assert.equal(a.get("n", "c"), 3);
  assert.equal(a.stats().tornLines, 0);
  a.put("n", "d", 4);
  a.close();
  const b = FileStateStore.open(path);
  assert.deepEqual(b.list("n"), [["c", 3], ["d", 4]]);
  assert.equal(b.stats().corruptLines, 0);
  b.close();
});

test("corrupt lines in the middle are reported by line number, copied aside, and the rest loads", () => {
  const path = freshPath();
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(
    path,
    [
      JOURNAL_HEADER,
      '{"op":"put","ns":"n","key":"a","value":1}',
      "garbage{",
      '{"op":"put","ns":"n","key":"b","value":2}',
      '{"op":"zap","ns":"n"}',
      "",
      '{"op":"put","ns":"n","key":"c","value":3}',
      '{"op":"del","ns":"n","key":"a"}',
      "",
    ].join("\n"),
  );
  const s = FileStateStore.open(path);
  const st = s.stats();
  assert.equal(st.corruptLines, 3);
  assert.deepEqual(st.corrupt, [
    { line: 3, reason: "not valid JSON" },
    { line: 5, reason: 'unknown op "zap"' },
    { line: 6, reason: "blank line" },
  ]);
  assert.equal(st.tornLines, 0);
  assert.deepEqual(s.list("n"), [["b", 2], ["c", 3]]);
  assert.equal(st.quarantinedTo, `${path}.corrupt`);
  const quarantined = lines(`${path}.corrupt`).map((l) => JSON.parse(l) as { line: number; raw: string });
  assert.deepEqual(quarantined.map((q) => [q.line, q.raw]), [[3, "garbage{"], [5, '{"op":"zap","ns":"n"}'], [6, ""]]);
  assert.ok(!readFileSync(path, "utf8").includes("garbage"), "the journal was rewritten without the bad lines");
  s.close();

  const again = FileStateStore.open(path);
  assert.equal(again.stats().corruptLines, 0);
  assert.deepEqual(again.list("n"), [["b", 2], ["c", 3]]);
  again.close();
});

test("lines with invalid UTF-8 or zero bytes (disk damage, power loss) are corrupt, never loaded altered", () => {
  const path = freshPath();
  const a = FileStateStore.open(path);
  a.put("n", "a", "first");
  a.close();
  appendFileSync(path, Buffer.concat([Buffer.from('{"op":"put","ns":"n","key":"a","value":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
  appendFileSync(path, Buffer.concat([Buffer.alloc(64), Buffer.from("\n")]));
  appendFileSync(path, '{"op":"put","ns":"n","key":"b","value":"second"}\n');
  appendFileSync(path, Buffer.alloc(32)); // power loss can extend a file with zeros
  const s = FileStateStore.open(path);
  assert.deepEqual(s.stats().corrupt, [
    { line: 3, reason: "invalid UTF-8" },
    { line: 4, reason: "not valid JSON" },
  ]);
  assert.equal(s.stats().tornLines, 1);
  assert.deepEqual(s.list("n"), [["a", "first"], ["b", "second"]]);
  s.close();
});

test("refuses a file that is not a moat state file and leaves it untouched", () => {
  const path = freshPath();
  mkdirSync(join(path, ".."), { recursive: true });
  for (const content of ["hello\nworld\n", '{"ts":"2026-04-22T00:00:00Z","account_id":"a","prompt":"p"}\n', "no newline at all"]) {
    writeFileSync(path, content);
    assertCode(() => FileStateStore.open(path), "STORE_NOT_STATE_FILE", "not a moat state file");
    assert.equal(readFileSync(path, "utf8"), content);
    assert.equal(existsSync(`${path}.lock`), false, "a refused open releases the lock");
  }
});

test("refuses a journal written by a newer format version", () => {
  const path = freshPath();
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, '{"moat_state":2}\n{"op":"incr","ns":"n","key":"k"}\n');
  assertCode(() => FileStateStore.open(path), "STORE_NOT_STATE_FILE", "newer moat");
});

test("an empty file or a header torn while being created opens as an empty store", () => {
  for (const content of ["", '{"moat_st', JOURNAL_HEADER]) {
    const path = freshPath();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    const s = FileStateStore.open(path);
    assert.deepEqual(s.list("n"), []);
    s.put("n", "k", 1);
    s.close();
    assert.equal(readFileSync(path, "utf8"), `${JOURNAL_HEADER}\n{"op":"put","ns":"n","key":"k","value":1}\n`);
  }
});

test("ignores a snapshot left half-written by a process killed during compaction", () => {
  const path = freshPath();
  const a = FileStateStore.open(path);
  a.put("n", "k", "live");
  a.close();
  writeFileSync(`${path}.tmp`, `${JOURNAL_HEADER}\n{"op":"put","ns":"n","key":"k","value":"half`);
  const b = FileStateStore.open(path);
  assert.equal(b.get("n", "k"), "live");
  assert.equal(existsSync(`${path}.tmp`), false);
  b.close();
});

test("a failing automatic compaction never fails the write that triggered it", () => {
  const path = freshPath();
  const s = FileStateStore.open(path, { compactAfter: 5 });
  mkdirSync(`${path}.tmp`); // makes the snapshot impossible to write
  for (let i = 0; i < 30; i++) s.put("n", "k", i);
  const st = s.stats();
  assert.ok(st.compactionFailures >= 1);
  assert.ok(st.compactionFailures < 30, "failures back off instead of retrying on every write");
  assert.match(st.lastCompactionError ?? "", /could not compact/);
  assert.equal(s.get("n", "k"), 29);
  assertCode(() => s.compact(), "STORE_IO", "journal is unchanged");
  rmSync(`${path}.tmp`, { recursive: true });
  s.compact();
  s.close();
  const r = FileStateStore.open(path);
  assert.equal(r.get("n", "k"), 29);
  assert.equal(r.stats().records, 1);
  r.close();
});

test("refuses a second open of the same file in this process until the first is closed", () => {
  const path = freshPath();
  const a = FileStateStore.open(path);
  assertCode(() => FileStateStore.open(path), "STORE_LOCKED", `process ${process.pid}`);
  a.put("n", "k", 1);
  a.close();
  const b = FileStateStore.open(path);
  assert.equal(b.get("n", "k"), 1);
  assert.equal(b.stats().tookOverLockFrom, null);
  b.close();
});

test("takes over a stale lock left by a dead process or holding garbage", () => {
  const path = freshPath();
  FileStateStore.open(path).close();
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const deadPid = Number(dead.stdout);
  assert.ok(deadPid > 0);
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid, host: hostname() }));
  const a = FileStateStore.open(path);
  assert.equal(a.stats().tookOverLockFrom, deadPid);
  a.close();

  writeFileSync(`${path}.lock`, "");
  const b = FileStateStore.open(path);
  assert.equal(b.stats().tookOverLockFrom, null);
  b.close();
  assert.equal(existsSync(`${path}.lock`), false);
});

test("never judges a lock from another host stale", () => {
  const path = freshPath();
  FileStateStore.open(path).close();
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: 12345, host: "some-other-host" }));
  assertCode(() => FileStateStore.open(path), "STORE_LOCKED", "on host some-other-host");
});

test("refuses bad options with a message naming the option", () => {
  assertCode(() => FileStateStore.open(freshPath(), { compactAfter: 0 }), "STORE_BAD_ARGUMENT", "compactAfter");
  assertCode(() => FileStateStore.open(freshPath(), { fsync: "sometimes" as never }), "STORE_BAD_ARGUMENT", "fsync");
});
