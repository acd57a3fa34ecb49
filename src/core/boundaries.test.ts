import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const CORE = dirname(fileURLToPath(import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith(".ts") && !n.endsWith(".test.ts") ? [p] : [];
  });
}

const NODE_IO = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|dgram|dns|tls|readline|process|os|zlib)$/;
const ALLOWED_PACKAGES = new Set(["zod"]);

test("the core imports nothing from the gateway, stores, ingest, CLI or node I/O", () => {
  const offenders: string[] = [];
  for (const f of files(CORE)) {
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) {
        const target = resolve(dirname(f), spec);
        if (relative(CORE, target).startsWith("..")) offenders.push(`${relative(CORE, f)} -> ${spec}`);
      } else if (NODE_IO.test(spec) || !ALLOWED_PACKAGES.has(spec)) offenders.push(`${relative(CORE, f)} -> ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test("the core reads no clock, randomness or environment", () => {
  const offenders: string[] = [];
  for (const f of files(CORE)) {
    const src = readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    if (/Date\.now\(|new Date\(\)|Math\.random\(|process\.env|performance\.now\(/.test(src)) offenders.push(relative(CORE, f));
  }
  assert.deepEqual(offenders, []);
});
