import { test } from "node:test";
import assert from "node:assert/strict";
import type { DegradeCaps } from "./decision.ts";
import { capRequest } from "./degrade-request.ts";
import type { InlineReasoningMode } from "./inline-reasoning.ts";
import { createTap, MAX_DEGRADED_BODY, stripJsonResponse, usageFromTail } from "./response-taps.ts";

const caps = (p: Partial<DegradeCaps> = {}): DegradeCaps => ({ maxTokens: 2048, thinkingBudget: 1024, reasoningEffort: "low", dropReasoning: true, stripLogprobs: true, ...p });

test("Anthropic caps lower max_tokens and the thinking budget and leave the original untouched", () => {
  const body = { model: "m", max_tokens: 20000, thinking: { type: "enabled", budget_tokens: 16000 }, messages: [] };
  const r = capRequest("anthropic", body, caps());
  assert.equal(r.body["max_tokens"], 2048);
  assert.deepEqual(r.body["thinking"], { type: "enabled", budget_tokens: 1024 });
  assert.equal(body.max_tokens, 20000);
  assert.deepEqual(r.changes, ["max_tokens 20000->2048", "thinking.budget_tokens 16000->1024"]);
});

test("Anthropic thinking is turned off when the budget cap is below the API minimum or tool turns lost their thinking", () => {
  const off = capRequest("anthropic", { max_tokens: 5000, thinking: { type: "enabled", budget_tokens: 4000 } }, caps({ thinkingBudget: 0 }));
  assert.deepEqual(off.body["thinking"], { type: "disabled" });
  const tools = capRequest(
    "anthropic",
    { max_tokens: 5000, thinking: { type: "enabled", budget_tokens: 2000 }, messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "x", input: {} }] }] },
    caps({ thinkingBudget: null }),
  );
  assert.deepEqual(tools.body["thinking"], { type: "disabled" });
  const small = capRequest("anthropic", { max_tokens: 5000, thinking: { type: "enabled", budget_tokens: 4000 } }, caps({ maxTokens: 1000, thinkingBudget: null }));
  assert.deepEqual(small.body["thinking"], { type: "disabled" }, "budget must stay below max_tokens, and 999 is under the minimum");
});

test("OpenAI caps bound tokens, lower reasoning effort and remove logprobs", () => {
  const r = capRequest("openai", { max_tokens: 9000, reasoning_effort: "high", logprobs: true, top_logprobs: 5, reasoning: { effort: "medium" } }, caps());
  assert.equal(r.body["max_tokens"], 2048);
  assert.equal(r.body["reasoning_effort"], "low");
  assert.deepEqual(r.body["reasoning"], { effort: "low" });
  assert.equal(r.body["logprobs"], undefined);
  assert.equal(r.body["top_logprobs"], undefined);
  const lower = capRequest("openai", { reasoning_effort: "minimal", max_completion_tokens: 10 }, caps());
  assert.equal(lower.body["reasoning_effort"], "minimal", "an effort below the cap is kept");
  assert.equal(lower.changes.length, 0);
});

test("an OpenAI token limit of null (no limit) gets the cap, as a missing one does", () => {
  for (const body of [{ max_completion_tokens: null }, { max_tokens: null }, { max_tokens: null, max_completion_tokens: null }, {}]) {
    const r = capRequest("openai", body, caps());
    assert.equal(r.body["max_completion_tokens"], 2048, JSON.stringify(body));
    assert.equal(r.body["max_tokens"], undefined, JSON.stringify(body));
  }
});

test("JSON responses lose thinking blocks (Anthropic) and reasoning fields and logprobs (OpenAI)", () => {
  const an: Record<string, unknown> = { content: [{ type: "thinking", thinking: "t" }, { type: "redacted_thinking", data: "x" }, { type: "text", text: "hi" }] };
  assert.ok(stripJsonResponse("anthropic", an, caps()));
  assert.deepEqual(an["content"], [{ type: "text", text: "hi" }]);
  const oa: Record<string, unknown> = { choices: [{ message: { content: "hi", reasoning_content: "r", reasoning: "r2" }, logprobs: { content: [] } }] };
  assert.ok(stripJsonResponse("openai", oa, caps()));
  assert.deepEqual(oa["choices"], [{ message: { content: "hi" }, logprobs: null }]);
});

