/**
 * Malformed and hostile requests get proper errors in the API's own format and never take the
 * process down: bad JSON, non-object bodies, huge bodies (declared and chunked), unknown and missing
 * keys, broken HTTP, clients that vanish mid-stream, an unreachable upstream.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "node:events";
import http from "node:http";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { Engine } from "../core/engine/engine.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";
import { gzipSync } from "node:zlib";
import { MemoryStateStore } from "../stores/memory-state-store.ts";

const KEY = "moat-sk-malformed-0";
let h: Harness;
before(async () => {
  h = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } } });
});
after(async () => {
  await h.close();
});

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(h.gw.url + path, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json", ...headers }, body });

test("bad JSON gets a 400 invalid_request_error in each API's format", async () => {
  const a = await post("/v1/messages", "{not json");
  assert.equal(a.status, 400);
  const ab = (await a.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(ab.type, "error");
  assert.equal(ab.error.type, "invalid_request_error");
  assert.match(ab.error.message, /not valid JSON/);
  const o = await post("/v1/chat/completions", "{not json", { authorization: `Bearer ${KEY}`, "x-api-key": "" });
  assert.equal(o.status, 400);
  const ob = (await o.json()) as { error: { type: string; code: string } };
  assert.equal(ob.error.type, "invalid_request_error");
});

test("a JSON body that is not an object is refused", async () => {
  const r = await post("/v1/messages", "[1,2,3]");
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /JSON object/);
});

test("a body over the limit gets 413, whether its length is declared or streamed", async () => {
  const big = Buffer.alloc(300 * 1024, 0x61);
  const r = await post("/v1/messages", big);
  assert.equal(r.status, 413);
  assert.equal(((await r.json()) as { error: { type: string } }).error.type, "request_too_large");
  const chunked = await new Promise<string>((resolve, reject) => {
    const s = net.connect(h.gw.port, "127.0.0.1", () => {
      s.write(`POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ntransfer-encoding: chunked\r\n\r\n`);
      for (let i = 0; i < 6; i++) s.write(`${(64 * 1024).toString(16)}\r\n${"a".repeat(64 * 1024)}\r\n`);
    });
    let out = "";
    s.on("data", (c) => (out += c.toString()));
    s.on("error", () => resolve(out));
    s.on("close", () => resolve(out));
    setTimeout(() => reject(new Error("no answer")), 5000).unref();
  });
  assert.match(chunked, /^HTTP\/1\.1 413/);
});

test("unknown and missing keys get 401s that both SDKs surface as AuthenticationError", async () => {
  const e1 = await new OpenAI({ apiKey: "moat-sk-unknown", baseURL: `${h.gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: "m", messages: [] }).catch((e: unknown) => e);
  assert.ok(e1 instanceof OpenAI.AuthenticationError);
  assert.equal(e1.code, "invalid_api_key");
  const e2 = await new Anthropic({ apiKey: "moat-sk-unknown", baseURL: h.gw.url, maxRetries: 0 }).messages.create({ model: "m", max_tokens: 1, messages: [] }).catch((e: unknown) => e);
  assert.ok(e2 instanceof Anthropic.AuthenticationError);
  const r = await fetch(`${h.gw.url}/v1/messages`, { method: "POST", body: "{}" });
  assert.equal(r.status, 401);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /Missing API key/);
});

test("broken HTTP gets a 400 and a client vanishing mid-stream leaves the gateway serving", async () => {
  const raw = await new Promise<string>((resolve) => {
    const s = net.connect(h.gw.port, "127.0.0.1", () => s.write("GARBAGE\r\n\r\n"));
    let out = "";
    s.on("data", (c) => (out += c.toString()));
    s.on("close", () => resolve(out));
  });
  assert.match(raw, /^HTTP\/1\.1 400/);
  const ac = new AbortController();
  const stream = await new Anthropic({ apiKey: KEY, baseURL: h.gw.url, maxRetries: 0 }).messages.create(
    { model: "m", max_tokens: 3000, thinking: { type: "enabled", budget_tokens: 2000 }, messages: [{ role: "user", content: "x" }], stream: true },
    { signal: ac.signal },
  );
  const it = stream[Symbol.asyncIterator]();
  await it.next();
  ac.abort();
  const ok = await new OpenAI({ apiKey: KEY, baseURL: `${h.gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: "m", messages: [{ role: "user", content: "still there?" }] });
  assert.equal(ok.choices[0]?.message.content, "The answer is 391.");
  const health = await h.admin<{ status: string }>("GET", "/admin/health");
  assert.equal(health.body.status, "ok");
});

test("an unreachable upstream gets a 502 in the API's format, and the exchange is still logged", async () => {
  const dead = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, extra: { upstreams: { anthropic: { url: "http://127.0.0.1:9", apiKey: "k" } } } });
  try {
    const e = await new Anthropic({ apiKey: KEY, baseURL: dead.gw.url, maxRetries: 0 }).messages.create({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }).catch((x: unknown) => x);
    assert.ok(e instanceof Anthropic.APIError);
    assert.equal(e.status, 502);
    assert.equal(dead.log.at(-1)?.status, 502);
    const o = await fetch(`${dead.gw.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY}` }, body: "{}" });
    assert.equal(o.status, 404, "no OpenAI upstream configured on this gateway");
  } finally {
    await dead.close();
  }
});

/** An upstream on a raw socket: `answer` gets each connection once the request's headers are in. */
async function rawUpstream(answer: (s: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    let buf = "";
    s.on("data", (c: Buffer) => {
      buf += c.toString("latin1");
      if (buf.includes("\r\n\r\n")) {
        buf = "";
        answer(s);
      }
    });
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test("an upstream that never answers gets a 502 after the upstream timeout, and the exchange is logged", async () => {
  const silent = await rawUpstream(() => undefined);
  const g = await startHarness({
    detection: new Engine({ enricher: new MemoryEnricher() }),
    keys: { [KEY]: { account_id: "acct_m" } },
    extra: { upstreams: { anthropic: { url: silent.url, apiKey: "k" } }, limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 1000 } },
  });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 502);
    const b = (await r.json()) as { error: { type: string } };
    assert.equal(b.error.type, "api_error");
    assert.equal(g.log.at(-1)?.status, 502);
    const health = await g.admin<{ upstreams: { anthropic: boolean }; upstream_errors: number }>("GET", "/admin/health");
    assert.equal(health.body.upstreams.anthropic, true, "configured");
    assert.equal(health.body.upstream_errors, 1, "and failing: health shows it");
  } finally {
    await g.close();
    await silent.close();
  }
});

