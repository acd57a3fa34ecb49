import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import type { TimedEvent } from "../core/model/traffic.ts";
import { DeferredFeed } from "./deferred-feed.ts";
import { Metrics } from "./metrics.ts";
import { ScriptedDetection } from "./testing/harness.ts";

const ev = (account: string, t: number): TimedEvent => ({ t, event: { ts: new Date(t).toISOString(), account_id: account, prompt: "x" } });

test("queued exchanges reach the engine in arrival order on the next turn, and flush feeds them at once", async () => {
  const det = new ScriptedDetection();
  const seen: string[] = [];
  const feed = new DeferredFeed({ detection: det, metrics: new Metrics(), onAssessment: (a) => seen.push(a.accountId) });
  feed.push(ev("a", 1));
  feed.push(ev("b", 2));
  assert.deepEqual(det.observed, [], "nothing is fed on the request path");
  assert.equal(feed.size, 2);
  await tick();
  assert.deepEqual(det.observed, ["a", "b"]);
  assert.deepEqual(seen, ["a", "b"]);
  feed.push(ev("c", 3));
  feed.flush();
  assert.deepEqual(det.observed, ["a", "b", "c"]);
  assert.equal(feed.size, 0);
});

test("an engine error on one deferred exchange is counted and the rest of the batch is still fed", () => {
  const det = new ScriptedDetection();
  const metrics = new Metrics();
  const feed = new DeferredFeed({ detection: det, metrics, onAssessment: () => undefined });
  const observe = det.observe.bind(det);
  det.observe = (e) => {
    if (e.event.account_id === "bad") throw new Error("boom");
    return observe(e);
  };
  feed.push(ev("a", 1));
  feed.push(ev("bad", 2));
  feed.push(ev("c", 3));
  feed.flush();
  assert.deepEqual(det.observed, ["a", "c"]);
  assert.equal(metrics.get("moat_engine_errors_total"), 1);
});
