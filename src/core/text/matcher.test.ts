import { test } from "node:test";
import assert from "node:assert/strict";
import { compileMatcher, matches, matchSpans, WORD_START } from "./matcher.ts";

test("matches exactly what the equivalent lookbehind regex matches", () => {
  const sources = [WORD_START + "(?:step by step|think)(?![\\p{L}])", "####", WORD_START + "étape"];
  const reference = new RegExp(sources.join("|"), "gu");
  const m = compileMatcher(sources);
  const texts = ["think", "rethink it", "we think step by step", "footstep by step", "#### 42", "a####", "l'étape", "pré-étape", "stepby step", "", "THINK"];
  for (const t of texts) {
    reference.lastIndex = 0;
    assert.equal(matches(m, t), reference.test(t), t);
    const spans: number[] = [];
    matchSpans(m, t, spans);
    reference.lastIndex = 0;
    const ref = [...t.matchAll(reference)].flatMap((x) => [x.index, x.index + x[0].length]).sort((a, b) => a - b);
    assert.deepEqual([...spans].sort((a, b) => a - b), ref, t);
  }
});
