import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import type { TimedEvent } from "../core/model/traffic.ts";
import { DeferredFeed } from "./deferred-feed.ts";
import { Metrics } from "./metrics.ts";
import { ScriptedDetection } from "./testing/harness.ts";
import { Engine } from "../core/engine/engine.ts";
import type { Assessment } from "../core/engine/types.ts";
import { createEnricher } from "../enrich/index.ts";

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

test("with a real engine the batch is analysed then folded in order: the same assessments as observing one by one, and a failed analysis is counted and skipped", () => {
  const t0 = Date.parse("2026-11-01T00:00:00Z");
  const events = Array.from({ length: 40 }, (_, i): TimedEvent => ({
    t: t0 + i * 1000,
    event: { ts: new Date(t0 + i * 1000).toISOString(), account_id: `acct_${i % 3}`, ip: "203.0.113.7", request: { model: "m", max_tokens: 100 + i, messages: [{ role: "user", content: `Solve ${i} + ${i * 3} step by step.` }] } },
  }));
  const oneByOne = new Engine({ enricher: createEnricher() });
  const expected = events.map((e) => oneByOne.observe(e));
  const engine = new Engine({ enricher: createEnricher() });
  const analyse = engine.analyse.bind(engine);
  let failNext = false;
  engine.analyse = (e) => {
    if (failNext) throw new Error("analysis failed");
    return analyse(e);
  };
  const got: Assessment[] = [];
  const metrics = new Metrics();
  const feed = new DeferredFeed({ detection: engine, metrics, onAssessment: (a) => got.push(a) });
  for (const e of events) feed.push(e);
  feed.flush();
  assert.deepEqual(got, expected);
  failNext = true;
  feed.push(events[0] as TimedEvent);
  feed.flush();
  assert.equal(metrics.get("moat_engine_errors_total"), 1);
  assert.equal(got.length, events.length);
});