const SSE = (events: Array<[string | null, unknown]>) => events.map(([e, d]) => `${e ? `event: ${e}\n` : ""}data: ${typeof d === "string" ? d : JSON.stringify(d)}\n\n`).join("");

function runTap(family: "anthropic" | "openai", text: string, c: DegradeCaps | null, chunk = 7, inline: InlineReasoningMode = "off"): { out: string; usage: { input: number | null; output: number | null } } {
  const tap = createTap(family, "text/event-stream; charset=utf-8", 200, c, inline);
  const buf = Buffer.from(text);
  let out = "";
  for (let i = 0; i < buf.length; i += chunk) out += tap.push(buf.subarray(i, i + chunk)).toString();
  out += tap.end().toString();
  return { out, usage: tap.usage() };
}

const anthropicStream = SSE([
  ["message_start", { type: "message_start", message: { usage: { input_tokens: 9, output_tokens: 1 } } }],
  ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }],
  ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "secret ✓ reasoning" } }],
  ["content_block_stop", { type: "content_block_stop", index: 0 }],
  ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }],
  ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "answer" } }],
  ["content_block_stop", { type: "content_block_stop", index: 1 }],
  ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 42 } }],
  ["message_stop", { type: "message_stop" }],
]);

test("a pass-through SSE tap returns the stream byte for byte and reads usage", () => {
  const r = runTap("anthropic", anthropicStream, null);
  assert.equal(r.out, anthropicStream);
  assert.deepEqual(r.usage, { input: 9, output: 42 });
});

test("a pass-through SSE tap reads usage whatever the chunking, including chunks that end on an event (skipped unread when they hold no usage)", () => {
  const crlf = anthropicStream.replace(/\n/g, "\r\n");
  for (const text of [anthropicStream, crlf]) {
    const buf = Buffer.from(text);
    for (const chunk of [1, 2, 3, 7, 64, 10_000]) {
      const tap = createTap("anthropic", "text/event-stream", 200, null);
      const out: Buffer[] = [];
      for (let i = 0; i < buf.length; i += chunk) out.push(Buffer.from(tap.push(buf.subarray(i, i + chunk))));
      out.push(Buffer.from(tap.end()));
      assert.equal(Buffer.concat(out).toString(), text);
      assert.deepEqual(tap.usage(), { input: 9, output: 42 }, `chunk ${chunk}`);
    }
    // One event per chunk, and the usage event split inside the word "usage" right after an event boundary.
    const sep = text.includes("\r\n") ? "\r\n\r\n" : "\n\n";
    const events = text.split(sep).filter((e) => e !== "").map((e) => e + sep);
    const tap = createTap("anthropic", "text/event-stream", 200, null);
    let out = "";
    for (const e of events) {
      const cut = e.indexOf("usa");
      for (const part of cut > 0 ? [e.slice(0, cut + 2), e.slice(cut + 2)] : [e]) out += tap.push(Buffer.from(part)).toString();
    }
    out += tap.end().toString();
    assert.equal(out, text);
    assert.deepEqual(tap.usage(), { input: 9, output: 42 });
  }
});

test("a degrading Anthropic SSE tap drops thinking blocks and renumbers later blocks, whatever the chunking", () => {
  for (const chunk of [1, 5, 64, 10_000]) {
    const r = runTap("anthropic", anthropicStream, caps(), chunk);
    assert.ok(!r.out.includes("secret") && !r.out.includes("thinking"), `chunk ${chunk}`);
    const data = r.out.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as { type: string; index?: number });
    assert.deepEqual(
      data.filter((d) => d.index !== undefined).map((d) => `${d.type}:${d.index}`),
      ["content_block_start:0", "content_block_delta:0", "content_block_stop:0"],
    );
    assert.deepEqual(r.usage, { input: 9, output: 42 });
  }
});

