#!/usr/bin/env node
// Node 20's test runner neither finds .ts files nor expands `**`: list every *.test.ts under src/ and
// hand them to `node --test` explicitly, run through tsx.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.ts")) files.push(relative(root, p));
  }
}
walk(join(root, "src"));
const only = process.argv.slice(2);
const chosen = only.length > 0 ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (chosen.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...chosen], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
