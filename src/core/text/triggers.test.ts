import { test } from "node:test";
import assert from "node:assert/strict";
import { sourceTriggers, type Trigger } from "./triggers.ts";

const G = "(?<![\\p{L}\\p{M}\\p{N}])";
const words = (ts: readonly Trigger[] | null): string[] => (ts ?? []).map((t) => (t.kind === "word" || t.kind === "substr" ? t.text : t.kind === "char" ? String.fromCharCode(t.code) : `script:${t.bits}`));

test("takes a word prefix from a guarded word, the rarest word of a phrase", () => {
  assert.deepEqual(words(sourceTriggers(G + "(?:reasoning|derivation)")), ["reasoning", "derivation"]);
  // "show your reasoning": "your" and "show" are common, "reasoning" is not.
  assert.deepEqual(words(sourceTriggers(G + "show (?:your|the) reasoning")), ["reasoning"]);
  // Letter classes expand: both spellings open the gate.
  assert.deepEqual(words(sourceTriggers(G + "[ée]tape par [ée]tape")).sort(), ["etape", "étape"]);
});

test("uses no word prefix where the regex does not guarantee a word start", () => {
  // Unguarded: "boxed" may follow a letter ("unboxed{}"), so it is a substring or symbol, never a word prefix;
  // after a backslash it does start a word.
  for (const t of sourceTriggers("boxed\\{\\}") ?? []) assert.notEqual(t.kind, "word");
  assert.deepEqual(words(sourceTriggers("\\\\boxed")), ["boxed"]);
  // After an optional prefix the next word may be glued to it: "(?:se)?langkah".
  for (const t of sourceTriggers(G + "(?:se)?langkah") ?? []) assert.notEqual(t.kind === "word" && t.text === "langkah", true);
});

test("gives symbols, scripts and substrings when a phrase has no usable word", () => {
  assert.deepEqual(words(sourceTriggers("<think>")), ["<"]);
  // CJK phrases: their first characters (the scan keeps a Bloom filter of the text's characters).
  assert.deepEqual(words(sourceTriggers("一步一步|逐步")), ["一", "逐"]);
  // A letter of another script without a word start: the script.
  assert.ok((sourceTriggers("ы") ?? []).every((t) => t.kind === "script"));
});

test("gives no triggers (an always-open gate) when some alternative has no necessary part", () => {
  assert.equal(sourceTriggers("\\p{L}+ing"), null);
  assert.equal(sourceTriggers("foo|.*"), null);
  assert.equal(sourceTriggers("(unbalanced"), null);
});

test("marks a short word whole only when a non-letter certainly follows", () => {
  const whole = sourceTriggers(G + "(?:pas [àa] pas)") ?? [];
  assert.ok(whole.some((t) => t.kind === "word" && t.text === "pas" && t.whole));
  const prefix = sourceTriggers(G + "pas\\p{L}*") ?? [];
  assert.ok(prefix.every((t) => !(t.kind === "word" && t.whole)));
});