test("a degrading OpenAI SSE tap drops reasoning-only chunks and strips logprobs, keeping [DONE]", () => {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] });
  const text = SSE([
    [null, chunk({ role: "assistant", content: "" })],
    [null, chunk({ reasoning_content: "hidden chain" })],
    [null, chunk({ content: null, reasoning_content: "more hidden" })],
    [null, chunk({ content: "hi" }, { logprobs: { content: [{ token: "hi" }] } })],
    [null, { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } }],
    [null, "[DONE]"],
  ]);
  const r = runTap("openai", text, caps(), 3);
  assert.ok(!r.out.includes("hidden chain"));
  assert.ok(!r.out.includes('"token"'));
  assert.ok(r.out.endsWith("data: [DONE]\n\n"));
  assert.ok(!r.out.includes("more hidden") && !r.out.includes('"content":null'), "a chunk left with only a null member is dropped too");
  assert.equal(r.out.split("data: ").length - 1, 4, "the reasoning-only chunks are gone, the rest stay");
  assert.deepEqual(r.usage, { input: 3, output: 4 });
});

/** The text a client reads from an SSE answer: OpenAI `delta.content`, Anthropic `text_delta`s, with the Anthropic block indexes they came under. */
function shownText(family: "anthropic" | "openai", out: string): string {
  let text = "";
  for (const line of out.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const d = JSON.parse(line.slice(6)) as { index?: number; delta?: { text?: string }; choices?: { delta?: { content?: string | null } }[] };
    if (family === "anthropic") text += d.delta?.text !== undefined ? `${d.index}:${d.delta.text}|` : "";
    else text += d.choices?.[0]?.delta?.content ?? "";
  }
  return text;
}

const r1Deltas = ["<th", "ink>\nThe user", " wants 17*23. 17*20=340", "; plus 51.\n</th", "ink>\n\n", "17 × 23", " = 391."];

test("a degrading OpenAI SSE tap withholds reasoning written into the text (<think>) whatever the chunking, and leaves it to pass-through and to `off`", () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] });
  const text = SSE([
    [null, chunk({ role: "assistant", content: "" })],
    ...r1Deltas.map((d): [null, unknown] => [null, chunk({ content: d })]),
    [null, chunk({}, "stop")],
    [null, "[DONE]"],
  ]);
  for (const size of [1, 4, 9, 64, 10_000]) {
    const r = runTap("openai", text, caps(), size, "think-tags");
    assert.equal(shownText("openai", r.out), "17 × 23 = 391.", `chunk ${size}`);
    assert.ok(!r.out.includes("user") && !r.out.includes("think"), `chunk ${size}`);
    // The chunks that carried only reasoning are gone, not sent empty: 1 role chunk, 2 answer chunks, the finish, [DONE].
    assert.equal(r.out.split("data: ").length - 1, 5, `chunk ${size}`);
  }
  assert.equal(runTap("openai", text, null, 7, "think-tags").out, text, "pass-through: byte for byte");
  assert.equal(shownText("openai", runTap("openai", text, caps(), 7, "off").out), r1Deltas.join(""));
  // A template that pre-fills <think>: the answer has only the closing tag.
  const prefilled = text.replace('"<th"', '""').replace('"ink>\\nThe user"', '"The user"');
  assert.ok(!prefilled.includes("<th") && shownText("openai", prefilled).startsWith("The user"));
  assert.equal(shownText("openai", runTap("openai", prefilled, caps(), 5, "prefilled").out), "17 × 23 = 391.");
  // What was held back at the start, in an answer that never opened a tag, comes out with the finishing chunk.
  const short = SSE([[null, chunk({ role: "assistant", content: " <t" })], [null, chunk({}, "stop")], [null, "[DONE]"]]);
  assert.equal(shownText("openai", runTap("openai", short, caps(), 3, "think-tags").out), " <t");
});

