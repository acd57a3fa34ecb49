import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { runInNewContext } from "node:vm";
import { settleHeap } from "./heap-tuning.ts";

test("settleHeap collects an unreachable object without --expose-gc, and leaves gc() unexposed", async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined", "run this test without --expose-gc");
  let ref: WeakRef<object> | undefined;
  (() => {
    ref = new WeakRef({ payload: new Array(10_000).fill(1) });
  })();
  // A WeakRef's target is kept until the end of the job that created it.
  await new Promise((r) => setImmediate(r));
  assert.equal(settleHeap(), true);
  assert.equal(ref?.deref(), undefined);
  assert.equal(runInNewContext("typeof gc"), "undefined");
});

/** Size of the young generation after three scavenges that each see ~0.5 MB survive, in a fresh process. */
function youngAfterThreeScavenges(tuned: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from "node:v8";
    const { growYoungGenerationFast } = await import(${JSON.stringify(new URL("./heap-tuning.ts", import.meta.url).href)});
    if (${tuned}) growYoungGenerationFast();
    const keep = [];
    for (let round = 0; round < 3; round++) {
      const batch = [];
      for (let i = 0; i < 5000; i++) batch.push({ a: i, b: [i, i] });
      keep.push(batch);
      if (keep.length > 2) keep.shift();
      gc({ type: "minor" });
    }
    process.stdout.write(String(getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size));
  `;
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout);
}

test("growYoungGenerationFast: the young generation regains its size in far fewer scavenges", () => {
  const plain = youngAfterThreeScavenges(false);
  const tuned = youngAfterThreeScavenges(true);
  assert.ok(plain > 0 && tuned >= 4 * plain, `young generation after three scavenges: ${tuned} bytes tuned vs ${plain} default`);
});
