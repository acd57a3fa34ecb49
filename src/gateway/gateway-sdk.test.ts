/**
 * The official SDKs (openai@6, @anthropic-ai/sdk) talk to moat exactly as they would to the provider:
 * JSON and streaming, count_tokens and models passed through, the provider key added by moat and the
 * client's moat key never forwarded, every exchange in the traffic log with its usage.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { Engine } from "../core/engine/engine.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { ANTHROPIC_PROVIDER_KEY, OPENAI_PROVIDER_KEY, startHarness, type Harness } from "./testing/harness.ts";

let h: Harness;
const KEY = "moat-sk-alice-000000";

before(async () => {
  h = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_alice", org_id: "org_acme" } }, mode: "shadow" });
});
after(async () => {
  await h.close();
});

const anthropic = () => new Anthropic({ apiKey: KEY, baseURL: h.gw.url, maxRetries: 0 });
const openai = () => new OpenAI({ apiKey: KEY, baseURL: `${h.gw.url}/v1`, maxRetries: 0, organization: "org-client-own", project: "proj_client_own" });

test("an Anthropic SDK message call through moat returns the upstream answer unchanged, thinking included", async () => {
  const msg = await anthropic().messages.create({
    model: "claude-stub",
    max_tokens: 4000,
    thinking: { type: "enabled", budget_tokens: 2000 },
    messages: [{ role: "user", content: "What is 17*23?" }],
  });
  assert.deepEqual(
    msg.content.map((b) => b.type),
    ["thinking", "redacted_thinking", "text"],
  );
  assert.equal(msg.usage.output_tokens, 120);
  const seen = h.stub.requests.at(-1);
  assert.equal(seen?.headers["x-api-key"], ANTHROPIC_PROVIDER_KEY, "moat sends the provider key upstream");
  assert.ok(!JSON.stringify(seen?.headers).includes(KEY), "the client's moat key never reaches the provider");
});

test("an Anthropic SDK stream through moat yields every event, thinking deltas included", async () => {
  const stream = anthropic().messages.stream({
    model: "claude-stub",
    max_tokens: 4000,
    thinking: { type: "enabled", budget_tokens: 2000 },
    messages: [{ role: "user", content: "What is 17*23?" }],
  });
  let thinking = "";
  stream.on("thinking", (d) => (thinking += d));
  const final = await stream.finalMessage();
  assert.ok(thinking.includes("step by step"));
  assert.equal(final.content.at(-1)?.type, "text");
  assert.equal(final.content.length, 3);
});

test("an OpenAI SDK chat completion through moat works unchanged, JSON and stream, with usage logged", async () => {
  const before = h.log.length;
  const r = await openai().chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }] });
  assert.equal(r.choices[0]?.message.content, "The answer is 391.");
  const stream = await openai().chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
  let text = "";
  let usage = 0;
  for await (const c of stream) {
    text += c.choices[0]?.delta.content ?? "";
    usage = c.usage?.completion_tokens ?? usage;
  }
  assert.equal(text.trim(), "The answer is 391.");
  assert.equal(usage, 12);
  const lines = h.log.slice(before);
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.equal(l.account_id, "acct_alice");
    assert.equal(l.org_id, "org_acme");
    assert.equal(l.endpoint, "/v1/chat/completions");
    assert.equal(l.status, 200);
    assert.equal(l.input_tokens, 30);
    assert.equal(l.output_tokens, 12);
    assert.equal(typeof l.latency_ms, "number");
    assert.match(l.user_agent ?? "", /OpenAI/);
    assert.deepEqual(l.request?.["messages"], [{ role: "user", content: "hi" }]);
  }
  const seen = h.stub.requests.at(-1);
  assert.equal(seen?.headers["authorization"], `Bearer ${OPENAI_PROVIDER_KEY}`);
  assert.equal(seen?.headers["openai-organization"], undefined, "the client's organisation does not reach the provider");
  assert.equal(seen?.headers["openai-project"], undefined);
});

test("count_tokens and /v1/models pass through without becoming logged exchanges", async () => {
  const before = h.log.length;
  const n = await anthropic().messages.countTokens({ model: "claude-stub", messages: [{ role: "user", content: "hi" }] });
  assert.equal(n.input_tokens, 21);
  const models = await openai().models.list();
  assert.equal(models.data[0]?.id, "gpt-stub");
  assert.equal(h.log.length, before);
});

test("moat strips the provider's organisation header from responses", async () => {
  const r = await fetch(`${h.gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("openai-organization"), null);
  assert.equal(r.headers.get("x-request-id"), "req_stub_json");
});
