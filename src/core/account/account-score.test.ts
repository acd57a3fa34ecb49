import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "./account-state.ts";
import { ownScore } from "./account-score.ts";
import { analyseRequest } from "../features/request-features.ts";
import { MemoryEnricher } from "../ports/memory-enricher.ts";
import type { TimedEvent } from "../model/traffic.ts";

const T0 = Date.parse("2026-04-22T00:00:00.000Z");
const HOUR = 3_600_000;
const enricher = new MemoryEnricher();

function exchange(t: number, k: number): TimedEvent {
  const request = { model: "claude-sonnet-4", max_tokens: 4096, messages: [{ role: "user", content: `Problem ${k}: what is ${k} times ${k + 7}? Think step by step.` }] };
  return { t, event: { ts: new Date(t).toISOString(), account_id: "acct", endpoint: "/v1/messages", model: "claude-sonnet-4", ip: "203.0.113.9", request } };
}

function codes(times: readonly number[]): string[] {
  const a = new AccountState("acct");
  times.forEach((t, k) => a.update(analyseRequest(exchange(t, k), enricher), 8));
  return ownScore(a, true).reasons.map((r) => r.code);
}

test("volume spread over the whole day for more than a day counts as sustained volume", () => {
  // 400 a day, evenly over 48 hours.
  const times = Array.from({ length: 800 }, (_, i) => T0 + i * (48 * HOUR / 800));
  assert.ok(codes(times).includes("sustained_volume"));
});

test("benchmark bursts of a few hours on separate days reach the same daily average without being sustained volume", () => {
  // Three runs of 400 exchanges, each within 3 hours at 09:00, two days apart: ~240 a day over 5 days.
  const times: number[] = [];
  for (let run = 0; run < 3; run++) for (let i = 0; i < 400; i++) times.push(T0 + run * 48 * HOUR + 9 * HOUR + i * (3 * HOUR / 400));
  const c = codes(times);
  assert.ok(!c.includes("sustained_volume"), c.join(", "));
  assert.ok(c.includes("cot_elicitation"), "the bursts still count as step-by-step traffic");
});
