/**
 * The live engine's content memo: features are the same with or without it, repeats of content skip the
 * analysis, it is bounded, and it holds digests rather than prompt text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { Engine } from "../core/engine/engine.ts";
import { analyseRequest } from "../core/features/request-features.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { miniWorld } from "../core/testing/mini-traffic.ts";
import type { TimedEvent } from "../core/model/traffic.ts";
import { DigestContentMemo } from "./content-digest-memo.ts";
import { startHarness } from "./testing/harness.ts";

// Long, and neutral: the category of the task then follows the tool flags ("other" without either, "agentic" with one).
const SYSTEM = "Answer carefully and keep a friendly, professional tone in everything you write. ".repeat(40);

/** Step `step` of an agent task: the same system prompt and task on every step, tool calls and results growing. */
function agentStep(task: number, step: number, t: number): TimedEvent {
  const messages: unknown[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: `Fix the rounding bug in invoice ${task} and add a regression test.` },
  ];
  for (let s = 0; s < step; s++) {
    messages.push({ role: "assistant", content: null, tool_calls: [{ id: `c${s}`, type: "function", function: { name: "read_file", arguments: `{"path":"src/f${s}.ts"}` } }] });
    messages.push({ role: "tool", tool_call_id: `c${s}`, content: `export const f${s} = (x: number) => x * ${s + task};` });
  }
  const request = { model: "gpt-x", tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }], messages };
  return { t, event: { ts: new Date(t).toISOString(), account_id: `acct_${task % 3}`, endpoint: "/v1/chat/completions", request, ip: "203.0.113.9" } };
}

test("features are the same with the memo as without it, for every exchange of a mixed log", () => {
  const enricher = new MemoryEnricher();
  const agent = Array.from({ length: 60 }, (_, i) => agentStep(Math.floor(i / 6), i % 6, 1_780_000_000_000 + i));
  // The same texts without tools defined: the other value of the category's second flag.
  const noTools = agent.map((ev) => ({ t: ev.t + 1, event: Object.assign({}, ev.event, { request: Object.assign({}, ev.event.request, { tools: undefined }) }) }));
  const events = [...miniWorld(3).events.slice(0, 600), ...agent, ...noTools];
  // Twice through the same memo: the second pass is answered from it.
  const memo = new DigestContentMemo();
  for (const pass of [1, 2]) {
    for (const ev of events) assert.deepEqual(analyseRequest(ev, enricher, memo), analyseRequest(ev, enricher), `pass ${pass}, ${ev.event.account_id} at ${ev.t}`);
  }
  assert.ok(memo.hits >= events.length, `the second pass hits (${memo.hits} hits)`);
});

test("an agent loop's steps after the first are answered from the memo, tool flags and all; other content is analysed", () => {
  const enricher = new MemoryEnricher();
  const memo = new DigestContentMemo();
  const steps = Array.from({ length: 6 }, (_, step) => agentStep(1, step, 1_780_000_000_000 + step));
  for (const ev of steps) analyseRequest(ev, enricher, memo);
  // Step 0 has no tool turn yet and the others have: the category reads that flag, but the text is the same.
  assert.deepEqual([memo.misses, memo.hits], [1, 5]);
  // The flag changes the category: step 0's is finished from the same analysis as step 1's, and not copied from it.
  const fresh = steps.map((ev) => analyseRequest(ev, enricher).category);
  assert.deepEqual(fresh, ["agentic", "agentic", "agentic", "agentic", "agentic", "agentic"], "tools are defined on every step");
  const bare = Object.assign({}, steps[0]!.event, { request: Object.assign({}, steps[0]!.event.request, { tools: undefined }) });
  assert.equal(analyseRequest({ t: steps[0]!.t, event: bare }, enricher, memo).category, "other", "no tools, no tool turn: the same text's other category");
  assert.equal(memo.misses, 1);
  assert.deepEqual(
    steps.map((ev) => analyseRequest(ev, enricher, memo).category),
    fresh,
  );
  analyseRequest(agentStep(2, 3, 1_780_000_000_100), enricher, memo);
  assert.deepEqual([memo.misses, memo.hits], [2, 12], "another task is another content");
});

test("the memo is bounded and holds digests, not text; each process salts its own", () => {
  const enricher = new MemoryEnricher();
  const memo = new DigestContentMemo(4);
  const other = new DigestContentMemo(4);
  for (let i = 0; i < 20; i++) {
    const ev = agentStep(i, 1, 1_780_000_000_000 + i);
    analyseRequest(ev, enricher, memo);
    analyseRequest(ev, enricher, other);
    assert.ok(memo.size <= 8, `two generations of 4 at most (${memo.size})`);
  }
  assert.equal(memo.misses, 20);
  for (const k of memo.keys()) {
    assert.match(k, /^[A-Za-z0-9+/]{43}=$/, "a SHA-256 digest in base64");
    assert.ok(!other.keys().includes(k), "another memo's salt gives other keys for the same content");
  }
  // Entries of the older generation are still answered (and move to the newer one).
  const kept = agentStep(12, 1, 1_780_000_000_050);
  const missesBefore = memo.misses;
  analyseRequest(kept, enricher, memo);
  assert.equal(memo.misses, missesBefore, "task 12 was still held");
  assert.throws(() => new DigestContentMemo(0), /positive integer/);
});

