/**
 * The request-body budget: one account cannot hold more than its share of body bytes in flight, nor all
 * accounts more than the gateway's whole budget; refused requests get a 503 in the API's format before the
 * rest of their body is read, and the bytes come back when a request ends (without that, one valid key
 * could hold 128 × 32 MiB and take the process down).
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "node:events";
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const KiB = 1024;
const KEY_A = "moat-sk-budget-a";
const KEY_B = "moat-sk-budget-b";
const KEY_C = "moat-sk-budget-c";
let h: Harness;
before(async () => {
  h = await startHarness({
    detection: new ScriptedDetection(),
    keys: { [KEY_A]: { account_id: "acct_a" }, [KEY_B]: { account_id: "acct_b" }, [KEY_C]: { account_id: "acct_c" } },
    extra: { limits: { maxBodyBytes: 256 * KiB, upstreamTimeoutMs: 30_000, maxBufferedBytesPerAccount: 300 * KiB, maxBufferedBytes: 500 * KiB } },
  });
});
after(async () => {
  await h.close();
});

/** A request whose body is only partly sent: it holds its bytes until the socket closes. */
async function openRequest(key: string, opts: { declared?: number; send: number }): Promise<{ socket: net.Socket; answer: Promise<string> }> {
  const socket = net.connect(h.gw.port, "127.0.0.1");
  await once(socket, "connect");
  let out = "";
  socket.on("data", (c: Buffer) => (out += c.toString()));
  const answer = new Promise<string>((resolve) => {
    socket.on("close", () => resolve(out));
    socket.on("error", () => resolve(out));
  });
  const framing = opts.declared !== undefined ? `content-length: ${opts.declared}` : "transfer-encoding: chunked";
  socket.write(`POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${key}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`);
  const part = "a".repeat(opts.send);
  socket.write(opts.declared !== undefined ? part : `${opts.send.toString(16)}\r\n${part}\r\n`);
  return { socket, answer };
}

/** A small complete exchange from `key`; returns its status once the answer is read. */
async function exchange(key: string, content: string): Promise<number> {
  const r = await fetch(h.gw.url + "/v1/messages", {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content }] }),
  });
  await r.text();
  return r.status;
}

const metric = async (reason: string): Promise<number> => {
  const text = (await h.admin<string>("GET", "/admin/metrics")).body;
  const m = new RegExp(`moat_bad_requests_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
};

/** Waits until the gateway holds `bytes` in all (the request's bytes have arrived and been counted). */
async function held(bytes: number): Promise<void> {
  for (let i = 0; i < 200 && h.gw.ctx.bodyBudget.total !== bytes; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(h.gw.ctx.bodyBudget.total, bytes);
}

test("past its share an account gets a 503 overloaded error at once; another account is still served; the bytes come back when a request ends", async () => {
  const first = await openRequest(KEY_A, { declared: 200 * KiB, send: 150 * KiB });
  await held(150 * KiB);
  // 150 KiB held + 200 KiB declared is over acct_a's 300 KiB: refused before its body is read.
  const second = await openRequest(KEY_A, { declared: 200 * KiB, send: 10 });
  const refused = await second.answer;
  assert.match(refused, /^HTTP\/1\.1 503 /);
  assert.match(refused, /"type":"overloaded_error"/);
  assert.match(refused, /retry-after: 1/i);
  assert.match(refused, /this account/);
  assert.equal(await metric("account_body_budget"), 1);

  // Another account's request goes through while acct_a holds its share.
  assert.equal(await exchange(KEY_B, "hi"), 200);

  first.socket.destroy();
  await first.answer;
  await held(0);
  assert.equal(await exchange(KEY_A, "hi again"), 200, "the account's bytes came back when its request ended");
  await held(0);
});

test("a declared length is checked, not reserved: requests that declare bodies and send nothing hold nothing", async () => {
  const squatters = await Promise.all([KEY_A, KEY_B, KEY_C].map((k) => openRequest(k, { declared: 250 * KiB, send: 0 })));
  await held(0);
  assert.equal(await exchange(KEY_C, "still served"), 200);
  for (const q of squatters) q.socket.destroy();
  await Promise.all(squatters.map((q) => q.answer));
  await held(0);
});

test("expect: 100-continue is answered only once the request is admitted", async () => {
  const ask = async (key: string, declared: number, expect = "100-continue", version = "1.1"): Promise<string> => {
    const socket = net.connect(h.gw.port, "127.0.0.1");
    await once(socket, "connect");
    let out = "";
    socket.write(`POST /v1/messages HTTP/${version}\r\nhost: x\r\nx-api-key: ${key}\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\nexpect: ${expect}\r\n\r\n`);
    // A client waiting for a 100 that never comes would wait for ever: fail instead.
    const [first] = (await once(socket, "data", { signal: AbortSignal.timeout(15_000) })) as [Buffer];
    out = first.toString();
    socket.destroy();
    return out;
  };
  const a = await openRequest(KEY_A, { declared: 200 * KiB, send: 200 * KiB - 1 });
  await held(200 * KiB - 1);
  assert.match(await ask(KEY_A, 200 * KiB), /^HTTP\/1\.1 503 /, "refused without being told to send");
  assert.match(await ask(KEY_B, 200 * KiB), /^HTTP\/1\.1 100 Continue/, "admitted: told to send");
  assert.match(await ask("moat-sk-unknown-key", 10), /^HTTP\/1\.1 401 /, "an unknown key is refused without a 100");
  // Every form Node reads as asking for a 100 gets one once admitted (a client waiting for it would hang).
  assert.match(await ask(KEY_B, 10, "100-continue, x-more"), /^HTTP\/1\.1 100 Continue/);
  assert.match(await ask(KEY_B, 10, "100-Continue;x"), /^HTTP\/1\.1 100 Continue/);
  // HTTP/1.0 has no 1xx answers: the body is simply read.
  const s10 = net.connect(h.gw.port, "127.0.0.1");
  await once(s10, "connect");
  const body = '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';
  s10.write(`POST /v1/messages HTTP/1.0\r\nhost: x\r\nx-api-key: ${KEY_B}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\n\r\n${body}`);
  let answer10 = "";
  s10.on("data", (c: Buffer) => (answer10 += c.toString()));
  await once(s10, "close", { signal: AbortSignal.timeout(15_000) });
  assert.match(answer10, /^HTTP\/1\.1 200 /, "an HTTP/1.0 client gets its answer and no 100");
  a.socket.destroy();
  await a.answer;
  await held(0);
});

test("chunked bodies are counted as they arrive, against the gateway's whole budget too", async () => {
  const a = await openRequest(KEY_A, { send: 250 * KiB });
  await held(250 * KiB);
  const b = await openRequest(KEY_B, { send: 200 * KiB });
  await held(450 * KiB);
  // acct_c is far below its own share, but 450 + 100 KiB is over the 500 KiB in all.
  const c = await openRequest(KEY_C, { send: 100 * KiB });
  const refused = await c.answer;
  assert.match(refused, /^HTTP\/1\.1 503 /);
  assert.match(refused, /Retry shortly/);
  assert.equal(await metric("body_budget"), 1);
  a.socket.destroy();
  b.socket.destroy();
  await Promise.all([a.answer, b.answer]);
  await held(0);
});