test("an upstream that dies mid-stream cuts the client's stream, and the exchange is logged with its status", async () => {
  const dying = await rawUpstream((s) => {
    s.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
    const ev = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":0}}}\n\n';
    s.write(`${Buffer.byteLength(ev).toString(16)}\r\n${ev}\r\n`, () => setTimeout(() => s.destroy(), 50));
  });
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, extra: { upstreams: { anthropic: { url: dying.url, apiKey: "k" } } } });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 5, stream: true, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 200);
    const read = await r.text().then(
      () => "complete",
      () => "cut",
    );
    assert.equal(read, "cut");
    // The log line is written when the relay gives up; give the event loop a turn to get there.
    for (let i = 0; i < 50 && g.log.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(g.log.at(-1)?.status, 200);
  } finally {
    await g.close();
    await dying.close();
  }
});

// A relay that never resumes would hang here: fail after 30 s instead.
test("a large answer is relayed whole through the client's backpressure (pause and resume)", { timeout: 30_000 }, async () => {
  const size = 4 * 1024 * 1024;
  const text = "x".repeat(size - 64);
  const body = Buffer.from(JSON.stringify({ id: "msg_big", type: "message", role: "assistant", content: [{ type: "text", text }] }).padEnd(size, " "));
  const big = await rawUpstream((s) => {
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    s.write(body);
  });
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, extra: { upstreams: { anthropic: { url: big.url, apiKey: "k" } } } });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 200);
    // Read slowly at first, so moat's writes to the client fill up and it must pause the upstream.
    const reader = r.body!.getReader();
    let got = 0;
    for (let i = 0; ; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
      if (i < 20) await new Promise((res) => setTimeout(res, 10));
    }
    assert.equal(got, body.length);
    assert.equal(g.log.at(-1)?.status, 200);
  } finally {
    await g.close();
    await big.close();
  }
});

