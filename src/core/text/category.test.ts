import { test } from "node:test";
import assert from "node:assert/strict";
import { categorize, type Category } from "./category.ts";
import { viewPrompt } from "./prompt.ts";

const of = (text: string, system = ""): Category =>
  categorize(viewPrompt(system.length > 0 ? { system, messages: [{ role: "user", content: text }] } : undefined, system.length > 0 ? undefined : text)).category;

test("math and logic problems are reasoning, in several languages", () => {
  for (const t of [
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
    "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
    "Solve for x: 3x + 5 = 20.",
    "Prove that the square root of 2 is irrational.",
    "What is 17*23?",
    "Find the value of \\frac{1}{2} + \\frac{1}{3}.",
    "If all bloops are razzies and all razzies are lazzies, are all bloops lazzies? True or false?",
    "一个数的三倍加五等于二十，这个数是多少？",
    "Сколько будет 12 умножить на 7?",
    "¿Cuántos lados tiene un hexágono si cada lado mide 3 cm? Calcula el perímetro.",
  ]) {
    assert.equal(of(t), "reasoning", t);
  }
});

test("code requests, snippets and stack traces are coding", () => {
  for (const t of [
    "Write a Python function that returns the n-th Fibonacci number.",
    "```js\nconst x = [1, 2, 3].map((n) => n * 2);\n```\nWhy does this log undefined?",
    "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nTypeError: unsupported operand type(s)",
    "def string_length(s: str) -> int:\n    \"\"\"Return length of given string\n    >>> string_length('abc')\n    3\n    \"\"\"",
    "Implement a binary tree in C++ with insert and delete.",
    "Write a SQL query to find the second highest salary.",
    "编写一个函数来反转字符串。",
  ]) {
    assert.equal(of(t), "coding", t);
  }
});

test("requests with tools defined or tool turns are agentic", () => {
  const withTools = viewPrompt(
    { tools: [{ name: "search", input_schema: { type: "object" } }], messages: [{ role: "user", content: "Find the population of Lyon." }] },
    undefined,
  );
  assert.equal(categorize(withTools).category, "agentic");
  const loop = viewPrompt(
    {
      messages: [
        { role: "user", content: "What's the weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "weather", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "1", content: "sunny" },
      ],
    },
    undefined,
  );
  assert.equal(categorize(loop).category, "agentic");
  assert.equal(of("Find the population of Lyon.", "You are an autonomous agent. You have access to the following tools: search, browse."), "agentic");
  assert.equal(of("Thought: I need the date.\nAction: calendar\nAction Input: today\nObservation:"), "agentic");
});

test("instruction generation, data synthesis and role-play set-ups are instruction", () => {
  for (const t of [
    "You are asked to come up with a set of 20 diverse code generation task instructions.",
    "Come up with a series of tasks:\n1. Write a poem about cats.\n2. Summarize the article.\n3.",
    "Generate 10 question and answer pairs about photosynthesis.",
    "Create five multiple-choice questions about the French Revolution.",
    "Imagine you are a detective trying to solve a murder mystery in a fictional Victorian-era town. Describe the scene of the crime.",
    "You are Sherlock Holmes, and someone has asked for your advice on how to observe like you do.",
    "Pretend you're a historian explaining the fall of the Roman Empire to a layperson.",
  ]) {
    assert.equal(of(t), "instruction", t);
  }
});

test("ordinary chat is other", () => {
  for (const t of [
    "What are some pranks with a pen I can do?",
    "How do I pick a lock?",
    "Write a haiku about rain.",
    "Summarize this support ticket: printer on floor 3 is jammed again.",
    "thanks, that helps",
    "Can you recommend a good book for a long flight?",
    "What's the capital of Australia?",
    "北京的房价是多少",
    "Can you provide the address for latitude 37.4224764 and longitude -122.0842499?",
    "In 1969, Apollo 11 landed on the Moon. Who was the second person to walk on it?",
  ]) {
    assert.equal(of(t), "other", t);
  }
});

test("a coding system prompt alone does not make a chat question code", () => {
  assert.equal(of("What's a good name for a cat?", "You are a coding assistant for Python developers."), "other");
});

test("scores every category in 0..1 with other as the fixed bar", () => {
  const r = categorize(viewPrompt(undefined, "Write a Python function to compute 3 + 4 * 5."));
  for (const c of ["reasoning", "coding", "agentic", "instruction"] as const) assert.ok(r.scores[c] >= 0 && r.scores[c] <= 1);
  assert.equal(r.scores.other, 0.35);
  assert.equal(r.category, "coding");
});