test("a degrading Anthropic SSE tap withholds <think> text in text blocks, after dropped thinking blocks, with indexes renumbered", () => {
  const events: Array<[string, unknown]> = [
    ["message_start", { type: "message_start", message: { usage: { input_tokens: 9, output_tokens: 1 } } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "secret" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }],
    ...r1Deltas.map((t): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: t } }]),
    ["content_block_stop", { type: "content_block_stop", index: 1 }],
    ["content_block_start", { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "\n<th" } }],
    ["content_block_stop", { type: "content_block_stop", index: 2 }],
    ["message_stop", { type: "message_stop" }],
  ];
  const text = SSE(events);
  for (const size of [1, 6, 10_000]) {
    const r = runTap("anthropic", text, caps(), size, "think-tags");
    // Block 2's start never became a tag: it is given back just before that block's end.
    assert.equal(shownText("anthropic", r.out), "0:17 × 23|0: = 391.|1:\n<th|", `chunk ${size}`);
    assert.ok(!r.out.includes("secret") && !r.out.includes("user"), `chunk ${size}`);
    const order = r.out.split("\n").filter((l) => l.startsWith("event: ")).map((l) => l.slice(7));
    assert.deepEqual(order.slice(-3), ["content_block_delta", "content_block_stop", "message_stop"]);
  }
});

test("degraded JSON answers lose <think> text too: OpenAI message content, Anthropic text blocks (an emptied block goes)", () => {
  const oa: Record<string, unknown> = { choices: [{ index: 0, message: { role: "assistant", content: "<think>17*20=340</think>\n\n391" }, finish_reason: "stop" }] };
  const tap = createTap("openai", "application/json", 200, caps(), "think-tags");
  tap.push(Buffer.from(JSON.stringify(oa)));
  assert.deepEqual(JSON.parse(tap.end().toString()), { choices: [{ index: 0, message: { role: "assistant", content: "391" }, finish_reason: "stop" }] });
  const an = { content: [{ type: "text", text: "<think>only reasoning, cut short" }, { type: "tool_use", id: "t", name: "calc", input: {} }] };
  const atap = createTap("anthropic", "application/json", 200, caps(), "think-tags");
  atap.push(Buffer.from(JSON.stringify(an)));
  assert.deepEqual(JSON.parse(atap.end().toString()), { content: [{ type: "tool_use", id: "t", name: "calc", input: {} }] });
  // An answer without inline reasoning is sent as the provider's bytes.
  const plain = Buffer.from('{"choices":[{"index":0,"message":{"content":"391"}}]}');
  const ptap = createTap("openai", "application/json", 200, caps(), "think-tags");
  ptap.push(plain);
  assert.ok(Buffer.from(ptap.end()).equals(plain));
});

test("withheld inline reasoning takes the choice's logprobs with it, even when the policy keeps logprobs", () => {
  const keep = caps({ stripLogprobs: false });
  const lp = { content: [{ token: "<think>" }, { token: "secret" }, { token: "</think>" }, { token: "Hi" }] };
  const tap = createTap("openai", "application/json", 200, keep, "think-tags");
  tap.push(Buffer.from(JSON.stringify({ choices: [{ index: 0, message: { content: "<think>secret</think>Hi" }, logprobs: lp }] })));
  assert.deepEqual(JSON.parse(tap.end().toString()), { choices: [{ index: 0, message: { content: "Hi" }, logprobs: null }] });
  const plain = createTap("openai", "application/json", 200, keep, "think-tags");
  plain.push(Buffer.from(JSON.stringify({ choices: [{ index: 0, message: { content: "Hi" }, logprobs: lp }] })));
  assert.deepEqual((JSON.parse(plain.end().toString()) as { choices: { logprobs: unknown }[] }).choices[0]?.logprobs, lp, "an answer without inline reasoning keeps them");
  const chunk = (content: string, logprobs: unknown) => ({ choices: [{ index: 0, delta: { content }, logprobs, finish_reason: null }] });
  const r = runTap("openai", SSE([[null, chunk("<think>secret", { content: [{ token: "secret" }] })], [null, chunk("</think>\n\nHi", { content: [{ token: "</think>" }, { token: "Hi" }] })], [null, "[DONE]"]]), keep, 4, "think-tags");
  assert.ok(!r.out.includes("secret") && !r.out.includes("think"), r.out);
});

