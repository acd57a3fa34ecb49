/**
 * The request path's per-request objects must share hidden classes: in Node 20's V8 an object literal that
 * starts with a spread and adds members gets a map of its own per object, allocated in the old generation,
 * and that was the gateway's GC tail (docs/gateway-performance.md, session 6). eslint forbids the syntax; this checks
 * the outcome with V8's own test hook, in a child process (it needs --allow-natives-syntax).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const here = (f: string): string => JSON.stringify(new URL(f, import.meta.url).href);

test("decisions for different accounts share one hidden class", () => {
  const script = `
    const { parse } = await import("yaml");
    const { decide, emptyAssessment } = await import(${here("./decide.ts")});
    const { compilePolicy } = await import(${here("./policy.ts")});
    const { DEFAULT_POLICY_YAML } = await import(${here("./default-policy.ts")});
    const { OverrideBook } = await import(${here("./overrides.ts")});
    const { TokenBuckets } = await import(${here("./token-buckets.ts")});
    const { MemoryStateStore } = await import(${here("../stores/memory-state-store.ts")});
    const inputs = { overrides: new OverrideBook(new MemoryStateStore()), accounts: new Map(), policy: compilePolicy(parse(DEFAULT_POLICY_YAML)),
      mode: "enforce", verificationUrl: "https://verify.example", buckets: new TokenBuckets() };
    const flagged = (id) => ({ ...emptyAssessment(id), verdict: "extraction", score: 0.95, exchanges: 40 });
    // Warm: the per-object maps appear once the literal's inline cache has seen many objects, as under traffic.
    for (let i = 0; i < 20000; i++) decide(inputs, i % 2 ? flagged("w" + i) : emptyAssessment("w" + i), null, "/v1/messages", i, true);
    const pairs = {
      allow: [decide(inputs, emptyAssessment("a1"), null, "/v1/messages", 1, true), decide(inputs, emptyAssessment("a2"), "org", "/v1/messages", 2, true)],
      policy: [decide(inputs, flagged("b1"), null, "/v1/messages", 1, true), decide(inputs, flagged("b2"), null, "/v1/messages", 2, true)],
    };
    const out = {};
    for (const [k, [x, y]] of Object.entries(pairs)) out[k] = { same: %HaveSameMap(x, y), action: x.action };
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, { same: boolean; action: string }>;
  assert.deepEqual(out["allow"], { same: true, action: "allow" });
  assert.equal(out["policy"]?.same, true);
  assert.notEqual(out["policy"]?.action, "allow", "the flagged pair must go through a policy rule");
});
