/**
 * The engine off the request path: a new account is observed before its decision (so a campaign match on
 * its first exchange acts at once); an account the engine knows is decided from what the engine knew
 * before the request and its exchange is fed after forwarding.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import { DEFAULT_SYNC_OBSERVE_BELOW } from "./live-detector.ts";
import { ScriptedDetection, startHarness } from "./testing/harness.ts";

/** An engine fake that turns an account to "extraction" on its `flagAt`-th exchange, and records what it knew at each assess. */
class CountingDetection extends ScriptedDetection {
  readonly counts = new Map<string, number>();
  constructor(private readonly flagAt: number) {
    super();
  }
  override observe(ev: TimedEvent): Assessment {
    const id = ev.event.account_id;
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    super.observe(ev);
    return this.assess(id);
  }
  override assess(accountId: string): Assessment {
    const n = this.counts.get(accountId) ?? 0;
    return { ...super.assess(accountId), exchanges: n, ...(n >= this.flagAt ? { verdict: "extraction" as const, score: 0.95, campaignId: "cmp_1", campaignScore: 0.9 } : {}) };
  }
}

const send = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer moat-sk-x", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-stub", messages: [{ role: "user", content: "hi" }] }),
  }).then(async (r) => (await r.arrayBuffer(), r.status));

test("a new account is observed before its decision, so evidence from its own first exchange acts at once", async () => {
  const det = new CountingDetection(1);
  const h = await startHarness({ detection: det, keys: { "moat-sk-x": { account_id: "acct_x" } }, mode: "enforce" });
  try {
    assert.equal(await send(h.gw.url), 403, "blocked on the exchange that revealed it");
    assert.equal(det.counts.get("acct_x"), 1);
  } finally {
    await h.close();
  }
});

test("a known account is decided from what the engine knew before the request, and its exchange is fed after forwarding", async () => {
  const flagAt = DEFAULT_SYNC_OBSERVE_BELOW + 1;
  const det = new CountingDetection(flagAt);
  const h = await startHarness({ detection: det, keys: { "moat-sk-x": { account_id: "acct_x" } }, mode: "enforce" });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < flagAt + 1; i++) statuses.push(await send(h.gw.url));
    // Exchange `flagAt` is the one that reveals the account; it was decided before the engine saw it
    // (causal), so it passes; the next one is refused.
    assert.deepEqual(statuses, [...Array.from({ length: flagAt }, () => 200), 403]);
    await h.admin("GET", "/admin/health");
    assert.equal(det.counts.get("acct_x"), flagAt + 1, "every exchange, the refused one included, reached the engine");
    const d = h.decisions.map((x) => x.action);
    assert.deepEqual(d.slice(-2), ["allow", "block"]);
  } finally {
    await h.close();
  }
});
