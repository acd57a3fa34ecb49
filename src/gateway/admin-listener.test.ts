/**
 * `admin.listen`: the admin API on a listener of its own. The client listener then does not serve it (an
 * /admin/ path there is just a path moat does not forward), and the admin listener serves nothing else.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_TOKEN, ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const KEY = "moat-sk-admin-listener-1";
let h: Harness;
before(async () => {
  h = await startHarness({ detection: new ScriptedDetection(), keys: { [KEY]: { account_id: "acct_a" } }, extra: { admin: { token: ADMIN_TOKEN, listen: { host: "127.0.0.1", port: 0 } } } });
});
after(async () => {
  await h.close();
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

test("the admin API answers on its own listener, and not on the client listener", async () => {
  const adminUrl = h.gw.adminUrl;
  assert.ok(adminUrl !== null && adminUrl !== h.gw.url);
  const health = await fetch(`${adminUrl}/admin/health`, { headers: auth });
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, "ok");
  assert.equal((await fetch(`${adminUrl}/healthz`)).status, 200);
  // On the client listener, with the admin token or a client key, /admin/ is not there.
  const asAdmin = await fetch(`${h.gw.url}/admin/health`, { headers: auth });
  assert.equal(asAdmin.status, 401, "the admin token is not a client key");
  const asClient = await fetch(`${h.gw.url}/admin/campaigns`, { headers: { "x-api-key": KEY } });
  assert.equal(asClient.status, 404);
  assert.doesNotMatch(await asClient.text(), /campaign_id|"campaigns"/);
});

test("the admin listener serves no client traffic, and still asks for its token", async () => {
  const adminUrl = h.gw.adminUrl ?? "";
  const r = await fetch(`${adminUrl}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json", ...auth }, body: JSON.stringify({ model: "m", max_tokens: 5, messages: [] }) });
  assert.equal(r.status, 404);
  assert.equal(h.stub.requests.length, 0, "nothing reached the provider");
  assert.equal((await fetch(`${adminUrl}/admin/health`)).status, 401);
});