test("a compressed answer to a degraded request is refused (fail closed); to an allowed one it passes unchanged", async () => {
  const body = gzipSync(JSON.stringify({ type: "message", content: [{ type: "thinking", thinking: "SECRET-THOUGHT" }, { type: "text", text: "hi" }], usage: { input_tokens: 1, output_tokens: 2 } }));
  const gz = await rawUpstream((s) => s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${body.length}\r\n\r\n` + body.toString("latin1"), "latin1"));
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" }, "moat-sk-allowed": { account_id: "acct_ok" } }, extra: { upstreams: { anthropic: { url: gz.url, apiKey: "k" } } } });
  const send = (key: string) =>
    fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json", "accept-encoding": "gzip" }, body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }) });
  try {
    const d = await send("moat-sk-degraded");
    assert.equal(d.status, 502);
    assert.ok(!(await d.text()).includes("SECRET"));
    assert.equal(g.log.at(-1)?.status, 502);
    const ok = await new Promise<{ status: number; encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      const req = http.request(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "moat-sk-allowed", "content-type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: res.headers["content-encoding"], bytes: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end(JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }));
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.encoding, "gzip");
    assert.ok(ok.bytes.equals(body), "an allowed account gets the provider's bytes unchanged");
  } finally {
    await g.close();
    await gz.close();
  }
});

test("headers named in Connection are not forwarded either way, and the provider's reason phrase is kept", async () => {
  let request = "";
  let phrase = "Overloaded";
  const upstream = net.createServer((sock) => {
    let pending = "";
    sock.on("data", (c: Buffer) => {
      request += c.toString("latin1");
      pending += c.toString("latin1");
      if (!pending.includes("\r\n\r\n")) return;
      // Each request's head and small body arrive together here: answer once per head.
      pending = "";
      sock.write(Buffer.from(`HTTP/1.1 529 ${phrase}\r\ncontent-type: application/json\r\nconnection: keep-alive, x-hop\r\nx-hop: drop-me\r\nx-keep: yes\r\ncontent-length: 2\r\n\r\n{}`, "latin1"));
    });
    sock.on("error", () => undefined);
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, extra: { upstreams: { anthropic: { url, apiKey: "k" } } } });
  try {
    const r = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const body = JSON.stringify({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] });
      const req = http.request(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json", connection: "keep-alive, x-client-hop", "x-client-hop": "1", "x-client-keep": "1" } }, resolve);
      req.on("error", reject);
      req.end(body);
    });
    r.resume();
    assert.equal(r.statusCode, 529);
    assert.equal(r.statusMessage, "Overloaded");
    assert.equal(r.headers["x-hop"], undefined, "a response header named in Connection stays on the provider's hop");
    assert.equal(r.headers["x-keep"], "yes");
    assert.match(request, /x-client-keep: 1/i);
    assert.doesNotMatch(request, /x-client-hop/i, "a request header named in Connection stays on the client's hop");
    // A reason phrase Node cannot write (not printable ASCII) is replaced by the default one, not a reset connection.
    phrase = "Überlastet";
    const r2 = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r2.status, 529);
    assert.equal(await r2.text(), "{}");
  } finally {
    await g.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});

test("a gzip hidden behind a first 'content-encoding: identity' line still fails closed for a degraded request", async () => {
  const body = gzipSync(JSON.stringify({ type: "message", content: [{ type: "thinking", thinking: "SECRET-THOUGHT" }, { type: "text", text: "hi" }] }));
  const up = await rawUpstream((s) => s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: identity\r\ncontent-encoding: gzip\r\ncontent-length: ${body.length}\r\n\r\n` + body.toString("latin1"), "latin1"));
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "moat-sk-degraded", "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 502);
    assert.ok(!(await r.text()).includes("SECRET"));
  } finally {
    await g.close();
    await up.close();
  }
});

