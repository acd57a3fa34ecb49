#!/usr/bin/env node
// The `moat` command. Runs the compiled CLI in dist/ (built by `npm install` / `npm run build`) while that build is
// newer than every file under src/; otherwise, or with MOAT_FROM_SOURCE=1, runs the TypeScript sources through tsx,
// so `npx moat …` works right after `npm install` and never runs a stale build. Compiled JavaScript is faster on
// hot paths: tsx keeps function names by wrapping every named closure as it is created (`moat serve` used ~5% less
// CPU per request compiled, bench/README.md).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// `moat scan … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") process.exit(0);
  throw e;
});

const root = fileURLToPath(new URL("..", import.meta.url));

/** Newest modification time under `dir` (ms), or Infinity if it cannot be read. */
function newest(dir) {
  let t = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  return t;
}

function builtAndFresh() {
  if (process.env.MOAT_FROM_SOURCE === "1") return false;
  try {
    return statSync(join(root, "dist", ".built")).mtimeMs >= newest(join(root, "src"));
  } catch {
    return false;
  }
}

let main;
if (builtAndFresh()) ({ main } = await import("../dist/cli/main.js"));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
