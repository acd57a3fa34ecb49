import { test } from "node:test";
import assert from "node:assert/strict";
import type { TimedEvent } from "../model/traffic.ts";
import { MemoryEnricher } from "../ports/memory-enricher.ts";
import { ContentCache, contentKey } from "./content-cache.ts";
import type { ContentFeatures } from "./content-cache.ts";
import { analyseRequest } from "./request-features.ts";

const enricher = new MemoryEnricher();

const SYSTEMS = ["", "You are a helpful assistant.", "You are an autonomous agent. Use the tools.", "Think step by step and put the answer in \\boxed{}."];
const USERS = [
  "How many apples are left if I eat 3 of 7?",
  "Write a python function that reverses a linked list.",
  "Let's think step by step: what is 17*23?",
  "Generate 20 diverse instructions for a chatbot.",
  "hello there",
  "",
];

/** Exchanges repeating system prompts and user turns in both API shapes, with and without tools. */
function exchanges(): TimedEvent[] {
  const out: TimedEvent[] = [];
  let t = 1_700_000_000_000;
  for (let round = 0; round < 3; round++)
    for (const system of SYSTEMS)
      for (const user of USERS) {
        const tools = round === 1 ? [{ name: "search", input_schema: { type: "object" } }] : undefined;
        const messages: unknown[] = [{ role: "user", content: user }];
        if (round === 2) messages.push({ role: "assistant", content: [{ type: "tool_use", id: "x", name: "search", input: {} }] });
        const request: Record<string, unknown> = { model: "m", max_tokens: 100, messages, ...(system ? { system } : {}), ...(tools ? { tools } : {}) };
        out.push({ t: t++, event: { ts: new Date(t).toISOString(), account_id: `a${round}`, request, ip: "203.0.113.7", user_agent: "curl/8.0" } });
        out.push({ t: t++, event: { ts: new Date(t).toISOString(), account_id: "p", prompt: `${system}${user}` } });
      }
  return out;
}

test("features analysed with a content cache equal the features analysed without one", () => {
  const events = exchanges();
  const cache = new ContentCache();
  for (const ev of [...events, ...events]) assert.deepEqual(analyseRequest(ev, enricher, cache), analyseRequest(ev, enricher));
  assert.ok(cache.hits > 0, "repeated content is served from the cache");
});

test("a cache too small for the traffic still returns the same features, evicting as it goes", () => {
  const events = exchanges();
  const cache = new ContentCache(120);
  for (const ev of [...events, ...events]) assert.deepEqual(analyseRequest(ev, enricher, cache), analyseRequest(ev, enricher));
  assert.ok(cache.size < 20, `held ${cache.size} entries`);
});

test("the cache stays within its character bound however many distinct texts it sees", () => {
  const cache = new ContentCache(1000);
  const v: ContentFeatures = { cot: 0, cotCues: [], category: "other", skeletonHash: 0, templateBands: [], problemHash: 0 };
  for (let i = 0; i < 10_000; i++) cache.get(contentKey("", `text number ${i}`, false, false), () => v);
  // Keys are 17-20 characters: at most 1000 characters' worth, plus the one that opened the young generation.
  assert.ok(cache.size <= 1000 / 17 + 1, `held ${cache.size} entries`);
  assert.equal(cache.misses, 10_000);
});

test("the content key keeps system and user text apart and notes the tool flags", () => {
  assert.notEqual(contentKey("ab", "c", false, false), contentKey("a", "bc", false, false));
  assert.notEqual(contentKey("", "x", true, false), contentKey("", "x", false, false));
  assert.notEqual(contentKey("", "x", false, true), contentKey("", "x", false, false));
  assert.equal(contentKey("s", "u", true, true), contentKey("s", "u", true, true));
});

test("shared cue and band lists are frozen, so no reader can change another exchange's features", () => {
  const cache = new ContentCache();
  const ev = exchanges()[4]!;
  const f = analyseRequest(ev, enricher, cache);
  assert.ok(Object.isFrozen(f.cotCues));
  assert.ok(Object.isFrozen(f.templateBands));
});