test("a degraded request's JSON answer that does not parse becomes a 502, and one that parses goes out whole with its length", async () => {
  let answer = '{"type":"message","content":[{"type":"thinking","thinking":"SECRET-THOUGHT"},{"type":"text","text":"hi"}';
  const up = await rawUpstream((s) => s.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer)}\r\nconnection: close\r\n\r\n${answer}`));
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  const send = () => fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "moat-sk-degraded", "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }) });
  try {
    // Cut short: not JSON. Before, the client got a 200 with an empty body.
    const bad = await send();
    assert.equal(bad.status, 502);
    const badBody = await bad.text();
    assert.match(badBody, /"type":"api_error"/);
    assert.ok(!badBody.includes("SECRET"));
    assert.equal(g.log.at(-1)?.status, 502, "the log line says what the client got");
    answer += "]}";
    const good = await send();
    assert.equal(good.status, 200);
    const text = await good.text();
    assert.equal(good.headers.get("content-length"), String(Buffer.byteLength(text)));
    assert.deepEqual(JSON.parse(text), { type: "message", content: [{ type: "text", text: "hi" }] });
  } finally {
    await g.close();
    await up.close();
  }
});

test("a successful answer to a degraded request in a form the taps cannot read (text/plain) fails closed", async () => {
  let upstreamClosed = 0;
  const up = await rawUpstream((s) => {
    s.on("close", () => upstreamClosed++);
    // The head, then a body that does not end: only a dropped call frees this connection.
    s.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000000\r\n\r\n<think>SECRET</think>");
  });
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" }, "moat-sk-allowed": { account_id: "acct_ok" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  const send = (key: string) => fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }) });
  try {
    const d = await send("moat-sk-degraded");
    assert.equal(d.status, 502);
    assert.ok(!(await d.text()).includes("SECRET"));
    for (let i = 0; i < 100 && upstreamClosed === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(upstreamClosed, 1, "the upstream call was dropped, not drained");
    const ok = await send("moat-sk-allowed");
    assert.equal(ok.status, 200, "an allowed account gets it as sent");
    const reader = ok.body!.getReader();
    const first = await reader.read();
    assert.match(Buffer.from(first.value ?? new Uint8Array()).toString(), /<think>SECRET/);
    await reader.cancel();
  } finally {
    await g.close();
    await up.close();
  }
});

test("a client that stops reading is cut off after the upstream idle timeout, and the upstream call with it", { timeout: 30_000 }, async () => {
  const body = Buffer.alloc(16 * 1024 * 1024, 0x61);
  let upstreamClosed = false;
  const big = await rawUpstream((s) => {
    s.on("close", () => (upstreamClosed = true));
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${body.length}\r\n\r\n`);
    s.write(body);
  });
  const g = await startHarness({
    detection: new Engine({ enricher: new MemoryEnricher() }),
    keys: { [KEY]: { account_id: "acct_m" } },
    extra: { upstreams: { anthropic: { url: big.url, apiKey: "k" } }, limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 1000 } },
  });
  try {
    let client: http.ClientRequest | null = null;
    const headers = await new Promise<number>((resolve, reject) => {
      client = http.request({ host: "127.0.0.1", port: g.gw.port, path: "/v1/messages", method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" } }, (res) => {
        res.pause(); // read the head, then nothing
        res.on("error", () => undefined);
        resolve(res.statusCode ?? 0);
      });
      client.on("error", () => undefined);
      client.end(JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }));
      setTimeout(() => reject(new Error("no answer head")), 10_000).unref();
    });
    assert.equal(headers, 200);
    // The client holds its connection open and reads nothing; moat gives up on it (and on the upstream) by itself.
    const stalledCount = async () => {
      const m = await fetch(`${g.gw.url}/admin/metrics`, { headers: { authorization: "Bearer admin-token-for-tests-0123456789" } }).then((r) => r.text());
      return Number(/^moat_bad_requests_total\{reason="stalled_reader"\} (\d+)$/m.exec(m)?.[1] ?? 0);
    };
    let n = 0;
    for (let i = 0; i < 200 && (n === 0 || !upstreamClosed); i++) {
      await new Promise((r) => setTimeout(r, 50));
      n = await stalledCount();
    }
    (client as http.ClientRequest | null)?.destroy();
    assert.equal(n, 1);
    assert.equal(g.log.at(-1)?.status, 200, "the exchange is logged");
    for (let i = 0; i < 50 && !upstreamClosed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(upstreamClosed, true, "the upstream connection was given up too");
  } finally {
    await g.close();
    await big.close();
  }
});

