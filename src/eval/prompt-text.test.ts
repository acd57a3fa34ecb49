import { test } from "node:test";
import assert from "node:assert/strict";
import { promptText } from "./prompt-text.ts";
import { CotKeywordRule } from "./baselines.ts";

test("reads system and last user text from an Anthropic body with content blocks", () => {
  const text = promptText({
    ts: "2026-04-22T00:00:00Z",
    account_id: "a",
    request: {
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        { role: "user", content: "first question" },
        { role: "assistant", content: "answer" },
        { role: "user", content: [{ type: "text", text: "second" }, { type: "image", source: {} }, { type: "text", text: "question" }] },
      ],
    },
  });
  assert.equal(text, "Be brief.\nsecond\nquestion");
});

test("keeps the task as the prompt when the last user turn only carries tool results", () => {
  const text = promptText({
    ts: "2026-04-22T00:00:00Z",
    account_id: "a",
    request: {
      messages: [
        { role: "user", content: "Find the population of Lyon." },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "search", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "522,250" }] },
      ],
    },
  });
  assert.equal(text, "Find the population of Lyon.");
});

test("reads the system role and user text of an OpenAI body, and the plain prompt field", () => {
  const openai = promptText({
    ts: "2026-04-22T00:00:00Z",
    account_id: "a",
    request: { messages: [{ role: "system", content: "You are helpful." }, { role: "user", content: [{ type: "text", text: "Write a haiku." }] }] },
  });
  assert.equal(openai, "You are helpful.\nWrite a haiku.");
  assert.equal(promptText({ ts: "2026-04-22T00:00:00Z", account_id: "a", prompt: "plain" }), "plain");
});

test("the CoT rule matches its English phrases in any case and ignores other languages", () => {
  const rule = new CotKeywordRule();
  const e = (prompt: string) => ({ ts: "2026-04-22T00:00:00Z", account_id: "a", prompt });
  assert.equal(rule.matches(e("Let's think STEP BY STEP.")), true);
  assert.equal(rule.matches(e("Please show your work")), true);
  assert.equal(rule.matches(e("请一步一步地思考")), false);
  assert.equal(rule.matches(e("What is 2+2?")), false);
});
