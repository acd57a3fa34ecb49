import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileLines } from "./journal-lines.ts";

const dir = mkdtempSync(join(tmpdir(), "moat-journal-lines-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function linesOf(content: Buffer, chunkBytes: number) {
  const path = join(dir, "f");
  writeFileSync(path, content);
  const fd = openSync(path, "r");
  try {
    return [...readFileLines(fd, chunkBytes)];
  } finally {
    closeSync(fd);
  }
}

test("splits lines the same way whatever the read chunk size, with exact byte offsets", () => {
  const text = `a\n\nññ€𝔘 multi-byte\n${"long".repeat(40)}\nno newline at the end ✓`;
  const content = Buffer.from(text, "utf8");
  const expected = text.split("\n");
  for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 16]) {
    const got = linesOf(content, chunk);
    assert.deepEqual(got.map((l) => l.text), expected, `chunk ${chunk}`);
    assert.deepEqual(got.map((l) => l.lineNo), expected.map((_, i) => i + 1));
    assert.deepEqual(got.map((l) => l.terminated), expected.map((_, i) => i < expected.length - 1));
    for (const l of got) {
      const raw = content.subarray(l.start, l.end).toString("utf8");
      assert.equal(raw, l.terminated ? `${l.text}\n` : l.text);
    }
    assert.ok(got.every((l) => l.utf8));
  }
});

test("yields nothing for an empty file and no trailing line after a final newline", () => {
  assert.deepEqual(linesOf(Buffer.alloc(0), 4), []);
  assert.deepEqual(linesOf(Buffer.from("x\n"), 4).map((l) => [l.text, l.terminated, l.end]), [["x", true, 2]]);
});

test("flags a line whose bytes are not valid UTF-8", () => {
  const got = linesOf(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\nok\n')]), 3);
  assert.deepEqual(got.map((l) => l.utf8), [false, true]);
});
