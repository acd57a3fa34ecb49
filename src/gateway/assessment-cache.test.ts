import { test } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { Engine } from "../core/engine/engine.ts";
import { resolveEngineConfig } from "../core/engine/config.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { miniWorld } from "../core/testing/mini-traffic.ts";
import type { AccountRecord } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import { MemoryStateStore } from "../stores/memory-state-store.ts";
import { AssessmentCache } from "./assessment-cache.ts";
import type { Decision } from "./decision.ts";
import { DEFAULT_POLICY_YAML } from "./default-policy.ts";
import { LiveDetector } from "./live-detector.ts";
import { Metrics } from "./metrics.ts";
import { OverrideBook } from "./overrides.ts";
import { compilePolicy } from "./policy.ts";

const world = miniWorld(11, 30, 40, 15, 2);

/** Replays the mini world through a live detector on its own engine; returns every decision in order. */
function replay(cached: boolean, withSink: boolean, policyYaml = DEFAULT_POLICY_YAML): { decisions: Decision[]; hits: number } {
  const engine = new Engine({ enricher: new MemoryEnricher(undefined, { "mailbox.example": "disposable", "gmail.com": "free", "uni.edu": "education" }) });
  const accounts = new Map<string, AccountRecord>(world.accounts.map((a) => [a.account_id, a]));
  for (const a of world.accounts) engine.upsertAccount(a);
  let assessCalls = 0;
  const port = {
    upsertAccount: (r: AccountRecord) => engine.upsertAccount(r),
    observe: engine.observe.bind(engine),
    assess: (id: string): Assessment => {
      assessCalls++;
      return engine.assess(id);
    },
    campaigns: engine.campaigns.bind(engine),
  };
  const store = new MemoryStateStore();
  const decisions: Decision[] = [];
  const overrides = new OverrideBook(store);
  const detector = new LiveDetector({
    detection: port,
    store,
    metrics: new Metrics(),
    overrides,
    policy: compilePolicy(parseYaml(policyYaml)),
    mode: "enforce",
    verificationUrl: "https://verify.example",
    accounts,
    ...(cached ? { engineClock: { now: () => engine.now(), runEveryMs: resolveEngineConfig({}).clusterEveryMs } } : {}),
    ...(withSink ? { onDecision: (d: Decision) => void decisions.push(d) } : {}),
  });
  let i = 0;
  for (const ev of world.events) {
    const d = detector.observe(ev, null, `r${i}`);
    if (!withSink) decisions.push(d);
    // Drain now and then, so some decisions are taken with exchanges still queued (as under load).
    if (++i % 3 === 0) detector.flush();
  }
  detector.flush();
  return { decisions, hits: world.events.length - assessCalls };
}

const essentials = (d: Decision) => ({ a: d.accountId, action: d.action, rule: d.rule, verdict: d.verdict, score: d.score, campaign: d.campaignId, cs: d.campaignScore, shadow: d.shadow });

test("decisions taken from cached assessments equal those taken from assess on every request, reasons included where logged", () => {
  const plain = replay(false, true);
  const cached = replay(true, true);
  assert.equal(cached.decisions.length, world.events.length);
  assert.ok(plain.decisions.some((d) => d.action !== "allow"), "the replay reaches enforcement (the check is not vacuous)");
  assert.deepEqual(cached.decisions, plain.decisions);
});

test("without a decision log, cached decisions carry the same action, verdict, score and campaign as uncached ones", () => {
  const plain = replay(false, false);
  const cached = replay(true, false);
  assert.deepEqual(cached.decisions.map(essentials), plain.decisions.map(essentials));
  // Sparse traffic (an exchange per account every couple of hours) often crosses a 15-minute run cell in between.
  assert.ok(cached.hits > 100, `requests answered from the cache: ${cached.hits} of ${world.events.length}`);
});

test("an operator's override applies to the very next request even while the account's assessment is cached", () => {
  const engine = new Engine({ enricher: new MemoryEnricher() });
  const store = new MemoryStateStore();
  const overrides = new OverrideBook(store);
  const detector = new LiveDetector({
    detection: engine,
    store,
    metrics: new Metrics(),
    overrides,
    policy: compilePolicy(parseYaml(DEFAULT_POLICY_YAML)),
    mode: "enforce",
    verificationUrl: "https://verify.example",
    accounts: new Map(),
    engineClock: { now: () => engine.now(), runEveryMs: resolveEngineConfig({}).clusterEveryMs },
  });
  const t0 = Date.parse("2026-04-22T00:00:00Z");
  const ev = (i: number) => ({ t: t0 + i * 1000, event: { ts: new Date(t0 + i * 1000).toISOString(), account_id: "acct_x", endpoint: "/v1/messages", request: { model: "m", messages: [{ role: "user", content: `question ${i}` }] } } });
  for (let i = 0; i < 8; i++) {
    detector.observe(ev(i), null);
    detector.flush();
  }
  // Two requests with nothing fed in between: the second is decided from the same cached assessment.
  assert.equal(detector.observe(ev(8), null).action, "allow");
  overrides.apply("account", "acct_x", "block", "test", "2026-04-22T00:01:00Z", null, null);
  const d = detector.observe(ev(9), null);
  assert.equal(d.action, "block");
  assert.equal(d.source, "override");
  overrides.apply("account", "acct_x", "clear", "test", "2026-04-22T00:02:00Z", null, null);
  assert.equal(detector.observe(ev(10), null).action, "allow");
});

test("a policy that matches on reason codes still sees the engine's reasons for benign accounts", () => {
  const code = "high_volume";
  const policy = `rules:\n  - name: reasons-rule\n    when: { reasons: [${code}, cot_elicitation, step_by_step, disposable_email] }\n    action: { type: degrade, maxTokens: 100 }\n`;
  const plain = replay(false, false, policy);
  const cached = replay(true, false, policy);
  assert.deepEqual(cached.decisions.map(essentials), plain.decisions.map(essentials));
});

test("an entry is dropped once the engine clock leaves its campaign-run cell, or its account or campaign changes", () => {
  let clock = 0;
  const cache = new AssessmentCache(() => clock, 1000);
  const a = (id: string, campaignId: string | null): Assessment => ({ accountId: id, verdict: "benign", score: 0.1, campaignId, campaignScore: campaignId ? 0.8 : 0, ownScore: 0.1, ownVerdict: "benign", reasons: [], exchanges: 7, flaggedAt: null, extractionAt: null });
  cache.fromObserve(a("x", null));
  cache.fromAssess(a("y", "c1"));
  cache.fromAssess(a("z", "c1"));
  assert.equal(cache.get("x")?.partial, true);
  assert.equal(cache.get("y")?.partial, false);
  clock = 999;
  assert.ok(cache.get("x"));
  cache.forgetCampaign("c1");
  assert.equal(cache.get("y"), undefined);
  assert.equal(cache.get("z"), undefined);
  cache.forget("x");
  assert.equal(cache.get("x"), undefined);
  cache.fromObserve(a("x", null));
  clock = 1000;
  assert.equal(cache.get("x"), undefined, "a campaign run may have happened");
  assert.equal(new AssessmentCache(null, 1000).get("x"), undefined);
  // Entries of accounts that do not come back go with the cell too: the cache holds only this cell's accounts.
  for (let i = 0; i < 100; i++) cache.fromObserve(a(`u${i}`, i % 2 === 0 ? "c2" : null));
  assert.equal(cache.size, 100);
  clock = 2000;
  cache.fromObserve(a("w", null));
  assert.equal(cache.size, 1);
  assert.equal(cache.get("u1"), undefined);
});