test("contents that differ only in a lone surrogate, and the same content from two accounts, never share an entry", () => {
  const enricher = new MemoryEnricher();
  const memo = new DigestContentMemo();
  // JSON.parse keeps "\ud800" as a lone surrogate, which UTF-8 would write as the bytes of U+FFFD.
  const ev = (text: string, account: string, t: number): TimedEvent => ({
    t,
    event: { ts: new Date(t).toISOString(), account_id: account, request: JSON.parse(`{"model":"m","messages":[{"role":"system","content":"Sys ${text}"},{"role":"user","content":"Solve ${text} step by step"}]}`) as Record<string, unknown> },
  });
  const sent = [ev("\\ufffd", "acct_a", 1_780_000_000_000), ev("\\ud800", "acct_a", 1_780_000_000_001), ev("\\udfff", "acct_a", 1_780_000_000_002), ev("\\ufffd", "acct_b", 1_780_000_000_003)];
  for (const e of sent) assert.deepEqual(analyseRequest(e, enricher, memo), analyseRequest(e, enricher));
  assert.deepEqual([memo.misses, memo.hits], [4, 0]);
  assert.notEqual(analyseRequest(sent[0]!, enricher).problemHash, analyseRequest(sent[1]!, enricher).problemHash, "the texts differ");
  analyseRequest(sent[1]!, enricher, memo);
  assert.deepEqual([memo.misses, memo.hits], [4, 1], "a repeat from the same account is a hit");
});

test("every combination of the tool flags gets its own category from one analysis of the text", () => {
  const enricher = new MemoryEnricher();
  const memo = new DigestContentMemo();
  // A text whose category turns on which flag is set: "reasoning" with tools defined and no tool turn, "agentic"
  // with a tool turn and no tools.
  const body = (tools: boolean, turn: boolean): Record<string, unknown> => ({
    model: "m",
    ...(tools ? { tools: [{ type: "function", function: { name: "run", parameters: { type: "object" } } }] } : {}),
    messages: [
      { role: "user", content: "Fix this bug: def foo(): return 1/0" },
      // A tool result alone: a tool call would name its tool, which counts as tools defined.
      ...(turn ? [{ role: "tool", tool_call_id: "c1", content: "ZeroDivisionError" }] : []),
    ],
  });
  const combos = [[false, false], [true, false], [false, true], [true, true]] as const;
  const events = combos.map(([tools, turn], i): TimedEvent => ({ t: 1_780_000_000_000 + i, event: { ts: "", account_id: "acct_f", request: body(tools, turn) } }));
  const fresh = events.map((ev) => analyseRequest(ev, enricher).category);
  assert.deepEqual(fresh, ["reasoning", "reasoning", "agentic", "agentic"], "the two one-flag combinations differ for this text");
  // Twice round, in two orders: each combination is finished from the one analysis, never taken from another.
  for (const order of [[0, 1, 2, 3], [3, 2, 1, 0]]) for (const i of order) assert.equal(analyseRequest(events[i]!, enricher, memo).category, fresh[i], `combination ${i}`);
  assert.deepEqual([memo.misses, memo.hits], [1, 7]);
});

test("the same characters split differently between system prompt and user turn are different contents", () => {
  const enricher = new MemoryEnricher();
  const memo = new DigestContentMemo();
  const ev = (system: string, user: string, t: number): TimedEvent => ({ t, event: { ts: "", account_id: "acct_s", request: { model: "m", messages: [{ role: "system", content: system }, { role: "user", content: user }] } } });
  const a = ev("Answer as a pirate. How many legs", " does a spider have?", 1_780_000_000_000);
  const b = ev("Answer as a pirate.", " How many legs does a spider have?", 1_780_000_000_001);
  assert.deepEqual(analyseRequest(a, enricher, memo), analyseRequest(a, enricher));
  assert.deepEqual(analyseRequest(b, enricher, memo), analyseRequest(b, enricher));
  assert.equal(memo.misses, 2);
  assert.notEqual(analyseRequest(a, enricher).problemHash, analyseRequest(b, enricher).problemHash);
});

test("an engine with the memo judges every exchange as one without it", () => {
  const w = miniWorld(5);
  const plain = new Engine({ enricher: new MemoryEnricher() });
  const memo = new DigestContentMemo();
  const memoised = new Engine({ enricher: new MemoryEnricher(), contentMemo: memo });
  for (const a of w.accounts) {
    plain.upsertAccount(a);
    memoised.upsertAccount(a);
  }
  for (const ev of w.events) assert.deepEqual(memoised.observe(ev), plain.observe(ev));
  assert.ok(memo.hits > 0, "the mini world repeats content");
  assert.deepEqual(memoised.campaigns(), plain.campaigns());
});

test("the gateway reports the memo's hits, misses and size", async () => {
  const memo = new DigestContentMemo();
  const engine = new Engine({ enricher: new MemoryEnricher(), contentMemo: memo });
  const h = await startHarness({ detection: engine, contentMemo: memo, keys: { "moat-key-memo-000": { account_id: "acct_memo" } } });
  try {
    const client = new OpenAI({ apiKey: "moat-key-memo-000", baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "gpt-stub", messages: [{ role: "system", content: SYSTEM }, { role: "user", content: "Same question each time." }] });
    h.gw.ctx.detector.flush();
    const metrics = (await h.admin<string>("GET", "/admin/metrics")).body;
    assert.match(metrics, /^moat_content_memo_misses_total 1$/m);
    assert.match(metrics, /^moat_content_memo_hits_total 2$/m);
    assert.match(metrics, /^moat_content_memo_entries 1$/m);
  } finally {
    await h.close();
  }
});
