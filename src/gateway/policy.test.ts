import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import type { Assessment } from "../core/engine/types.ts";
import { compilePolicy, evaluatePolicy, PolicyError } from "./policy.ts";
import { DEFAULT_POLICY_YAML } from "./default-policy.ts";

const a = (p: Partial<Assessment>): Assessment => ({ accountId: "x", verdict: "benign", score: 0, campaignId: null, campaignScore: 0, ownScore: 0, ownVerdict: "benign", reasons: [], exchanges: 1, flaggedAt: null, extractionAt: null, ...p });
const subject = (p: Partial<Assessment>, verified = false, tier: string | null = "standard") => ({ assessment: a(p), tier, verified, endpoint: "/v1/messages" });

test("the built-in default policy validates and blocks only campaign-backed extraction", () => {
  const p = compilePolicy(parse(DEFAULT_POLICY_YAML));
  assert.equal(evaluatePolicy(p, subject({ verdict: "extraction", score: 0.9, campaignId: "c", campaignScore: 0.8 }))?.action.type, "block");
  assert.equal(evaluatePolicy(p, subject({ verdict: "extraction", score: 0.9 }))?.action.type, "degrade");
  assert.equal(evaluatePolicy(p, subject({ verdict: "suspicious", score: 0.5, campaignId: "c", campaignScore: 0.75 }))?.action.type, "degrade");
  assert.equal(evaluatePolicy(p, subject({ verdict: "suspicious", score: 0.5 }))?.action.type, "challenge");
  assert.equal(evaluatePolicy(p, subject({ verdict: "benign" })), null);
});

test("a challenge rule skips verified accounts and the next rule applies", () => {
  const p = compilePolicy(parse(DEFAULT_POLICY_YAML));
  const m = evaluatePolicy(p, subject({ verdict: "suspicious", score: 0.5 }, true));
  assert.equal(m?.name, "throttle-suspicious-verified");
});

test("rules match on reason codes, tier and endpoint", () => {
  const p = compilePolicy({
    rules: [
      { name: "edu", when: { tier: ["education"], reasons: ["cot_elicitation"] }, action: "challenge" },
      { name: "oai", when: { endpoint: ["/v1/chat/completions"] }, action: { type: "throttle", account: { perMinute: 60, burst: 5 } } },
    ],
  });
  const cot = [{ code: "cot_elicitation", weight: 0.3, detail: "" }];
  assert.equal(evaluatePolicy(p, subject({ reasons: cot }, false, "education"))?.name, "edu");
  assert.equal(evaluatePolicy(p, subject({ reasons: cot }, false, "standard")), null);
  const m = evaluatePolicy(p, { ...subject({}), endpoint: "/v1/chat/completions" });
  assert.deepEqual(m?.action, { type: "throttle", account: { perSecond: 1, burst: 5 }, campaign: null });
});

test("an invalid policy is refused with every problem named by its path", () => {
  assert.throws(
    () =>
      compilePolicy(
        {
          rules: [
            { name: "a", when: { minScore: 2 }, action: "block" },
            { name: "a", action: { type: "throttle" } },
            { name: "c", when: { minScore: 0.8, maxScore: 0.2 }, action: "explode" },
          ],
        },
        "policy.yaml",
      ),
    (e: unknown) => {
      assert.ok(e instanceof PolicyError);
      assert.match(e.message, /policy\.yaml: rules\[0\]\.when\.minScore/);
      assert.match(e.message, /policy\.yaml: rules\[1\]\.action: a throttle needs/);
      assert.match(e.message, /policy\.yaml: rules\[2\]\.action: an action is allow, block or challenge, or an object: \{ type: throttle.*type: degrade/, "the accepted actions are named");
      return true;
    },
  );
  assert.throws(() => compilePolicy({ rules: [{ name: "x", when: { verdikt: ["extraction"] }, action: "block" }] }), /rules\[0\]\.when/);
});

test("a degrade action keeps reasoning and logprobs stripping on by default", () => {
  const p = compilePolicy({ rules: [{ name: "d", action: { type: "degrade", maxTokens: 100 } }] });
  const m = evaluatePolicy(p, subject({}));
  assert.deepEqual(m?.action, { type: "degrade", caps: { maxTokens: 100, thinkingBudget: null, reasoningEffort: null, dropReasoning: true, stripLogprobs: true } });
});

test("a policy without a rules list (an empty or truncated file) is refused, not read as allow-everything", () => {
  for (const input of [null, undefined, {}, { allowlist: { accounts: ["a"] } }, "rules"])
    assert.throws(() => compilePolicy(input, "p.yaml"), /p\.yaml: no `rules` list/, JSON.stringify(input));
  assert.equal(compilePolicy({ rules: [] }).rules.length, 0, "an explicit empty list is allowed");
});