test("one account cannot hold more requests in flight than its cap; others are served meanwhile", { timeout: 30_000 }, async () => {
  const held: net.Socket[] = [];
  const slow = await rawUpstream((s) => void held.push(s)); // never answers until released
  const g = await startHarness({
    detection: new Engine({ enricher: new MemoryEnricher() }),
    keys: { [KEY]: { account_id: "acct_m" }, "moat-sk-other-0001": { account_id: "acct_other" } },
    extra: { upstreams: { anthropic: { url: slow.url, apiKey: "k" } }, limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 20_000, maxConcurrentPerAccount: 3 } },
  });
  const send = (key: string) =>
    fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }) });
  try {
    const pending = [send(KEY), send(KEY), send(KEY)];
    for (let i = 0; i < 100 && held.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(held.length, 3);
    const fourth = await send(KEY);
    assert.equal(fourth.status, 429);
    assert.match(((await fourth.json()) as { error: { message: string } }).error.message, /Too many requests in flight/);
    const other = send("moat-sk-other-0001");
    for (let i = 0; i < 100 && held.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(held.length, 4, "another account still reaches the upstream");
    for (const s of held) s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
    assert.deepEqual((await Promise.all([...pending, other])).map((r) => r.status), [200, 200, 200, 200]);
    assert.equal((await send(KEY)).status !== 429, true, "the slots are given back when the answers end");
  } finally {
    for (const s of held) s.destroy();
    await g.close();
    await slow.close();
  }
});

test("a decision log that cannot be written does not fail requests; the failures are counted", async () => {
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, failingDecisionLog: true });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 200);
    const m = await fetch(`${g.gw.url}/admin/metrics`, { headers: { authorization: "Bearer admin-token-for-tests-0123456789" } }).then((x) => x.text());
    assert.match(m, /^moat_decision_log_errors_total 1$/m);
  } finally {
    await g.close();
  }
});

