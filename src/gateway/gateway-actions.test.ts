/**
 * How each action reaches the official SDKs: throttle (429 + retry-after, RateLimitError), challenge
 * (403 verification_required, then verified through the admin API), block (403 permission error),
 * degrade (caps on the request, no reasoning in JSON or streams), shadow mode, fail-open, overrides.
 * Assessments come from a scripted detection fake so each action is hit deliberately.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const dir = mkdtempSync(join(tmpdir(), "moat-actions-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(
  policyFile,
  `allowlist: { orgs: [org_partner] }
rules:
  - name: block-campaign
    when: { verdict: [extraction], minCampaignScore: 0.7 }
    action: block
  - name: throttle-member
    when: { minCampaignScore: 0.7 }
    action: { type: throttle, account: { perMinute: 1, burst: 2 } }
  - name: degrade
    when: { verdict: [extraction] }
    action: { type: degrade, maxTokens: 2048, thinkingBudget: 1024, reasoningEffort: low }
  - name: challenge
    when: { verdict: [suspicious], verified: false }
    action: challenge
`,
);

const det = new ScriptedDetection();
det.set("acct_block", { verdict: "extraction", score: 0.95, campaignId: "cmp_1", campaignScore: 0.9 });
det.set("acct_member_o", { verdict: "suspicious", score: 0.5, campaignId: "cmp_1", campaignScore: 0.9 });
det.set("acct_member_a", { verdict: "suspicious", score: 0.5, campaignId: "cmp_2", campaignScore: 0.9 });
det.set("acct_degrade", { verdict: "extraction", score: 0.8 });
det.set("acct_sus", { verdict: "suspicious", score: 0.5 });
det.set("acct_partner", { verdict: "extraction", score: 0.99, campaignId: "cmp_1", campaignScore: 0.9 });
det.set("acct_c3", { verdict: "benign", score: 0.1, campaignId: "cmp_3", campaignScore: 0.2 });
const accounts = ["acct_block", "acct_member_o", "acct_member_a", "acct_degrade", "acct_sus", "acct_ok", "acct_partner", "acct_c3"];
const keyOf = (a: string) => `moat-sk-${a}`;
const keys = Object.fromEntries(accounts.map((a) => [keyOf(a), a === "acct_partner" ? { account_id: a, org_id: "org_partner" } : { account_id: a }]));

let h: Harness;
before(async () => {
  h = await startHarness({ detection: det, keys, mode: "enforce", policyFile, accounts: [{ account_id: "acct_listed", tier: "standard" }] });
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const oa = (a: string) => new OpenAI({ apiKey: keyOf(a), baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
const an = (a: string) => new Anthropic({ apiKey: keyOf(a), baseURL: h.gw.url, maxRetries: 0 });
const chat = (a: string, extra: Record<string, unknown> = {}) =>
  oa(a).chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);
const msg = (a: string) => an(a).messages.create({ model: "claude-stub", max_tokens: 20000, thinking: { type: "enabled", budget_tokens: 16000 }, messages: [{ role: "user", content: "What is 17*23?" }] });

test("a throttled account gets a 429 RateLimitError with retry-after from the OpenAI SDK once its bucket is empty", async () => {
  await chat("acct_member_o");
  await chat("acct_member_o");
  const err = await chat("acct_member_o").then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${String(err)}`);
  assert.equal(err.status, 429);
  assert.equal(err.code, "rate_limit_exceeded");
  assert.ok(Number(err.headers?.get("retry-after")) >= 1);
});

test("a throttled account gets a RateLimitError from the Anthropic SDK in Anthropic's error format", async () => {
  await msg("acct_member_a");
  await msg("acct_member_a");
  const err = await msg("acct_member_a").then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Anthropic.RateLimitError, `expected RateLimitError, got ${String(err)}`);
  assert.equal(err.type, "rate_limit_error");
  assert.ok(Number(err.headers?.get("retry-after")) >= 1);
});

test("a blocked account gets a PermissionDeniedError from both SDKs, streams included", async () => {
  const e1 = await chat("acct_block").catch((e: unknown) => e);
  assert.ok(e1 instanceof OpenAI.PermissionDeniedError);
  assert.equal(e1.code, "account_blocked");
  assert.match(e1.requestID ?? "", /^req_moat_/, "the OpenAI SDK reads moat's request id from x-request-id");
  const e2 = await an("acct_block")
    .messages.stream({ model: "claude-stub", max_tokens: 100, messages: [{ role: "user", content: "x" }] })
    .finalMessage()
    .catch((e: unknown) => e);
  assert.ok(e2 instanceof Anthropic.PermissionDeniedError, `got ${String(e2)}`);
  assert.equal(e2.type, "permission_error");
  assert.match(e2.requestID ?? "", /^req_moat_/, "the Anthropic SDK reads it from request-id");
  // The block message is generic: it does not tell an attacker which signal fired.
  assert.ok(!e2.message.includes("cmp_1") && !e2.message.includes("score"));
});

test("a challenged account sees verification_required with the verification URL until an admin verifies it", async () => {
  const e1 = await chat("acct_sus").catch((e: unknown) => e);
  assert.ok(e1 instanceof OpenAI.PermissionDeniedError);
  assert.equal(e1.code, "verification_required");
  assert.match(e1.message, /verify\.example\.com/);
  const e2 = await msg("acct_sus").catch((e: unknown) => e);
  assert.ok(e2 instanceof Anthropic.PermissionDeniedError);
  assert.equal(e2.errorCode, "verification_required");
  const r = await h.admin("POST", "/admin/overrides", { target: "account", id: "acct_sus", action: "verify" }, "analyst:ana");
  assert.equal(r.status, 200);
  const ok = await chat("acct_sus");
  assert.equal(ok.choices[0]?.message.content, "The answer is 391.");
  const audit = await h.admin<{ audit: Array<{ actor: string; action: string; target: string }> }>("GET", "/admin/audit");
  assert.ok(audit.body.audit.some((x) => x.actor === "analyst:ana" && x.action === "verify" && x.target === "account:acct_sus"));
});

test("a degraded Anthropic request is capped upstream and its JSON and stream answers carry no thinking", async () => {
  const m = await msg("acct_degrade");
  assert.deepEqual(
    m.content.map((b) => b.type),
    ["text"],
  );
  const up = h.stub.requests.at(-1)?.body;
  assert.equal(up?.["max_tokens"], 2048);
  assert.deepEqual(up?.["thinking"], { type: "enabled", budget_tokens: 1024 });
  const stream = an("acct_degrade").messages.stream({ model: "claude-stub", max_tokens: 20000, thinking: { type: "enabled", budget_tokens: 16000 }, messages: [{ role: "user", content: "x" }] });
  let thinking = "";
  stream.on("thinking", (d) => (thinking += d));
  const final = await stream.finalMessage();
  assert.equal(thinking, "");
  assert.deepEqual(
    final.content.map((b) => b.type),
    ["text"],
  );
  assert.equal(final.content[0]?.type === "text" ? final.content[0].text.trim() : "", "The answer is 391.");
});

test("a degraded OpenAI request loses reasoning_content and logprobs, JSON and stream, and its effort is capped", async () => {
  const r = await chat("acct_degrade", { model: "reasoner", reasoning_effort: "high", logprobs: true, top_logprobs: 3 });
  const message = r.choices[0]?.message as unknown as Record<string, unknown>;
  assert.equal(message["reasoning_content"], undefined);
  assert.equal(r.choices[0]?.logprobs ?? null, null);
  const up = h.stub.requests.at(-1)?.body;
  assert.equal(up?.["reasoning_effort"], "low");
  assert.equal(up?.["logprobs"], undefined);
  assert.equal(up?.["max_completion_tokens"], 2048);
  const stream = await oa("acct_degrade").chat.completions.create({ model: "reasoner", messages: [{ role: "user", content: "x" }], stream: true });
  let text = "";
  for await (const c of stream) {
    const d = c.choices[0]?.delta as Record<string, unknown> | undefined;
    assert.equal(d?.["reasoning_content"], undefined);
    text += String(d?.["content"] ?? "");
  }
  assert.equal(text.trim(), "The answer is 391.");
});

test("a degraded OpenAI request loses reasoning written into the text (<think>), JSON and stream; others get it as sent", async () => {
  const think = /<think>[^]*Let me work[^]*<\/think>\n\nThe answer is 391\./;
  assert.match(String((await chat("acct_ok", { model: "deepseek-r1" })).choices[0]?.message.content), think, "the stub sends its thinking inline");
  assert.equal((await chat("acct_degrade", { model: "deepseek-r1" })).choices[0]?.message.content, "The answer is 391.");
  const stream = await oa("acct_degrade").chat.completions.create({ model: "deepseek-r1", messages: [{ role: "user", content: "x" }], stream: true });
  let text = "";
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
  assert.equal(text, "The answer is 391.");
});

test("an allowlisted organisation passes whatever the engine says", async () => {
  const r = await chat("acct_partner");
  assert.equal(r.choices[0]?.message.content, "The answer is 391.");
});

test("an admin block on a campaign blocks its member accounts, and clearing it lets them through", async () => {
  assert.ok((await chat("acct_c3")).choices[0]);
  await h.admin("POST", "/admin/overrides", { target: "campaign", id: "cmp_3", action: "block", note: "confirmed hydra" }, "analyst:bo");
  const e = await chat("acct_c3").catch((x: unknown) => x);
  assert.ok(e instanceof OpenAI.PermissionDeniedError);
  const acct = await h.admin<{ decision: { action: string; rule: string } }>("GET", "/admin/accounts/acct_c3");
  assert.equal(acct.body.decision.action, "block");
  assert.equal(acct.body.decision.rule, "override:campaign:block");
  await h.admin("POST", "/admin/overrides", { target: "campaign", id: "cmp_3", action: "clear" }, "analyst:bo");
  assert.ok((await chat("acct_c3")).choices[0]);
});

test("when the engine fails, requests pass and the failure is counted in metrics and health", async () => {
  det.failing = true;
  try {
    const r = await chat("acct_block");
    assert.equal(r.choices[0]?.message.content, "The answer is 391.");
  } finally {
    det.failing = false;
  }
  const health = await h.admin<{ fail_opens: number }>("GET", "/admin/health");
  assert.equal(health.body.fail_opens, 1);
  const metrics = await h.admin<string>("GET", "/admin/metrics");
  assert.match(metrics.body, /^moat_fail_open_total 1$/m);
  assert.match(metrics.body, /^moat_decisions_total\{action="block",enforced="true"\} \d+$/m);
});

test("when the engine fails, an account the operator blocked stays blocked", async () => {
  await h.admin("POST", "/admin/overrides", { target: "account", id: "acct_ok", action: "block" }, "analyst:bo");
  det.failing = true;
  try {
    const e = await chat("acct_ok").catch((x: unknown) => x);
    assert.ok(e instanceof OpenAI.PermissionDeniedError, `got ${String(e)}`);
  } finally {
    det.failing = false;
    await h.admin("POST", "/admin/overrides", { target: "account", id: "acct_ok", action: "clear" }, "analyst:bo");
  }
  assert.ok((await chat("acct_ok")).choices[0]);
});

test("the admin API refuses requests without the admin token", async () => {
  const r = await fetch(`${h.gw.url}/admin/health`);
  assert.equal(r.status, 401);
  const r2 = await fetch(`${h.gw.url}/admin/health`, { headers: { authorization: "Bearer wrong-token-wrong-token-x" } });
  assert.equal(r2.status, 401);
});

test("in shadow mode every decision is logged but nothing is enforced, except an operator's explicit block", async () => {
  const d2 = new ScriptedDetection();
  d2.set("acct_block", { verdict: "extraction", score: 0.95, campaignId: "cmp_1", campaignScore: 0.9 });
  const s = await startHarness({ detection: d2, keys: { [keyOf("acct_block")]: { account_id: "acct_block" }, [keyOf("acct_ok")]: { account_id: "acct_ok" } }, mode: "shadow", policyFile });
  try {
    const c = new OpenAI({ apiKey: keyOf("acct_block"), baseURL: `${s.gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 3; i++) assert.ok((await c.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }] })).choices[0]);
    const acct = await s.admin<{ decision: { action: string; shadow: boolean } }>("GET", "/admin/accounts/acct_block");
    assert.deepEqual([acct.body.decision.action, acct.body.decision.shadow], ["block", true]);
    const m = await s.admin<string>("GET", "/admin/metrics");
    assert.match(m.body, /^moat_decisions_total\{action="block",enforced="false"\} 3$/m);
    await s.admin("POST", "/admin/overrides", { target: "account", id: "acct_ok", action: "block" }, "analyst:cy");
    const ok = new OpenAI({ apiKey: keyOf("acct_ok"), baseURL: `${s.gw.url}/v1`, maxRetries: 0 });
    const e = await ok.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }] }).catch((x: unknown) => x);
    assert.ok(e instanceof OpenAI.PermissionDeniedError);
  } finally {
    await s.close();
  }
});

test("the admin API says what it does not know: unknown accounts and campaigns get 404, a bad filter 400, lists say when they are cut", async () => {
  const unknown = await h.admin<{ error: { message: string } }>("GET", "/admin/accounts/acct_nobody");
  assert.equal(unknown.status, 404);
  assert.equal((await h.admin("GET", "/admin/accounts/acct_ok")).status, 200, "an account named by a key is known");
  assert.equal((await h.admin("GET", "/admin/accounts/acct_listed")).status, 200, "an account in the accounts file is known before it sends anything");
  assert.equal((await h.admin("GET", "/admin/accounts?verdict=extracton")).status, 400);
  assert.equal((await h.admin("GET", "/admin/accounts?limit=abc")).status, 400);
  assert.equal((await h.admin("GET", "/admin/audit?limit=0")).status, 400);
  await chat("acct_ok");
  const list = await h.admin<{ accounts: unknown[]; total: number; truncated: boolean }>("GET", "/admin/accounts?limit=1");
  assert.equal(list.body.accounts.length, 1);
  assert.ok(list.body.total > 1);
  assert.equal(list.body.truncated, true);
  const none = await h.admin("POST", "/admin/overrides", { target: "campaign", id: "cmp_404", action: "block" }, "analyst:bo");
  assert.equal(none.status, 404, "an override on a campaign id that does not exist yet would land on a future campaign");
  assert.equal((await h.admin("POST", "/admin/overrides", { target: "campaign", id: "cmp_404", action: "clear" }, "analyst:bo")).status, 200, "clearing is always possible");
  const ahead = await h.admin<{ warning?: string }>("POST", "/admin/overrides", { target: "account", id: "acct_future", action: "block" }, "analyst:bo");
  assert.equal(ahead.status, 200, "an account may be blocked before it sends anything");
  assert.match(ahead.body.warning ?? "", /names account acct_future yet/, "and the answer says nothing names it yet (a typo looks the same)");
  const known = await h.admin<{ warning?: string }>("POST", "/admin/overrides", { target: "account", id: "acct_future", action: "verify" }, "analyst:bo");
  assert.equal(known.body.warning, undefined, "an account an override names is known");
});
