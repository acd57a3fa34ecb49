import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readAndParseBaseline } from "./baseline.ts";

test("the baseline parses every JSON line of a plain or gzipped file and skips the rest", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-baseline-"));
  try {
    const text = '{"a":1}\n\nnot json\n{"b":2}\n';
    writeFileSync(join(dir, "x.jsonl"), text);
    writeFileSync(join(dir, "x.jsonl.gz"), gzipSync(text));
    assert.equal(await readAndParseBaseline(join(dir, "x.jsonl")), 2);
    assert.equal(await readAndParseBaseline(join(dir, "x.jsonl.gz")), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
