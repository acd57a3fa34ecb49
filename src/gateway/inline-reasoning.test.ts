import { test } from "node:test";
import assert from "node:assert/strict";
import { InlineReasoningFilter, type InlineReasoningMode } from "./inline-reasoning.ts";

/** A whole text through a fresh filter: what the client may see of it. */
function withholdInline(mode: InlineReasoningMode, text: string): string {
  if (mode === "off") return text;
  const f = new InlineReasoningFilter(mode);
  return f.push(text) + f.end();
}

/** The text through one filter, cut into pieces of `size` characters (a stream's deltas). */
function inPieces(mode: Exclude<InlineReasoningMode, "off">, text: string, size: number): string {
  const f = new InlineReasoningFilter(mode);
  let out = "";
  for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
  return out + f.end();
}

/** Every way of cutting `text` in two, and in pieces of 1, 2, 3 and 5 characters, gives `expected`. */
function sameEverywhere(mode: Exclude<InlineReasoningMode, "off">, text: string, expected: string): void {
  assert.equal(withholdInline(mode, text), expected, "whole");
  for (const size of [1, 2, 3, 5]) assert.equal(inPieces(mode, text, size), expected, `pieces of ${size}`);
  for (let cut = 0; cut <= text.length; cut++) {
    const f = new InlineReasoningFilter(mode);
    assert.equal(f.push(text.slice(0, cut)) + f.push(text.slice(cut)) + f.end(), expected, `cut at ${cut}`);
  }
}

test("think-tags: a leading <think> block and the whitespace after it are withheld, however the text is cut", () => {
  sameEverywhere("think-tags", "<think>\nThe user asks 17*23. 17*20=340, 17*3=51.\n</think>\n\n17 × 23 = 391.", "17 × 23 = 391.");
  sameEverywhere("think-tags", "  \n<thinking>plan</thinking>Answer", "Answer");
  sameEverywhere("think-tags", "<reasoning>r</reasoning> Answer <think>kept</think>", "Answer <think>kept</think>");
});

test("think-tags: a tag that is not at the start, or text that only looks like one, passes untouched", () => {
  for (const text of ["Use <think> tags to mark reasoning.", "<thin ice>", "<b>bold</b>", "x<think>y</think>", ""]) sameEverywhere("think-tags", text, text);
  // Tags in another case are tags too.
  sameEverywhere("think-tags", "<Think>caps</THINK>\nAnswer", "Answer");
  sameEverywhere("think-tags", "<think>İstanbul İİ</Think>Şehir", "Şehir");
});

test("think-tags: an opening tag with attributes is a tag, up to a bound; a longer name is not", () => {
  sameEverywhere("think-tags", '<think budget="512">\nplan</think>\nAnswer', "Answer");
  sameEverywhere("think-tags", "<THINKING mode=fast>a</thinking>b", "b");
  sameEverywhere("think-tags", "<reasoning\n>r</reasoning>c", "c");
  for (const text of ["<thinkpad> is a laptop", "<think/>answer", `<think ${"x".repeat(200)}>hidden?</think>shown`]) sameEverywhere("think-tags", text, text);
  // A `>` inside a quoted value does not end the tag; words that are not name=value pairs make it no tag.
  sameEverywhere("think-tags", `<think a="x>y" b='2' c=3>secret</think>answer`, "answer");
  for (const text of ["<think about it> a > b, so a wins", "<thinking is hard> really"]) sameEverywhere("think-tags", text, text);
  // Characters whose lower case is longer (İ) do not shift where the tag ends, however the stream is cut.
  sameEverywhere("think-tags", `<think a="${"İ".repeat(70)}">secret</think>answer`, "answer");
  sameEverywhere("think-tags", '<think a="İ"></think>answer', "answer");
});

test("think-tags: reasoning that never closes (cut by max_tokens) is withheld whole, and a closing tag must match its opening", () => {
  sameEverywhere("think-tags", "<think>I must work this out step by step and", "");
  sameEverywhere("think-tags", "<thinking>a</think>still reasoning", "");
  sameEverywhere("think-tags", "<thinking>a</think>b</thinking>Answer", "Answer");
});

test("think-tags: what was held back at the start comes out at the end when it never became a tag", () => {
  sameEverywhere("think-tags", "\n\n<thi", "\n\n<thi");
  sameEverywhere("think-tags", "   ", "   ");
  // Past the bound, leading whitespace is let through, and a tag after it is still found (a stream of blank deltas
  // must not open a way around the filter).
  const f = new InlineReasoningFilter("think-tags");
  assert.equal(f.push(" ".repeat(300)), " ".repeat(300));
  assert.equal(f.push("\n"), "");
  assert.equal(f.push("<think>x</think>y"), "y");
  assert.equal(f.push("<think>later</think>"), "<think>later</think>", "a tag after the answer began is the answer's own");
});

test("prefilled: everything before the first </think> is reasoning, and an answer without one is withheld", () => {
  sameEverywhere("prefilled", "Okay, 17*23 is 391.\n</think>\n\n391", "391");
  sameEverywhere("prefilled", "<think>also fine</think>391", "391");
  sameEverywhere("prefilled", "391 with no tag at all", "");
  sameEverywhere("prefilled", "a</think>b</think>c", "b</think>c");
});

test("off leaves the text alone", () => {
  assert.equal(withholdInline("off", "<think>x</think>y"), "<think>x</think>y");
});