test("a state store that fails on an admin override answers 500 and the gateway keeps serving", async () => {
  class FullDisk extends MemoryStateStore {
    full = false;
    override put(ns: string, key: string, value: unknown): void {
      if (this.full) throw new Error("could not write to state file: EFBIG");
      super.put(ns, key, value);
    }
  }
  const store = new FullDisk();
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, store });
  try {
    store.full = true;
    const r = await g.admin<{ error: { message: string } }>("POST", "/admin/overrides", { target: "account", id: "acct_m", action: "block" });
    assert.equal(r.status, 500);
    assert.match(JSON.stringify(r.body), /not recorded.*EFBIG/);
    store.full = false;
    const ok = await fetch(`${g.gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] }) });
    assert.equal(ok.status, 200, "still up");
  } finally {
    await g.close();
  }
});

test("requests pipelined behind an unanswered one give their in-flight slots back when the connection drops", { timeout: 30_000 }, async () => {
  const held: net.Socket[] = [];
  const slow = await rawUpstream((s) => void held.push(s));
  const g = await startHarness({ detection: new Engine({ enricher: new MemoryEnricher() }), keys: { [KEY]: { account_id: "acct_m" } }, extra: { upstreams: { anthropic: { url: slow.url, apiKey: "k" } } } });
  try {
    const body = JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    const one = `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const sock = net.connect(g.gw.port, "127.0.0.1");
    await new Promise<void>((r) => sock.once("connect", () => r()));
    sock.on("error", () => undefined);
    sock.write(one.repeat(4));
    for (let i = 0; i < 100 && held.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok((g.gw.ctx.inflight.get("acct_m") ?? 0) >= 1);
    sock.destroy();
    for (let i = 0; i < 100 && g.gw.ctx.inflight.has("acct_m"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(g.gw.ctx.inflight.get("acct_m"), undefined, "no slot is left taken");
  } finally {
    for (const s of held) s.destroy();
    await g.close();
    await slow.close();
  }
});

test("a client slower than requestTimeoutMs gets a 408 and is cut off; headers over Node's limit get a 431", async () => {
  const g = await startHarness({ detection: new ScriptedDetection(), keys: { [KEY]: { account_id: "acct_slow" } }, extra: { limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 30_000, requestTimeoutMs: 1000 } } });
  const raw = async (text: string): Promise<string> => {
    const s = net.connect(g.gw.port, "127.0.0.1");
    await once(s, "connect");
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString()));
    s.write(text);
    await once(s, "close", { signal: AbortSignal.timeout(15_000) });
    return out;
  };
  try {
    // Four of the hundred declared bytes, then nothing.
    const slow = await raw(`POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"mo`);
    assert.match(slow, /^HTTP\/1\.1 408 /);
    const big = await raw(`GET /v1/models HTTP/1.1\r\nhost: x\r\nx-junk: ${"a".repeat(20_000)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    const m = (await g.admin<string>("GET", "/admin/metrics")).body;
    assert.match(m, /moat_bad_requests_total\{reason="request_timeout"\} 1/);
    assert.match(m, /moat_bad_requests_total\{reason="headers_too_large"\} 1/);
  } finally {
    await g.close();
  }
});

test("a degraded JSON answer that passes its bound gets its 502 at once, even if the provider never ends it", async () => {
  let upstreamClosed = false;
  const up = await rawUpstream((s) => {
    s.on("close", () => (upstreamClosed = true));
    s.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
    const mib = " ".repeat(1024 * 1024);
    for (let i = 0; i < 34; i++) s.write(`${mib.length.toString(16)}\r\n${mib}\r\n`);
    // ...and never the last chunk.
  });
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "moat-sk-degraded", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(r.status, 502);
    assert.match(await r.text(), /"type":"api_error"/);
    for (let i = 0; i < 200 && !upstreamClosed; i++) await new Promise((res) => setTimeout(res, 10));
    assert.ok(upstreamClosed, "the upstream call was dropped");
  } finally {
    await g.close();
    await up.close();
  }
});

test("a client that leaves while a degraded answer's head is held is not counted as a 502 nor blamed on the provider", async () => {
  let sent: () => void = () => undefined;
  const partSent = new Promise<void>((r) => (sent = r));
  const up = await rawUpstream((s) => {
    s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"type":"message"', () => sent());
  });
  const det = new ScriptedDetection();
  det.set("acct_deg", { verdict: "extraction", score: 0.8 });
  const g = await startHarness({ detection: det, keys: { "moat-sk-degraded": { account_id: "acct_deg" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  try {
    const ac = new AbortController();
    const pending = fetch(`${g.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "moat-sk-degraded", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await partSent;
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await pending;
    for (let i = 0; i < 200 && g.log.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(g.log.length, 1);
    const m = (await g.admin<string>("GET", "/admin/metrics")).body;
    assert.doesNotMatch(m, /moat_upstream_errors_total\{reason="reset"\} [1-9]/);
    assert.doesNotMatch(m, /moat_responses_total\{code="502"\} [1-9]/);
  } finally {
    await g.close();
    await up.close();
  }
});

test("a pipelined request that times out behind a stream does not write its 408 into that stream", async () => {
  const up = await rawUpstream((s) => {
    s.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
    let i = 0;
    const t = setInterval(() => {
      const ev = `event: ping\ndata: {"type":"ping","i":${i}}\n\n`;
      if (!s.writable) return clearInterval(t);
      s.write(`${Buffer.byteLength(ev).toString(16)}\r\n${ev}\r\n`);
      if (++i === 10) {
        clearInterval(t);
        s.end("0\r\n\r\n");
      }
    }, 300);
  });
  const g = await startHarness({
    detection: new ScriptedDetection(),
    keys: { [KEY]: { account_id: "acct_pipe" } },
    extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } }, limits: { maxBodyBytes: 256 * 1024, upstreamTimeoutMs: 30_000, requestTimeoutMs: 1000 } },
  });
  try {
    const s = net.connect(g.gw.port, "127.0.0.1");
    await once(s, "connect");
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString()));
    const body = '{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const head = `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\n`;
    // The stream, then a second request whose body never comes in full.
    s.write(`${head}content-length: ${body.length}\r\n\r\n${body}${head}content-length: 100\r\n\r\n{"mo`);
    await once(s, "close", { signal: AbortSignal.timeout(15_000) });
    assert.match(out, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(out, /HTTP\/1\.1 408/, "no status line inside the first answer's body");
  } finally {
    await g.close();
    await up.close();
  }
});

test("a client that leaves mid-stream: the log line keeps the usage read so far", async () => {
  const up = await rawUpstream((s) => {
    const ev = `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "m1", type: "message", role: "assistant", content: [], usage: { input_tokens: 21, output_tokens: 1 } } })}\n\n`;
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${Buffer.byteLength(ev).toString(16)}\r\n${ev}\r\n`);
    // ...then nothing more.
  });
  const g = await startHarness({ detection: new ScriptedDetection(), keys: { [KEY]: { account_id: "acct_gone" } }, extra: { upstreams: { anthropic: { url: up.url, apiKey: "k" } } } });
  try {
    const r = await fetch(`${g.gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const reader = r.body!.getReader();
    assert.match(Buffer.from((await reader.read()).value ?? new Uint8Array()).toString(), /message_start/);
    await reader.cancel();
    for (let i = 0; i < 200 && g.log.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(g.log.length, 1);
    assert.equal(g.log[0]?.input_tokens, 21);
    assert.equal(g.log[0]?.status, 200);
  } finally {
    await g.close();
    await up.close();
  }
});
