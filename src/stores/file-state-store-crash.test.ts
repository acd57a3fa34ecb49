/**
 * kill -9 survival: a child process writes to a FileStateStore and prints after each returned
 * put; we SIGKILL it at a random point (seeded, so a failing seed can be replayed with
 * MOAT_CRASH_SEED) and reopen. Every acknowledged put must be there, whatever the child was
 * doing when it died: appending, compacting, renaming.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileStateStore } from "./file-state-store.ts";
import { StateStoreError } from "./state-store.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/state-writer.ts", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "moat-state-crash-"));
after(() => rmSync(root, { recursive: true, force: true }));

const SEED = Number(process.env["MOAT_CRASH_SEED"] ?? 20260422);
const ROUNDS = 6;
const KEYS = 50;

/** mulberry32: a small seeded RNG so kill points are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Child {
  readonly pid: number;
  /** Every `ok <i>` seen, including those read after the kill was sent. */
  readonly acked: number[];
  readonly finished: boolean;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Run the fixture; after each stdout line, `killNow(line, acked)` says whether to SIGKILL it. The
 * child is alive while `killNow` runs, so it can also act on the child's state.
 */
function runChild(args: string[], killNow: (line: string, acked: readonly number[]) => boolean): Promise<Child> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const acked: number[] = [];
    let finished = false;
    let buffered = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    child.stdout.on("data", (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("ok ")) acked.push(Number(line.slice(3)));
        else if (line === "done") finished = true;
        if (killNow(line, acked)) child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => resolvePromise({ pid: child.pid ?? -1, acked, finished, signal, stderr }));
  });
}

test("every put acknowledged before kill -9 is there after reopening, across repeated crashes", async () => {
  const random = rng(SEED);
  const path = join(root, "crash", "state.jsonl");
  const lastAcked = new Map<string, number>();
  const ackedAudits: number[] = [];
  let killedMidRun = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * 1_000_000;
    const killAfter = Math.floor(random() * 4000);
    const child = await runChild([path, "puts", String(from), "200000", "150"], (line, acked) => line === "ready" ? killAfter === 0 : acked.length === killAfter);
    const context = `seed ${SEED}, round ${round}, killed after ${killAfter} acks (saw ${child.acked.length}); child stderr: ${child.stderr}`;
    assert.equal(child.stderr, "", context);
    if (child.signal === "SIGKILL" && !child.finished) killedMidRun++;
    for (const i of child.acked) {
      lastAcked.set(`k${i % KEYS}`, i);
      if (i % 10 === 0) ackedAudits.push(i);
    }

    const store = FileStateStore.open(path);
    try {
      const st = store.stats();
      assert.equal(st.corruptLines, 0, context);
      assert.ok(st.tornLines <= 1, context);
      if (killAfter > 0) assert.equal(st.tookOverLockFrom, child.pid, context);
      for (const [key, i] of lastAcked) {
        const got = store.get<{ i: number }>("crash", key);
        assert.ok(got !== undefined, `${key} lost (${context})`);
        // A put after the last acknowledged one may also have landed; an older value may not.
        assert.ok(got.i >= i && got.i % KEYS === i % KEYS && got.i < from + 1_000_000, `${key}: stored i=${got.i}, acknowledged i=${i} (${context})`);
      }
      const audits = new Set(store.listAudit().map((e) => (e.detail as { i: number }).i));
      for (const i of ackedAudits) assert.ok(audits.has(i), `audit ${i} lost (${context})`);
    } finally {
      store.close();
    }
  }
  assert.ok(killedMidRun >= ROUNDS - 1, `only ${killedMidRun} of ${ROUNDS} children were killed mid-run; the test did not exercise crashes`);
  assert.equal(existsSync(`${path}.tmp`), false);
});

test("a live process's lock is refused, and taken over once that process is killed", async () => {
  const path = join(root, "lock", "state.jsonl");
  const seed = FileStateStore.open(path);
  seed.put("n", "k", "kept");
  seed.close();
  let refused: unknown;
  const child = await runChild([path, "hold"], (line) => {
    if (line !== "ready") return false;
    try {
      FileStateStore.open(path).close();
    } catch (e: unknown) {
      refused = e;
    }
    return true;
  });
  assert.ok(refused instanceof StateStoreError && refused.code === "STORE_LOCKED", String(refused));
  assert.ok(refused.message.includes(`process ${child.pid}`), refused.message);
  const after = FileStateStore.open(path);
  assert.equal(after.stats().tookOverLockFrom, child.pid);
  assert.equal(after.get("n", "k"), "kept");
  after.close();
});
