/**
 * The analysis of an exchange is total: whatever JSON a client sends, it returns features and never throws.
 * A throw there would fail the live gateway open for that account (the engine would never see it) and stop a
 * scan of a log holding that line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseRequest } from "./request-features.ts";
import { MemoryEnricher } from "../ports/memory-enricher.ts";
import { Engine } from "../engine/engine.ts";

const poison = { toString: 1, valueOf: 1 };
const nested = (depth: number): unknown => {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

const hostile: Array<Record<string, unknown>> = [
  { model: "m", messages: [{ role: "user", content: "hi" }], thinking: { type: poison, budget_tokens: poison } },
  { model: poison, messages: [{ role: poison, content: poison }], system: poison, tools: poison },
  { messages: [{ role: "user", content: [{ type: poison, text: poison }, null, 7, { type: "text", text: { toString: 1 } }] }] },
  { messages: poison, max_tokens: poison, temperature: "0.7", top_p: [], reasoning_effort: poison, reasoning: { effort: poison } },
  { messages: [{ role: "assistant", content: [{ type: "tool_use", name: poison, input: poison }] }, { role: "user", content: [{ type: "tool_result", content: poison }] }] },
  { messages: [{ role: "user", content: "x" }], metadata: { deep: nested(20_000) } },
  { system: [{ type: "text", text: poison }], messages: [{ role: "tool", tool_calls: [{ function: { name: poison, arguments: poison } }] }] },
];

test("hostile request bodies are analysed without throwing, in the engine too", () => {
  const enricher = new MemoryEnricher();
  const engine = new Engine({ enricher });
  hostile.forEach((request, i) => {
    const ev = { t: 1_800_000_000_000 + i, event: { ts: new Date(1_800_000_000_000 + i).toISOString(), account_id: `acct_${i}`, endpoint: "/v1/chat/completions", request } };
    const f = analyseRequest(ev, enricher);
    assert.equal(typeof f.paramFp, "string", `body ${i}`);
    assert.equal(engine.observe(ev).accountId, `acct_${i}`, `body ${i}`);
  });
});
