import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayTrafficLog } from "./recovery.ts";
import { ScriptedDetection } from "./testing/harness.ts";

const line = (ts: string, account: string) => JSON.stringify({ ts, account_id: account, prompt: "x" });

test("replay restores arrival order within the window, counts bad lines and reads gzip files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-replay-"));
  try {
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl.gz");
    writeFileSync(a, [line("2026-04-22T00:00:02Z", "second"), line("2026-04-22T00:00:01Z", "first"), "not json", '{"ts":"2026-04-22T00:00:03Z","account_id":"torn'].join("\n"));
    writeFileSync(b, gzipSync(`${line("2026-04-22T00:00:04Z", "third")}\n`));
    const det = new ScriptedDetection();
    const seen: string[] = [];
    const r = await replayTrafficLog([a, b, join(dir, "missing.jsonl")], det, 60_000, (x) => seen.push(x.accountId));
    assert.deepEqual(det.observed, ["first", "second", "third"]);
    assert.deepEqual(seen, det.observed);
    assert.equal(r.events, 3);
    assert.equal(r.badLines, 2);
    assert.equal(r.badFiles, 1);
    assert.equal(r.lastT, Date.parse("2026-04-22T00:00:04Z"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a listed file compressed since it was listed is read from its gzip", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-replay-"));
  try {
    const a = join(dir, "traffic-a.jsonl");
    // trafficLog.compress (this process's or another's) turned it into traffic-a.jsonl.gz after the listing.
    writeFileSync(`${a}.gz`, gzipSync(`${line("2026-04-22T00:00:01Z", "one")}\n${line("2026-04-22T00:00:02Z", "two")}\n`));
    const det = new ScriptedDetection();
    const r = await replayTrafficLog([a], det, 60_000, () => undefined);
    assert.deepEqual(det.observed, ["one", "two"]);
    assert.equal(r.badFiles, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an event the engine throws on during replay is counted and skipped, and the replay goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-replay-"));
  try {
    const a = join(dir, "a.jsonl");
    writeFileSync(a, [line("2026-04-22T00:00:01Z", "first"), line("2026-04-22T00:00:02Z", "poison"), line("2026-04-22T00:00:03Z", "third")].join("\n"));
    const det = new ScriptedDetection();
    const observe = det.observe.bind(det);
    det.observe = (ev) => {
      if (ev.event.account_id === "poison") throw new Error("engine bug");
      return observe(ev);
    };
    const r = await replayTrafficLog([a], det, 60_000, () => undefined);
    assert.deepEqual(det.observed, ["first", "third"]);
    assert.equal(r.events, 3);
    assert.equal(r.engineErrors, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
