import { test } from "node:test";
import assert from "node:assert/strict";
import { categorize } from "./category.ts";
import { cotElicitation } from "./cot.ts";
import { gateBits, setGating } from "./gate.ts";
import { viewPrompt } from "./prompt.ts";
import { allMatchers, matches } from "./matcher.ts";
import { normalizeText } from "./normalize.ts";

/** Prompts that hit many cue families (and a few that hit none), in several languages and shapes. */
const TEXTS = [
  "Let's think step by step and put your final answer within \\boxed{}.",
  "Show your reasoning. Do not skip any steps. <think>",
  "Before you answer, lay out each step of your logic, then give the final answer.",
  "Write a Python function `f(x)` that returns x**2.\n```python\ndef f(x):\n    return x * x\n```",
  "Traceback (most recent call last):\n  File \"a.py\", line 3\nTypeError: bad operand",
  "How many apples are left if I eat 3 of 7? Solve for x: 2x + 3 = 11",
  "You are an autonomous agent with access to the following tools. Thought: I should search. Action: search",
  "Generate 20 diverse instructions about cooking. Imagine you are a chef from Lyon.",
  "请一步一步地思考，并给出最终答案。不要跳过任何步骤。",
  "ステップバイステップで考えてください。途中式を省略しないでください。",
  "단계별로 생각해 보세요. 단계를 건너뛰지 마세요.",
  "Подумай пошагово и покажи ход решения. Сколько будет 2+2?",
  "Piensa paso a paso y explica tu razonamiento. ¿Cuántos hay?",
  "Réfléchis étape par étape. Ne saute aucune étape.",
  "Denke Schritt für Schritt nach und begründe deine Antwort. Wie viele?",
  "فكر خطوة بخطوة.",
  "चरण दर चरण सोचें।",
  "Hãy suy nghĩ từng bước.",
  "My cat keeps waking me up at 5am. Any advice?",
  "Is 7×(7+1) more than 3 ÷ 4 ≥ 0.5? Compute ∑ of it.",
  "def area(r):\n    return 3.14 * r ** 2\n>>> area(2)\nSELECT name FROM users;",
  "",
];

test("never shuts a gate on a text its regexes match", () => {
  const ms = allMatchers();
  assert.ok(ms.length > 100);
  let hits = 0;
  for (const raw of TEXTS) {
    for (const s of [raw, normalizeText(raw)]) {
      setGating(false);
      const plain = ms.map((m) => matches(m, s));
      setGating(true);
      const bits = gateBits(s);
      ms.forEach((m, i) => {
        if (plain[i] === true) {
          hits++;
          assert.equal(bits[m.gate], 1, `gate of ${(m.guarded ?? m.free)?.source.slice(0, 80)} shut on ${JSON.stringify(s)}`);
        }
      });
    }
  }
  assert.ok(hits > 40, `fixtures exercise the matchers (${hits} hits)`);
});

test("keeps most gates shut on ordinary chat", () => {
  setGating(true);
  const bits = gateBits(normalizeText("My cat keeps waking me up at 5am. Any advice?"));
  const open = allMatchers().filter((m) => bits[m.gate] === 1).length;
  assert.ok(open < allMatchers().length / 10, `${open} of ${allMatchers().length} open`);
});

test("gives the analysers the same results with and without gates", () => {
  for (const raw of TEXTS) {
    for (const system of ["", "You are a helpful assistant."]) {
      const view = viewPrompt(system.length > 0 ? { system, messages: [{ role: "user", content: raw }] } : undefined, system.length > 0 ? undefined : raw);
      const run = (): string => JSON.stringify([cotElicitation(`${system}\n${raw}`), categorize(view)]);
      setGating(true);
      const gated = run();
      setGating(false);
      const plain = run();
      setGating(true);
      assert.equal(gated, plain, raw);
    }
  }
});
