#!/usr/bin/env node
// `npm run build` (also run by `npm install`, as `prepare`): compiles src/ to dist/ with tsc, so `moat` runs as
// plain JavaScript. bin/moat.mjs uses dist/ only while it is newer than every file under src/ (else it runs the
// sources through tsx), so a stale or failed build never runs old code. A failed build does not fail the
// install: the sources still run (`npm run typecheck` reports type errors).
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const stamp = join(root, "dist", ".built");
rmSync(stamp, { force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.warn("moat build: typescript is not installed; moat will run from its sources (through tsx).");
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (r.status !== 0) {
  console.warn("moat build: tsc failed (above); moat will run from its sources (through tsx) until a build succeeds.");
  process.exit(0);
}
writeFileSync(stamp, `${new Date().toISOString()}\n`);
