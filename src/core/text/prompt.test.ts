import { test } from "node:test";
import assert from "node:assert/strict";
import { viewPrompt } from "./prompt.ts";

test("reads an Anthropic Messages body with a system string and a string user turn", () => {
  const v = viewPrompt(
    {
      model: "claude-sonnet-4",
      max_tokens: 20000,
      thinking: { type: "enabled", budget_tokens: 16000 },
      system: "Reason step by step before answering.",
      messages: [{ role: "user", content: "What is 17*23?" }],
    },
    undefined,
  );
  assert.equal(v.system, "Reason step by step before answering.");
  assert.equal(v.lastUser, "What is 17*23?");
  assert.deepEqual(v.userTexts, ["What is 17*23?"]);
  assert.equal(v.turns, 1);
  assert.equal(v.assistantTurns, 0);
  assert.deepEqual(v.toolNames, []);
  assert.equal(v.toolSchemaHash, null);
  assert.equal(v.hasToolUse, false);
  assert.equal(v.chars, "Reason step by step before answering.".length + "What is 17*23?".length);
});

test("reads an Anthropic agent loop: system blocks, tool_use and tool_result, task stays the last typed text", () => {
  const v = viewPrompt(
    {
      system: [{ type: "text", text: "You are an autonomous agent." }],
      tools: [{ name: "search", description: "web search", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
      messages: [
        { role: "user", content: "Find the population of Lyon." },
        { role: "assistant", content: [{ type: "tool_use", id: "tu_1", name: "search", input: { q: "Lyon population" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "522,250 (2021)" }] },
      ],
    },
    undefined,
  );
  assert.equal(v.system, "You are an autonomous agent.");
  assert.equal(v.lastUser, "Find the population of Lyon.");
  assert.deepEqual(v.userTexts, ["Find the population of Lyon."]);
  assert.equal(v.turns, 3);
  assert.equal(v.assistantTurns, 1);
  assert.deepEqual(v.toolNames, ["search"]);
  assert.match(v.toolSchemaHash ?? "", /^[0-9a-f]{16}$/);
  assert.equal(v.hasToolUse, true);
  assert.equal(v.hasToolResult, true);
  assert.ok(v.chars >= "You are an autonomous agent.".length + "Find the population of Lyon.".length + "522,250 (2021)".length);
});

test("reads tool_result content given as blocks and images without text", () => {
  const v = viewPrompt(
    {
      messages: [
        { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }, { type: "text", text: "What is in this picture?" }] },
        { role: "assistant", content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "t", name: "zoom", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "text", text: "a cat" }] }] },
      ],
    },
    undefined,
  );
  assert.equal(v.lastUser, "What is in this picture?");
  assert.equal(v.hasToolResult, true);
  assert.deepEqual(v.toolNames, ["zoom"], "with no tool definitions, the names of tools used are listed");
  assert.equal(v.chars, "What is in this picture?".length + "Let me look.".length + "a cat".length);
});

test("reads an OpenAI Chat Completions body: system/developer roles, text parts, tool calls and tool messages", () => {
  const v = viewPrompt(
    {
      model: "gpt-compat-4",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "developer", content: [{ type: "text", text: "Answer briefly." }] },
        { role: "user", content: [{ type: "text", text: "Write a haiku about rain." }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "rainy" },
        { role: "user", content: "Now one about snow." },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    },
    undefined,
  );
  assert.equal(v.system, "You are a helpful assistant.\nAnswer briefly.");
  assert.deepEqual(v.userTexts, ["Write a haiku about rain.", "Now one about snow."]);
  assert.equal(v.lastUser, "Now one about snow.");
  assert.equal(v.turns, 4);
  assert.equal(v.assistantTurns, 1);
  assert.deepEqual(v.toolNames, ["get_weather"]);
  assert.equal(v.hasToolUse, true);
  assert.equal(v.hasToolResult, true);
});

test("hashes tool definitions independently of key order, tool order and API shape", () => {
  const schema = { type: "object", properties: { q: { type: "string" }, n: { type: "integer" } }, required: ["q"] };
  const reordered = { required: ["q"], properties: { n: { type: "integer" }, q: { type: "string" } }, type: "object" };
  const a = viewPrompt({ tools: [{ name: "search", input_schema: schema }, { name: "open", input_schema: { type: "object" } }], messages: [] }, undefined);
  const b = viewPrompt(
    {
      tools: [
        { type: "function", function: { name: "open", parameters: { type: "object" } } },
        { type: "function", function: { parameters: reordered, name: "search" } },
      ],
      messages: [],
    },
    undefined,
  );
  const c = viewPrompt({ tools: [{ name: "search", input_schema: { ...schema, required: ["n"] } }, { name: "open", input_schema: { type: "object" } }] }, undefined);
  assert.notEqual(a.toolSchemaHash, null);
  assert.equal(a.toolSchemaHash, b.toolSchemaHash);
  assert.notEqual(a.toolSchemaHash, c.toolSchemaHash);
});

test("uses the plain prompt when the event has no request body", () => {
  const v = viewPrompt(undefined, "Summarize this support ticket: printer on floor 3 is jammed again.");
  assert.equal(v.lastUser, "Summarize this support ticket: printer on floor 3 is jammed again.");
  assert.deepEqual(v.userTexts, [v.lastUser]);
  assert.equal(v.turns, 1);
  assert.equal(v.system, "");
  assert.equal(v.chars, v.lastUser.length);
});

test("reads the OpenAI Responses shape (instructions + input) and legacy completions prompt", () => {
  const r = viewPrompt({ instructions: "Be terse.", input: [{ role: "user", content: [{ type: "input_text", text: "Hi there" }] }, { type: "function_call", name: "f", arguments: "{}" }, { type: "function_call_output", output: "ok" }] }, undefined);
  assert.equal(r.system, "Be terse.");
  assert.equal(r.lastUser, "Hi there");
  assert.equal(r.hasToolUse, true);
  assert.equal(r.hasToolResult, true);
  assert.equal(viewPrompt({ input: "plain input" }, undefined).lastUser, "plain input");
  assert.equal(viewPrompt({ prompt: "legacy prompt" }, undefined).lastUser, "legacy prompt");
});

test("never throws on junk and returns what it can", () => {
  const junk: unknown[] = [
    { messages: 5 },
    { messages: [null, 3, "x", [], { role: 7, content: { nested: [1, 2] } }, { role: "user", content: 42 }, { role: "user", content: [null, 1, { type: "text", text: 5 }, { type: "text", text: "kept" }] }] },
    { system: [null, { type: "text" }, 3], tools: [null, 1, { function: null }, { name: 5 }], messages: [{ role: "assistant", tool_calls: "no" }] },
    { tools: [{ name: "deep", input_schema: JSON.parse("[".repeat(100) + "]".repeat(100)) as unknown }] },
  ];
  for (const body of junk) {
    assert.doesNotThrow(() => viewPrompt(body as Record<string, unknown>, undefined));
  }
  assert.equal(viewPrompt(junk[1] as Record<string, unknown>, undefined).lastUser, "kept");
  const getterBomb = Object.defineProperty({}, "messages", {
    get() {
      throw new Error("boom");
    },
    enumerable: true,
  }) as Record<string, unknown>;
  assert.equal(viewPrompt(getterBomb, "fallback").lastUser, "fallback");
  const empty = viewPrompt(undefined, undefined);
  assert.deepEqual(empty, { system: "", lastUser: "", userTexts: [], turns: 0, assistantTurns: 0, toolNames: [], toolSchemaHash: null, hasToolUse: false, hasToolResult: false, chars: 0 });
});
