import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEvent } from "../contracts/index.ts";
import { buildRequest, estimateTokens, exchangeFields, type ExchangeSpec } from "./exchange.ts";
import { Rng } from "./rng.ts";
import { CODING_TOOLS, toolLoopHistories } from "./actors/tool-loop.ts";

const base: ExchangeSpec = {
  api: "anthropic",
  model: "claude-sonnet-4",
  system: "Be brief.",
  messages: [{ role: "user", text: "What is 17*23?" }],
  params: { maxTokens: 20000, thinkingBudget: 16000, temperature: 0.7 },
  outputTokens: 900,
};

test("an Anthropic body with thinking leaves out temperature, as the Messages API requires", () => {
  const body = buildRequest(base);
  assert.deepEqual(body["thinking"], { type: "enabled", budget_tokens: 16000 });
  assert.equal(body["temperature"], undefined);
  assert.equal(body["system"], "Be brief.");
  assert.equal(body["max_tokens"], 20000);
});

test("an OpenAI body carries the system role, max_completion_tokens and reasoning_effort", () => {
  const body = buildRequest({ ...base, api: "openai" });
  const messages = body["messages"] as { role: string }[];
  assert.equal(messages[0]?.role, "system");
  assert.equal(body["max_completion_tokens"], 20000);
  assert.equal(body["reasoning_effort"], "high");
  assert.equal(buildRequest({ ...base, api: "openai", params: { maxTokens: 100, legacyMaxTokens: true } })["max_tokens"], 100);
});

test("tool loops come out as tool_use/tool_result blocks (Anthropic) and tool_calls/tool messages (OpenAI)", () => {
  const histories = toolLoopHistories(Rng.fromSeed(1), "Fix the failing test.", CODING_TOOLS, 3);
  assert.equal(histories.length, 3);
  assert.equal(histories[2]?.length, 5);
  const last = histories[2] ?? [];
  const a = buildRequest({ ...base, messages: last, tools: CODING_TOOLS }) as { messages: { content: { type: string }[] }[]; tools: { input_schema: unknown }[] };
  assert.equal(a.messages[1]?.content[0]?.type, "tool_use");
  assert.equal(a.messages[2]?.content[0]?.type, "tool_result");
  assert.ok(a.tools[0]?.input_schema);
  const o = buildRequest({ ...base, api: "openai", messages: last, tools: CODING_TOOLS }) as { messages: { role: string; tool_calls?: unknown[] }[]; tools: { type: string }[] };
  assert.ok(o.messages[2]?.tool_calls);
  assert.equal(o.messages[3]?.role, "tool");
  assert.equal(o.tools[0]?.type, "function");
});

test("exchange fields pass the contract and failed requests produce no output tokens", () => {
  const r = Rng.fromSeed(4);
  const ok = exchangeFields(base, r);
  const parsed = parseEvent({ ts: "2026-04-22T00:00:00.000Z", account_id: "a", ...ok });
  assert.equal(parsed.ok, true);
  assert.equal(ok.endpoint, "/v1/messages");
  assert.equal(ok.output_tokens, 900);
  const limited = exchangeFields({ ...base, status: 429 }, r);
  assert.equal(limited.output_tokens, 0);
  assert.ok(estimateTokens("请一步一步地思考") > estimateTokens("think"));
});