test("prefilled: an Anthropic answer's text blocks are one text, so blocks after the first </think> are the answer", () => {
  const body = { content: [{ type: "text", text: "reasoning</think>\n\nLet me call it." }, { type: "tool_use", id: "t", name: "calc", input: {} }, { type: "text", text: "The answer is 42." }] };
  const tap = createTap("anthropic", "application/json", 200, caps(), "prefilled");
  tap.push(Buffer.from(JSON.stringify(body)));
  assert.deepEqual((JSON.parse(tap.end().toString()) as { content: unknown[] }).content, [{ type: "text", text: "Let me call it." }, body.content[1], body.content[2]]);
  const ev = (i: number, text: string): Array<[string, unknown]> => [
    ["content_block_start", { type: "content_block_start", index: i, content_block: { type: "text", text: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: i, delta: { type: "text_delta", text } }],
    ["content_block_stop", { type: "content_block_stop", index: i }],
  ];
  const r = runTap("anthropic", SSE([...ev(0, "still thinking"), ...ev(1, "done</think>A"), ...ev(2, "B")]), caps(), 5, "prefilled");
  assert.equal(shownText("anthropic", r.out), "1:A|2:B|");
});

test("text a compatible server puts in an Anthropic content_block_start is filtered as the start of the block", () => {
  const text = SSE([
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "<think>secret plan" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " more secret</think>Answer" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
  ]);
  const r = runTap("anthropic", text, caps(), 7, "think-tags");
  assert.ok(!r.out.includes("secret"), r.out);
  assert.equal(shownText("anthropic", r.out), "0:Answer|");
});

test("an OpenAI finishing chunk without a delta still carries out what was held back", () => {
  const text = SSE([[null, { choices: [{ index: 0, delta: { content: "<" }, finish_reason: null }] }], [null, { choices: [{ index: 0, finish_reason: "stop" }] }], [null, "[DONE]"]]);
  assert.equal(shownText("openai", runTap("openai", text, caps(), 3, "think-tags").out), "<");
});

test("a rewritten event keeps its id: and retry: lines", () => {
  const ev = (id: number, d: unknown) => `id: ${id}\nretry: 3000\ndata: ${JSON.stringify(d)}\n\n`;
  const text = ev(1, { choices: [{ index: 0, delta: { content: "hi", reasoning_content: "secret" }, finish_reason: null }] }) + ev(2, { choices: [{ index: 0, delta: { content: "!" }, finish_reason: null }] });
  const r = runTap("openai", text, caps(), 5);
  assert.ok(!r.out.includes("secret"));
  assert.deepEqual(r.out.split("\n").filter((l) => l.startsWith("id: ") || l.startsWith("retry: ")), ["id: 1", "retry: 3000", "id: 2", "retry: 3000"]);
});

test("error responses are never rewritten", () => {
  const tap = createTap("anthropic", "application/json", 400, caps());
  assert.equal(tap.rewrites, false);
});

test("a pass-through JSON tap reads usage from the body's tail, and ignores 'usage' inside strings", () => {
  const body = JSON.stringify({
    id: "chatcmpl-1",
    choices: [{ index: 0, message: { role: "assistant", content: 'see "usage": {"prompt_tokens": 999} and ,"usage":{"x":1}' }, finish_reason: "stop" }],
    usage: { prompt_tokens: 30, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 0 } },
  });
  const tap = createTap("openai", "application/json", 200, null);
  const buf = Buffer.from(body);
  const out = Buffer.concat([tap.push(buf.subarray(0, 50)), tap.push(buf.subarray(50))].map((x) => Buffer.from(x)));
  assert.equal(out.toString(), body);
  assert.equal(tap.end(), "");
  assert.deepEqual(tap.usage(), { input: 30, output: 12 });
  assert.equal(usageFromTail(Buffer.from('{"text":"a \\"usage\\": {\\"input_tokens\\": 5}"}')), undefined);
  const anthropic = createTap("anthropic", "application/json", 200, null);
  anthropic.push(Buffer.from('{"type":"message","content":[{"type":"text","text":"hi"}],"usage": {"input_tokens":7,"output_tokens":3}}'));
  anthropic.end();
  assert.deepEqual(anthropic.usage(), { input: 7, output: 3 });
});

test("a degrading JSON tap sends nothing when the body is not a JSON object it can read (fail closed)", () => {
  const tap = createTap("anthropic", "application/json", 200, caps());
  const pushed = tap.push(Buffer.from('\x1f\x8b{"thinking":"SECRET"'));
  assert.equal(String(pushed), "");
  assert.equal(String(tap.end()), "");
});

