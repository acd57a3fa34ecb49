import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { RotatingFile } from "./rotating-file.ts";

const root = mkdtempSync(join(tmpdir(), "moat-rotating-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("a file rotates before a line would pass maxBytes, keeps every line once, and rotated files go after retainMs", () => {
  const path = join(root, "decisions.jsonl");
  let now = Date.parse("2026-11-23T03:00:00.000Z");
  const f = RotatingFile.open(path, { maxBytes: 100, retainMs: 3_600_000, now: () => now });
  const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ i, action: "allow", pad: "x".repeat(20) }));
  for (const [i, l] of lines.entries()) {
    now += i === 6 ? 2 * 3_600_000 : 1;
    f.append(l);
  }
  // 12 lines of 55 bytes, one per 100-byte file. A rotated file is stamped when it was rotated: the five rotated
  // before the clock jumped two hours are past retention; line 5's file was rotated after the jump and stays.
  const rotated = f.rotated();
  assert.ok(rotated.every((p) => basename(p).startsWith("decisions.jsonl.2026112")), rotated.join());
  assert.ok(statSync(path).mode % 0o1000 === 0o600);
  const kept = [...rotated, path].flatMap((p) => readFileSync(p, "utf8").split("\n").filter((x) => x !== ""));
  assert.deepEqual(kept, lines.slice(5), "every line retention did not delete is there once, in order");
  for (const p of [...rotated, path]) assert.ok(statSync(p).size <= 100);
  // A quiet day: prune applies retention without a rotation; the live file stays.
  now += 24 * 3_600_000;
  assert.equal(f.prune(), rotated.length);
  assert.deepEqual(f.rotated(), []);
  f.close();
  // Reopened, it appends to the same file; with retainMs null nothing is ever deleted.
  const g = RotatingFile.open(path, { maxBytes: 100, retainMs: null, now: () => now });
  g.append(lines[0] as string);
  g.append(lines[1] as string);
  g.append(lines[2] as string);
  now += 365 * 24 * 3_600_000;
  assert.equal(g.prune(), 0);
  assert.equal(g.rotated().length, 3, "one line per file: the reopened file and the next two rotated");
  g.close();
});
