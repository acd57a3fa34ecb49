import { test } from "node:test";
import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

test("GC pauses are rendered by kind with count, sum, quantiles and max", () => {
  const m = new Metrics();
  for (const s of [0.001, 0.002, 0.003]) m.gcMinor.add(s);
  m.gcMajor.add(0.015);
  const text = m.render({});
  assert.match(text, /^moat_gc_pause_seconds_count\{kind="minor"\} 3$/m);
  assert.match(text, /^moat_gc_pause_seconds_sum\{kind="minor"\} 0\.006/m);
  assert.match(text, /^moat_gc_pause_seconds\{kind="minor",quantile="1"\} 0\.003$/m);
  assert.match(text, /^moat_gc_pause_seconds\{kind="minor",quantile="0\.5"\} 0\.002$/m);
  assert.match(text, /^moat_gc_pause_seconds\{kind="major",quantile="1"\} 0\.015$/m);
  assert.equal(text.match(/^# TYPE moat_gc_pause_seconds summary$/gm)?.length, 1, "one TYPE line for the family");
});

test("no GC line before any pause was recorded", () => {
  assert.doesNotMatch(new Metrics().render({}), /moat_gc_pause_seconds/);
});
