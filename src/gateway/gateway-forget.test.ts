/**
 * A long-running gateway's memory follows active accounts: the engine forgets accounts idle for
 * `limits.forgetIdleAccountsAfterHours` that it holds for nothing, the gateway hands back the records it keeps
 * of them, and an account that returns is served and judged afresh.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { Engine } from "../core/engine/engine.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import type { AccountRecord } from "../core/model/traffic.ts";
import { resolveGatewayConfig } from "./config.ts";
import { startHarness } from "./testing/harness.ts";

const HOUR = 3_600_000;

/** The real engine, with the account records it is handed kept for the test to read. */
class RecordingEngine extends Engine {
  readonly upserts: AccountRecord[] = [];
  override upsertAccount(rec: AccountRecord): void {
    this.upserts.push(rec);
    super.upsertAccount(rec);
  }
}

test("idle accounts are forgotten with their assessments, get their records back, and are served afresh on return", async () => {
  let clock = Date.parse("2026-06-01T00:00:00Z");
  const engine = new RecordingEngine({ enricher: new MemoryEnricher() });
  const h = await startHarness({
    detection: engine,
    keys: { "moat-key-old-000": { account_id: "acct_old", org_id: "org_1" }, "moat-key-new-000": { account_id: "acct_new" } },
    accounts: [{ account_id: "acct_old", org_id: "org_1", tier: "standard", payment_fingerprint: "pm_old" }],
    now: () => clock,
    extra: { limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 30_000, forgetIdleAccountsAfterHours: 2 } },
  });
  try {
    const client = (key: string): OpenAI => new OpenAI({ apiKey: key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
    const ask = (key: string, text: string) => client(key).chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: text }] });
    for (let i = 0; i < 3; i++) await ask("moat-key-old-000", `what should I cook tonight? (${i})`);
    h.gw.ctx.detector.flush();
    assert.equal(engine.assess("acct_old").exchanges, 3);
    assert.equal(h.gw.forgetIdleAccounts(), 0, "not idle yet");
    assert.equal(h.gw.ctx.detector.standingDecision("acct_old")?.action, "allow");
    assert.ok(h.store.get("decisions", "acct_old"));

    clock += 3 * HOUR;
    await ask("moat-key-new-000", "hello");
    const upsertsBefore = engine.upserts.length;
    assert.equal(h.gw.forgetIdleAccounts(), 1);
    assert.equal(engine.assess("acct_old").exchanges, 0, "the engine holds nothing of it");
    // Nor does the gateway: its standing "allow" goes from memory and from the store.
    assert.equal(h.gw.ctx.detector.standingDecision("acct_old"), undefined);
    assert.equal(h.store.get("decisions", "acct_old"), undefined);
    // Its record (sign-up facts) went back to the engine for when it returns.
    assert.deepEqual(
      engine.upserts.slice(upsertsBefore).map((r) => [r.account_id, r.payment_fingerprint]),
      [["acct_old", "pm_old"]],
    );
    const metrics = (await h.admin<string>("GET", "/admin/metrics")).body;
    assert.match(metrics, /^moat_engine_accounts_forgotten_total 1$/m);
    assert.match(metrics, /^moat_accounts_seen 1$/m);
    const listed = (await h.admin<{ accounts: Array<{ account_id: string }> }>("GET", "/admin/accounts")).body;
    assert.deepEqual(
      listed.accounts.map((a) => a.account_id),
      ["acct_new"],
    );

    // It comes back: served, and the engine starts it afresh.
    const back = await ask("moat-key-old-000", "and for dessert?");
    assert.ok(back.choices[0]?.message.content);
    h.gw.ctx.detector.flush();
    assert.equal(engine.assess("acct_old").exchanges, 1);
    assert.equal(engine.stats().forgotten, 1);
  } finally {
    await h.close();
  }
});

test("forgetting follows the traffic log's retention unless set, and 0 turns it off", () => {
  const base = { upstreams: { openai: { url: "http://127.0.0.1:9", apiKey: "sk-x" } }, keys: { "moat-key-000000": { account_id: "a" } }, admin: { token: "admin-token-0123456789" } };
  const resolve = (extra: Record<string, unknown>) => resolveGatewayConfig({ ...base, ...extra }, "/tmp", {}).forgetIdleAccountsMs;
  assert.equal(resolve({}), 720 * HOUR);
  assert.equal(resolve({ trafficLog: { retainHours: 48 } }), 48 * HOUR);
  assert.equal(resolve({ trafficLog: { retainHours: 0 } }), null);
  assert.equal(resolve({ trafficLog: { retainHours: 0 }, limits: { forgetIdleAccountsAfterHours: 24 } }), 24 * HOUR);
  assert.equal(resolve({ limits: { forgetIdleAccountsAfterHours: 0 } }), null);
});
