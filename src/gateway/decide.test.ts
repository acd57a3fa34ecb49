import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import type { Assessment } from "../core/engine/types.ts";
import { MemoryStateStore } from "../stores/memory-state-store.ts";
import { decide, type DecideInputs } from "./decide.ts";
import { DEFAULT_POLICY_YAML } from "./default-policy.ts";
import { OverrideBook } from "./overrides.ts";
import { compilePolicy } from "./policy.ts";
import { TokenBuckets } from "./token-buckets.ts";

const inputs = (): DecideInputs => ({
  overrides: new OverrideBook(new MemoryStateStore()),
  accounts: new Map(),
  policy: compilePolicy(parse(DEFAULT_POLICY_YAML)),
  mode: "enforce",
  verificationUrl: "https://verify.example/",
  buckets: new TokenBuckets(),
});

/** A campaign member whose verdict comes from the campaign's lift: on its own it is benign. */
const member = (campaignScore: number): Assessment => ({
  accountId: "acct_m",
  verdict: "extraction",
  score: 0.95,
  campaignId: "cmp_9",
  campaignScore,
  ownScore: 0.2,
  ownVerdict: "benign",
  reasons: [
    { code: "campaign_member", weight: 0.75, detail: "member of cmp_9" },
    { code: "cot_elicitation", weight: 0.2, detail: "asks for step-by-step reasoning" },
  ],
  exchanges: 40,
  flaggedAt: 1,
  extractionAt: 2,
});

test("a campaign marked benign releases its members: each is judged on its own behaviour, without the campaign's lift", () => {
  const x = inputs();
  assert.equal(decide(x, member(0.8), null, "/v1/messages", 0, true).action, "block", "before the mark: campaign-backed extraction");
  x.overrides.apply("campaign", "cmp_9", "benign", "analyst:ana", "2026-11-22T00:00:00Z", "a university course, not a campaign", { verdict: "extraction", score: 0.8 });
  const d = decide(x, member(0.8), null, "/v1/messages", 0, true);
  assert.equal(d.action, "allow");
  assert.equal(d.verdict, "benign");
  assert.equal(d.score, 0.2);
  assert.equal(d.campaignId, null);
  assert.ok(!d.reasons.some((r) => r.code === "campaign_member"), "the campaign's evidence is not cited any more");
  // Stronger campaign evidence than what was judged a false positive acts again.
  assert.equal(decide(x, member(0.95), null, "/v1/messages", 0, true).action, "block");
});