test("degrading a request: limits written as strings, several samples, and vendor reasoning and logprob switches are capped or removed", () => {
  const o = capRequest("openai", { max_tokens: 10, max_completion_tokens: "50000", n: 128, best_of: 4, include_reasoning: true, prompt_logprobs: 5, messages: [] }, caps());
  assert.equal(o.body["max_completion_tokens"], undefined);
  assert.equal(o.body["max_tokens"], 10);
  assert.equal(o.body["n"], 1);
  for (const f of ["best_of", "include_reasoning", "prompt_logprobs"]) assert.equal(o.body[f], undefined, f);
  const a = capRequest("anthropic", { max_tokens: "32000", thinking: { type: "enabled", budget_tokens: "30000" }, messages: [] }, caps());
  assert.equal(a.body["max_tokens"], 2048);
  assert.deepEqual(a.body["thinking"], { type: "disabled" });
  const adaptive = capRequest("anthropic", { max_tokens: 4000, thinking: { type: "adaptive" }, messages: [] }, caps({ thinkingBudget: 2000 }));
  assert.deepEqual(adaptive.body["thinking"], { type: "disabled" }, "a thinking mode without a budget cannot be bounded: off");
  const keep = capRequest("anthropic", { max_tokens: 4000, thinking: { type: "adaptive" }, messages: [] }, caps({ thinkingBudget: null, dropReasoning: false }));
  assert.deepEqual(keep.body["thinking"], { type: "adaptive" }, "no thinking cap in the policy: left alone");
});

test("degrading a response: reasoning under other servers' names and in typed content parts is removed", () => {
  const oa: Record<string, unknown> = {
    choices: [{ message: { content: [{ type: "thinking", thinking: "SECRET" }, { type: "text", text: "hi" }], reasoning_text: "SECRET2" }, delta: { thinking: "SECRET3", content: "x" } }],
  };
  assert.ok(stripJsonResponse("openai", oa, caps()));
  assert.ok(!JSON.stringify(oa).includes("SECRET"));
  assert.ok(JSON.stringify(oa).includes('"text":"hi"'));
});

test("degrading a request: vendor thinking switches and budgets are bounded too", () => {
  const o = capRequest("openai", { messages: [], chat_template_kwargs: { enable_thinking: true, other: 1 }, reasoning: { max_tokens: 30000 } }, caps());
  assert.deepEqual(o.body["chat_template_kwargs"], { enable_thinking: false, other: 1 });
  assert.deepEqual(o.body["reasoning"], { max_tokens: 1024 });
  const a = capRequest("anthropic", { max_tokens: 100, output_config: { effort: "high" }, messages: [] }, caps());
  assert.deepEqual(a.body["output_config"], { effort: "low" });
});

test("an effort level the cap list does not know counts as above the cap", () => {
  const a = capRequest("anthropic", { max_tokens: 100, output_config: { effort: "max" }, messages: [] }, caps());
  assert.deepEqual(a.body["output_config"], { effort: "low" });
  const o = capRequest("openai", { messages: [], reasoning_effort: "ultra" }, caps());
  assert.equal(o.body["reasoning_effort"], "low");
});

test("a degraded JSON answer is held whole up to a bound; past it nothing is kept and the tap says it could not be read", () => {
  const small = createTap("anthropic", "application/json", 200, caps());
  assert.equal(small.holdsHead, true);
  assert.equal(small.push(Buffer.from('{"type":"message","content":[{"type":"thinking","thinking":"x"},{"type":"text","text":"hi"}]}')), "");
  assert.deepEqual(JSON.parse(String(small.end())), { type: "message", content: [{ type: "text", text: "hi" }] });
  assert.equal(small.unreadable, false);

  const big = createTap("anthropic", "application/json", 200, caps());
  const chunk = Buffer.alloc(8 * 1024 * 1024, 0x20);
  for (let sent = 0; sent <= MAX_DEGRADED_BODY; sent += chunk.length) assert.equal(big.push(chunk), "");
  assert.equal(big.end(), "");
  assert.equal(big.unreadable, true);
  // Not degraded: passed through as it comes, whatever its size.
  const plain = createTap("anthropic", "application/json", 200, null);
  assert.equal(plain.holdsHead, false);
  assert.equal(plain.push(chunk), chunk);
});
