/**
 * Which requests moat forwards: the two exchange paths (also when spelled with a trailing or doubled slash:
 * they are inspected and forwarded as the exchange they name), the pass-through paths the config allows
 * (listing models and counting tokens by default), and nothing else. A generation endpoint moat cannot read
 * (Responses, legacy Completions, Batches) would otherwise serve a degraded or throttled account unobserved.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { isUtf8 } from "node:buffer";
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const det = new ScriptedDetection();
det.set("acct_degrade", { verdict: "extraction", score: 0.8 });
const keyOf = (a: string) => `moat-sk-${a}`;
const keys = { [keyOf("acct_degrade")]: { account_id: "acct_degrade" }, [keyOf("acct_ok")]: { account_id: "acct_ok" }, [keyOf("acct_new_pt")]: { account_id: "acct_new_pt" } };

let h: Harness;
let custom: Harness;
before(async () => {
  h = await startHarness({ detection: det, keys, mode: "enforce" });
  custom = await startHarness({ detection: new ScriptedDetection(), keys, mode: "enforce", extra: { passThrough: ["POST /v1/files", "/v1/batches/*"] } });
});
after(async () => {
  await h.close();
  await custom.close();
});

const call = (g: Harness, method: string, path: string, account: string, body?: unknown) =>
  fetch(g.gw.url + path, {
    method,
    headers: { authorization: `Bearer ${keyOf(account)}`, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

test("generation endpoints moat cannot read are refused with a 404 in the API's format, and never reach the provider", async () => {
  const before = h.stub.requests.length;
  for (const path of ["/v1/responses", "/v1/completions", "/v1/messages/batches", "/v1/embeddings", "/v1/Chat/Completions"]) {
    const r = await call(h, "POST", path, "acct_degrade", { model: "m", input: "hi", prompt: "hi", max_tokens: 100000 });
    assert.equal(r.status, 404, path);
    const b = (await r.json()) as { error: { type: string; message: string } };
    assert.match(b.error.message, /does not serve POST/, path);
  }
  assert.equal(h.stub.requests.length, before, "nothing was forwarded");
  const metrics = await fetch(`${h.gw.url}/admin/metrics`, { headers: { authorization: "Bearer admin-token-for-tests-0123456789" } }).then((r) => r.text());
  assert.match(metrics, /^moat_bad_requests_total\{reason="unsupported_path"\} 5$/m);
});

test("an exchange path with a trailing or doubled slash is the exchange: inspected, degraded and forwarded as that path", async () => {
  const logged = h.log.length;
  const r = await call(h, "POST", "/v1/chat/completions/", "acct_degrade", { model: "gpt-stub", max_completion_tokens: 100000, messages: [{ role: "user", content: "hi" }] });
  assert.equal(r.status, 200);
  const up = h.stub.requests.at(-1);
  assert.equal(up?.path, "/v1/chat/completions");
  assert.equal(up?.body?.["max_completion_tokens"], 2048, "the degrade cap applied");
  const r2 = await fetch(`${h.gw.url}//v1/messages?beta=true`, {
    method: "POST",
    headers: { "x-api-key": keyOf("acct_ok"), "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-stub", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(r2.status, 200);
  assert.equal(h.stub.requests.at(-1)?.path, "/v1/messages");
  assert.equal(h.log.length, logged + 2, "both were logged as exchanges");
});

test("the default pass-through paths still pass: models and count_tokens", async () => {
  const decided = h.decisions.length;
  assert.equal((await call(h, "GET", "/v1/models", "acct_ok")).status, 200);
  const ct = await fetch(`${h.gw.url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "x-api-key": keyOf("acct_ok"), "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-stub", messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(ct.status, 200);
  assert.equal((await call(h, "GET", "/v1/models", "acct_degrade")).status, 200, "degrade does not refuse a pass-through request");
  // Each is in the decision log, with its path: an auditor sees what moat decided for requests that are not exchanges.
  assert.deepEqual(
    h.decisions.slice(decided).map((d) => [d.account_id, d.action, d.pass_through, typeof d.request_id]),
    [
      ["acct_ok", "allow", "/v1/models", "string"],
      ["acct_ok", "allow", "/v1/messages/count_tokens", "string"],
      ["acct_degrade", "degrade", "/v1/models", "string"],
    ],
  );
  assert.equal((await call(h, "DELETE", "/v1/models/x", "acct_ok")).status, 404, "a method the rule does not name is refused");
});

test("a pass-through request whose detection fails is let through and logged once, and is not counted as an exchange's decision", async () => {
  const metrics = async () => fetch(`${h.gw.url}/admin/metrics`, { headers: { authorization: "Bearer admin-token-for-tests-0123456789" } }).then((r) => r.text());
  const decisionsCounted = (text: string) => [...text.matchAll(/^moat_decisions_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const countedBefore = decisionsCounted(await metrics());
  const decided = h.decisions.length;
  det.failing = true;
  try {
    assert.equal((await call(h, "GET", "/v1/models", "acct_new_pt")).status, 200);
  } finally {
    det.failing = false;
  }
  const lines = h.decisions.slice(decided) as Array<{ request_id: string | null; pass_through?: string; failed_open?: boolean; account_id: string }>;
  assert.equal(lines.length, 1, "one line, not a second one without a request id");
  assert.equal(lines[0]?.pass_through, "/v1/models");
  assert.equal(lines[0]?.failed_open, true);
  assert.equal(typeof lines[0]?.request_id, "string");
  const after = await metrics();
  assert.equal(decisionsCounted(after), countedBefore, "moat_decisions_total counts exchanges only");
  assert.match(after, /^moat_fail_open_total [1-9]/m, "the failure is counted");
});

test("an operator's passThrough list replaces the default: listed paths and prefixes pass, the rest is refused", async () => {
  const refusedByMoat = async (method: string, path: string): Promise<boolean> => {
    const n = custom.stub.requests.length;
    const r = await call(custom, method, path, "acct_ok", method === "POST" ? {} : undefined);
    const text = await r.text();
    const refused = r.status === 404 && text.includes("does not serve");
    assert.equal(custom.stub.requests.length, refused ? n : n + 1, `${method} ${path}: forwarded exactly when not refused`);
    return refused;
  };
  assert.equal(await refusedByMoat("POST", "/v1/files"), false);
  assert.equal(await refusedByMoat("GET", "/v1/batches/b_1"), false);
  assert.equal(await refusedByMoat("GET", "/v1/batches"), true, "a prefix rule covers what is below it, not itself");
  assert.equal(await refusedByMoat("GET", "/v1/files"), true, "the rule names POST only");
  assert.equal(await refusedByMoat("GET", "/v1/models"), true, "not listed any more");
});

test("a path with dot segments or encoded separators is refused before anything is forwarded", async () => {
  const n = h.stub.requests.length;
  // Sent as written (fetch would resolve the dot segments itself, a hand-made client need not).
  const raw = (method: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: h.gw.port, path, method, headers: { authorization: `Bearer ${keyOf("acct_ok")}`, "content-type": "application/json" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: `${String(res.headers["x-request-id"] ?? res.headers["request-id"] ?? "")} ${body}` }));
      });
      req.on("error", reject);
      req.end(method === "POST" ? JSON.stringify({ model: "m", messages: [] }) : undefined);
    });
  for (const [method, path] of [["GET", "/v1/models/../files"], ["GET", "/v1/models/%2e%2e/messages/batches"], ["POST", "/v1/chat/completions/../../v1/responses"], ["POST", "/v1/chat%2Fcompletions"]] as const) {
    const r = await raw(method, path);
    assert.equal(r.status, 400, path);
    assert.match(r.body, /dot segments or encoded separators/, path);
    assert.match(r.body, /^req_moat_/, `${path}: the refusal carries a request id`);
  }
  assert.equal(h.stub.requests.length, n);
});

test("hostile bodies: a degraded body nested too deep is refused (the process stays up), duplicate keys and non-UTF-8 bytes do not reach the provider or the log as sent", async () => {
  const raw = (account: string, body: Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: h.gw.port, path: "/v1/chat/completions", method: "POST", headers: Object.assign({ authorization: `Bearer ${keyOf(account)}`, "content-type": "application/json" }, headers) }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  let deep = '"x"';
  for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;
  const r = await raw("acct_degrade", Buffer.from(`{"model":"gpt-stub","max_completion_tokens":100000,"messages":[{"role":"user","content":"hi"}],"metadata":{"x":${deep}}}`));
  assert.equal(r.status, 400);
  assert.match(r.body, /nested too deeply/);
  assert.equal((await call(h, "GET", "/v1/models", "acct_ok")).status, 200, "the gateway is still up");

  const n = h.stub.requests.length;
  const dup = await raw("acct_degrade", Buffer.from('{"model":"gpt-stub","max_completion_tokens":90000,"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":100}'));
  assert.equal(dup.status, 200);
  assert.equal(h.stub.requests.length, n + 1);
  const seen = h.stub.requests.at(-1);
  assert.equal(seen?.body?.["max_completion_tokens"], 100, "the provider gets the one value moat read");

  const logged = h.log.length;
  const bad = Buffer.concat([Buffer.from('{"model":"gpt-stub","messages":[{"role":"user","content":"caf'), Buffer.from([0xff]), Buffer.from('"}]}')]);
  assert.equal((await raw("acct_ok", bad)).status, 200);
  assert.equal(h.log.length, logged + 1);
  const body = h.logBodies.at(-1);
  assert.ok(body !== undefined && isUtf8(body), "the log gets valid UTF-8 (a scan counts other lines as bad)");
  assert.match(body.toString(), /caf\ufffd/, "logged as the JSON moat read");
});
