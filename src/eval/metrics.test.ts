import { test } from "node:test";
import assert from "node:assert/strict";
import type { TrafficEvent } from "../core/model/traffic.ts";
import type { AccountReport } from "../core/model/report.ts";
import { EvalAccumulator } from "./metrics.ts";

const T0 = Date.parse("2026-04-22T00:00:00.000Z");
const H = 3_600_000;

function ev(account: string, text = "hello"): TrafficEvent {
  return { ts: "", account_id: account, prompt: text };
}

function rep(account_id: string, verdict: AccountReport["verdict"], extractionHour: number | null): Pick<AccountReport, "account_id" | "verdict" | "extraction_at"> {
  return { account_id, verdict, extraction_at: extractionHour === null ? null : new Date(T0 + extractionHour * H).toISOString() };
}

/** Feeds events sorted by time, as `openEvents` delivers them. */
function feed(acc: EvalAccumulator, events: readonly (readonly [number, TrafficEvent])[]): void {
  for (const [t, e] of [...events].sort((a, b) => a[0] - b[0])) acc.observe(t, e);
}

test("leakage counts the exchanges an attack account sent before its extraction_at", () => {
  const labels = { a1: "attack:hydra", a2: "attack:hydra" };
  const acc = new EvalAccumulator(labels, [rep("a1", "extraction", 5), rep("a2", "suspicious", null)]);
  const events: [number, TrafficEvent][] = [];
  for (let h = 0; h < 10; h++) events.push([T0 + h * H, ev("a1")]);
  for (let h = 0; h < 4; h++) events.push([T0 + h * H + 1, ev("a2")]);
  feed(acc, events);
  const g = acc.result().groups.find((x) => x.group === "attack:hydra");
  assert.ok(g);
  assert.equal(g.accounts, 2);
  assert.equal(g.exchanges, 14);
  // a1: hours 0..4 served (5), hour 5 onwards blocked; a2 never at extraction: all 4 leaked.
  assert.equal(g.detectors.moat.leaked, 9);
  assert.equal(g.detectors.moat.leakage, 9 / 14);
  assert.equal(g.detectors.moat.caught, 1);
  assert.equal(g.detectors.moat.suspicious, 1);
  assert.equal(g.detectors.moat.caughtRate, 0.5);
  assert.equal(g.detectors.moat.hoursToFirst, 5);
  // Half of 2 accounts = 1 caught, so half-caught time equals first-caught time.
  assert.equal(g.detectors.moat.hoursToHalf, 5);
});

test("false-positive rate is the share of a persona's accounts at extraction; suspicious is reported apart", () => {
  const labels = { b1: "benign:student", b2: "benign:student", b3: "benign:student", b4: "benign:student", x: "attack:c" };
  const acc = new EvalAccumulator(labels, [rep("b1", "extraction", 1), rep("b2", "suspicious", null), rep("x", "extraction", 0)]);
  const events: [number, TrafficEvent][] = [];
  for (const id of ["b1", "b2", "b3", "b4"]) for (let h = 0; h < 3; h++) events.push([T0 + h * H, ev(id)]);
  events.push([T0, ev("x")]);
  feed(acc, events);
  const r = acc.result();
  const g = r.groups.find((x) => x.group === "benign:student");
  assert.ok(g);
  assert.equal(g.detectors.moat.caught, 1);
  assert.equal(g.detectors.moat.caughtRate, 0.25);
  assert.equal(g.detectors.moat.suspicious, 1);
  // b1 was blocked from hour 1: 2 of its 3 exchanges hit, 12 exchanges in all.
  assert.equal(g.exchanges - g.detectors.moat.leaked, 2);
  assert.equal(r.overall.moat.fpr, 0.25);
  assert.equal(r.overall.moat.precision, 0.5);
  assert.equal(r.overall.moat.recall, 1);
  assert.equal(r.overall.moat.benignExchangesHit, 2);
  // x was caught at its first exchange: nothing leaked.
  assert.equal(r.overall.moat.leakage, 0);
});

test("hours to half caught waits for half of the campaign's accounts", () => {
  const labels: Record<string, string> = {};
  const report = [];
  const events: [number, TrafficEvent][] = [];
  for (let i = 0; i < 4; i++) {
    labels[`a${i}`] = "attack:wave";
    events.push([T0 + i * H, ev(`a${i}`)], [T0 + 20 * H, ev(`a${i}`)]);
  }
  report.push(rep("a0", "extraction", 2), rep("a1", "extraction", 7), rep("a2", "extraction", 12));
  const acc = new EvalAccumulator(labels, report);
  feed(acc, events);
  const g = acc.result().groups[0];
  assert.ok(g);
  assert.equal(g.detectors.moat.hoursToFirst, 2);
  assert.equal(g.detectors.moat.hoursToHalf, 7);
  assert.equal(g.detectors.moat.caughtRate, 0.75);
});

