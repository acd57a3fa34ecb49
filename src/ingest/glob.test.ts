import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandBraces, expandGlob, segmentToRegExp } from "./glob.ts";

test("brace alternatives expand, nested ones too", () => {
  assert.deepEqual(expandBraces("a.{jsonl,ndjson}"), ["a.jsonl", "a.ndjson"]);
  assert.deepEqual(expandBraces("{x,y{1,2}}.gz"), ["x.gz", "y1.gz", "y2.gz"]);
  assert.deepEqual(expandBraces("plain"), ["plain"]);
});

test("segments match *, ? and character classes but never a slash", () => {
  assert.ok(segmentToRegExp("2026-04-*.jsonl").test("2026-04-22.jsonl"));
  assert.ok(!segmentToRegExp("*.jsonl").test("a.jsonl.gz"));
  assert.ok(segmentToRegExp("gw[12].log").test("gw2.log"));
  assert.ok(!segmentToRegExp("gw[!12].log").test("gw2.log"));
  assert.ok(segmentToRegExp("a+b(1).jsonl").test("a+b(1).jsonl"));
});

test("** walks subdirectories but skips hidden folders and node_modules", () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-glob-"));
  try {
    for (const d of ["a/b", ".hidden", "node_modules/x"]) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ["top.jsonl", "a/one.jsonl", "a/b/two.jsonl", ".hidden/h.jsonl", "node_modules/x/n.jsonl", "a/b/no.txt"]) {
      writeFileSync(join(dir, f), "{}");
    }
    assert.deepEqual(expandGlob("**/*.jsonl", dir), ["a/b/two.jsonl", "a/one.jsonl", "top.jsonl"]);
    assert.deepEqual(expandGlob(`${dir}/a/*/*.jsonl`), [`${dir}/a/b/two.jsonl`]);
    assert.deepEqual(expandGlob("nothing/*.jsonl", dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file matched with its gzip is listed once, as the gzip; hidden files are not matched", () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-glob-"));
  try {
    // What a gateway's traffic directory holds while it compresses a rotated file (trafficLog.compress).
    for (const f of ["t-1.jsonl", "t-1.jsonl.gz", "t-2.jsonl", ".t-2.jsonl.gz.4242.tmp"]) writeFileSync(join(dir, f), "{}");
    assert.deepEqual(expandGlob("*", dir), ["t-1.jsonl.gz", "t-2.jsonl"]);
    assert.deepEqual(expandGlob("*.jsonl*", dir), ["t-1.jsonl.gz", "t-2.jsonl"]);
    assert.deepEqual(expandGlob("*.jsonl", dir), ["t-1.jsonl", "t-2.jsonl"], "a pattern that matches no gzip lists the plain files");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
