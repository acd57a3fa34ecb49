import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { RotatingFile } from "./rotating-file.ts";

const root = mkdtempSync(join(tmpdir(), "moat-rotating-"));
after(() => rmSync(root, { recursive: true, force: true }));
const H = 3_600_000;
const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ i, action: "allow", pad: "x".repeat(20) }));
const read = (paths: string[]) => paths.flatMap((p) => readFileSync(p, "utf8").split("\n").filter((x) => x !== ""));

test("a file rotates before a line would pass maxBytes, keeps every line once, and what is older than retainMs goes", () => {
  mkdirSync(join(root, "a"));
  const path = join(root, "a", "decisions.jsonl");
  let now = Date.parse("2026-11-23T03:00:00.000Z");
  const f = RotatingFile.open(path, { maxBytes: 100, retainMs: H, now: () => now });
  for (const [i, l] of lines.entries()) {
    now += i === 6 ? 2 * H : 1;
    f.append(l);
  }
  // 12 lines of 55 bytes, one per 100-byte file, each file named after its last line: the six written before the
  // clock jumped two hours are past the hour of retention.
  const rotated = f.rotated();
  assert.ok(rotated.every((p) => basename(p).startsWith("decisions.jsonl.20261123T0")), rotated.join());
  assert.ok(statSync(path).mode % 0o1000 === 0o600);
  assert.deepEqual(read([...rotated, path]), lines.slice(6), "every line retention did not delete is there once, in order");
  for (const p of [...rotated, path]) assert.ok(statSync(p).size <= 100);
  // A quiet day: prune deletes the rotated files and the live file's old lines too (nothing was written for a day).
  now += 24 * H;
  assert.equal(f.prune(), rotated.length + 1);
  assert.deepEqual(f.rotated(), []);
  assert.equal(readFileSync(path, "utf8"), "");
  f.append(lines[0] as string);
  assert.deepEqual(read([path]), [lines[0]]);
  f.close();
});

test("a file also rotates when the UTC day changes, and with retainMs null nothing is ever deleted", () => {
  mkdirSync(join(root, "b"));
  const path = join(root, "b", "decisions.jsonl");
  let now = Date.parse("2026-11-23T23:59:00.000Z");
  const f = RotatingFile.open(path, { maxBytes: 1 << 20, retainMs: null, now: () => now });
  f.append(lines[0] as string);
  f.append(lines[1] as string);
  now = Date.parse("2026-11-24T00:01:00.000Z");
  f.append(lines[2] as string);
  assert.deepEqual(f.rotated().map((p) => basename(p)), ["decisions.jsonl.20261123T235900000Z"]);
  assert.deepEqual(read([...f.rotated(), path]), lines.slice(0, 3));
  now += 365 * 24 * H;
  assert.equal(f.prune(), 0);
  assert.equal(f.rotated().length, 1);
  f.close();
});

test("a relative path rotates and prunes like an absolute one", () => {
  mkdirSync(join(root, "c"));
  const path = relative(process.cwd(), join(root, "c", "decisions.jsonl"));
  let now = Date.parse("2026-11-23T03:00:00.000Z");
  const f = RotatingFile.open(`./${path}`, { maxBytes: 100, retainMs: H, now: () => now });
  // All in one millisecond: the rotated names collide and must move on, not overwrite each other.
  for (const l of lines.slice(0, 3)) f.append(l);
  assert.equal(f.rotated().length, 2, "two files rotated, none overwritten");
  assert.deepEqual(read([...f.rotated(), f.path]), lines.slice(0, 3));
  now += 2 * H;
  assert.equal(f.prune(), 3);
  f.close();
});

test("a rotation whose new file cannot be opened puts the name back, and a live file deleted by hand is begun again", () => {
  mkdirSync(join(root, "d"));
  const path = join(root, "d", "decisions.jsonl");
  let now = Date.parse("2026-11-23T03:00:00.000Z");
  const f = RotatingFile.open(path, { maxBytes: 100, retainMs: H, now: () => now });
  f.append(lines[0] as string);
  // Out of descriptors: the rename works, the open of the new file does not.
  const held: number[] = [];
  try {
    for (;;) held.push(openSync("/dev/null", "r"));
  } catch {
    // every descriptor is taken
  }
  try {
    now += 1;
    f.append(lines[1] as string);
  } finally {
    for (const fd of held) closeSync(fd);
  }
  assert.deepEqual(f.rotated(), [], "the name was put back");
  assert.deepEqual(read([path]), lines.slice(0, 2), "the line went into the file under its name");
  // Rotation works again once descriptors are free.
  for (const l of lines.slice(2, 5)) {
    now += 1;
    f.append(l);
  }
  assert.deepEqual(read([...f.rotated(), path]), lines.slice(0, 5));
  // Someone deletes the live file: the next rotation begins a new one instead of writing into the deleted inode for good.
  rmSync(path);
  now += 1;
  f.append(lines[5] as string);
  now += 1;
  f.append(lines[6] as string);
  assert.deepEqual(read([path]), [lines[6]]);
  f.close();
});