test("the rate-limit baseline flags at the exchange past the daily limit and resets each UTC day", () => {
  const labels = { heavy: "attack:big", steady: "benign:saas" };
  const acc = new EvalAccumulator(labels, [], { rateLimitPerDay: 10 });
  const events: [number, TrafficEvent][] = [];
  // steady: 10 a day for 3 days, never over the limit.
  for (let d = 0; d < 3; d++) for (let i = 0; i < 10; i++) events.push([T0 + d * 24 * H + i * 60_000, ev("steady")]);
  // heavy: 8 on day 0 (under), then 15 on day 1: the 11th of day 1 is the first over the limit.
  for (let i = 0; i < 8; i++) events.push([T0 + i * 60_000, ev("heavy")]);
  for (let i = 0; i < 15; i++) events.push([T0 + 24 * H + i * 60_000, ev("heavy")]);
  feed(acc, events);
  const r = acc.result();
  const heavy = r.groups.find((g) => g.group === "attack:big");
  const steady = r.groups.find((g) => g.group === "benign:saas");
  assert.ok(heavy && steady);
  assert.equal(heavy.detectors["rate-limit"].caught, 1);
  assert.equal(heavy.detectors["rate-limit"].leaked, 18);
  assert.equal(heavy.detectors["rate-limit"].hoursToFirst, 24 + 10 / 60);
  assert.equal(steady.detectors["rate-limit"].caught, 0);
  assert.equal(r.overall["rate-limit"].fpr, 0);
});

test("the CoT keyword rule flags once half the prompts (after five) ask for step-by-step reasoning", () => {
  const labels = { a: "attack:cot", b: "benign:casual" };
  const acc = new EvalAccumulator(labels, []);
  const events: [number, TrafficEvent][] = [];
  const aTexts = ["hi", "Solve 2+2. Let's think step by step.", "hello", "Show your work: 3*7", "x", "Explain your REASONING", "more"];
  aTexts.forEach((t, i) => events.push([T0 + i * H, ev("a", t)]));
  ["Think step by step", "hi", "hello", "what", "why", "ok"].forEach((t, i) => events.push([T0 + i * H + 1, ev("b", t)]));
  feed(acc, events);
  const r = acc.result();
  const a = r.groups.find((g) => g.group === "attack:cot");
  const b = r.groups.find((g) => g.group === "benign:casual");
  assert.ok(a && b);
  // After 5 prompts a has 2 CoT (40%): not yet; the 6th makes 3 of 6 = 50%: flagged at hour 5, 5 leaked.
  assert.equal(a.detectors["cot-rule"].caught, 1);
  assert.equal(a.detectors["cot-rule"].leaked, 5);
  assert.equal(a.detectors["cot-rule"].hoursToFirst, 5);
  assert.equal(b.detectors["cot-rule"].caught, 0);
});

test("accounts without a label are counted apart and left out of every metric; idle labelled accounts too", () => {
  const labels = { a: "attack:c", quiet: "benign:casual" };
  const acc = new EvalAccumulator(labels, [rep("stranger", "extraction", 0)]);
  feed(acc, [
    [T0, ev("a")],
    [T0 + 1, ev("stranger")],
    [T0 + 2, ev("stranger")],
  ]);
  const r = acc.result();
  assert.equal(r.input.unlabelledAccounts, 1);
  assert.equal(r.input.unlabelledExchanges, 2);
  const casual = r.groups.find((g) => g.group === "benign:casual");
  assert.ok(casual);
  assert.equal(casual.accounts, 0);
  assert.equal(casual.idle, 1);
  assert.equal(r.overall.moat.falsePositives, 0);
  assert.equal(r.overall.moat.precision, null);
  assert.equal(r.overall.moat.recall, 0);
});

test("leakage before flagged counts the exchanges served before flagged_at, apart from those before extraction_at", () => {
  const labels = { a1: "attack:slow", a2: "attack:slow", b1: "benign:casual" };
  const flagged = (h: number): string => new Date(T0 + h * H).toISOString();
  const acc = new EvalAccumulator(labels, [
    { ...rep("a1", "extraction", 7), flagged_at: flagged(3) },
    { ...rep("a2", "suspicious", null), flagged_at: flagged(2) },
  ]);
  const events: [number, TrafficEvent][] = [];
  for (let h = 0; h < 10; h++) events.push([T0 + h * H, ev("a1")]);
  for (let h = 0; h < 5; h++) events.push([T0 + h * H + 1, ev("a2")]);
  events.push([T0, ev("b1")]);
  feed(acc, events);
  const r = acc.result();
  const g = r.groups.find((x) => x.group === "attack:slow");
  assert.ok(g);
  // a1: 7 before extraction (hours 0..6), 3 before flagged (0..2); a2: never extraction (5), flagged at hour 2 (2).
  assert.equal(g.detectors.moat.leaked, 12);
  assert.equal(g.moatLeakedBeforeFlag, 5);
  assert.equal(r.overall.moat.leakedBeforeFlag, 5);
  assert.equal(r.overall.moat.leakageBeforeFlag, 5 / 15);
  assert.equal(r.overall["rate-limit"].leakageBeforeFlag, null);
});
