/**
 * Stopping: `close(graceMs)` refuses new connections at once, lets a stream in flight finish, and cuts what is
 * left when `abort()` is called (a second signal) or the grace runs out.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const KEY = "moat-sk-shutdown-1";

/** An OpenAI-shaped upstream whose stream sends one event, then waits for `release()` to send the rest. */
async function slowUpstream(): Promise<{ url: string; release: () => void; arrived: (n: number) => Promise<void>; count: () => number; close: () => Promise<void> }> {
  let release = (): void => undefined;
  let count = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ev = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const server = http.createServer((req, res) => {
    req.resume();
    count++;
    for (const w of waiting) if (count >= w.n) w.resolve();
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(ev("first "));
    void gate.then(() => res.end(ev("second") + "data: [DONE]\n\n"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => release(),
    count: () => count,
    /** Resolves once `n` requests have reached this upstream. */
    arrived: (n: number) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function setUp(): Promise<{ h: Harness; up: Awaited<ReturnType<typeof slowUpstream>> }> {
  const up = await slowUpstream();
  const h = await startHarness({ detection: new ScriptedDetection(), keys: { [KEY]: { account_id: "acct_a" } }, extra: { upstreams: { openai: { url: up.url, apiKey: "sk-up" } } } });
  return { h, up };
}

/** Starts a streaming request; resolves once its first bytes are in, with the text read until the answer ends or is cut. */
async function openStream(h: Harness): Promise<{ done: Promise<{ text: string; complete: boolean }> }> {
  const req = http.request(`${h.gw.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
  req.end(JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }));
  const [res] = (await once(req, "response")) as [http.IncomingMessage];
  let text = "";
  res.setEncoding("utf8");
  res.on("data", (c: string) => (text += c));
  await once(res, "data");
  const done = new Promise<{ text: string; complete: boolean }>((resolve) => {
    res.on("end", () => resolve({ text, complete: true }));
    res.on("error", () => resolve({ text, complete: false }));
    res.on("close", () => resolve({ text, complete: res.complete }));
  });
  return { done };
}

async function refused(port: number): Promise<boolean> {
  const s = net.connect(port, "127.0.0.1");
  return new Promise<boolean>((resolve) => {
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
}

/** Runs `body`, then releases and closes everything whatever it asserted (a failed test must not hang on open servers). */
async function withGateway(body: (h: Harness, up: Awaited<ReturnType<typeof slowUpstream>>) => Promise<void>): Promise<void> {
  const { h, up } = await setUp();
  try {
    await body(h, up);
  } finally {
    h.gw.abort();
    up.release();
    await h.gw.close();
    await h.stub.close();
    await up.close();
  }
}

test("close(graceMs) refuses new connections at once and lets a stream in flight finish", () =>
  withGateway(async (h, up) => {
    const { done } = await openStream(h);
    const closing = h.gw.close(60_000);
    assert.equal(await refused(h.gw.port), true, "no new connections while draining");
    up.release();
    const r = await done;
    assert.equal(r.complete, true);
    assert.match(r.text, /first [^]*second[^]*\[DONE\]/);
    await closing;
    assert.equal(h.log.length, 1, "the exchange was logged");
    assert.equal(h.log[0]?.status, 200);
  }));

test("abort() during a drain cuts what is still in flight, and the cut exchange is logged before close() returns", () =>
  withGateway(async (h) => {
    const { done } = await openStream(h);
    const closing = h.gw.close(60_000);
    h.gw.abort();
    await closing;
    // By the time close() returns the owner closes the traffic log: a line written after that would be lost.
    assert.equal(h.log.length, 1, "the cut exchange is logged before close() returns");
    const r = await done;
    assert.equal(r.complete, false);
    assert.doesNotMatch(r.text, /second/);
  }));

test("a drain does not cut an answer still being written to a slow client (a degraded JSON answer goes out in one piece)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-shutdown-"));
  const policy = join(dir, "policy.yaml");
  writeFileSync(policy, "rules:\n  - name: degrade\n    when: { verdict: [extraction] }\n    action: { type: degrade, maxTokens: 2048 }\n");
  const BODY = JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "x".repeat(8 * 1024 * 1024) }, finish_reason: "stop" }] });
  const up = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  up.listen(0, "127.0.0.1");
  await once(up, "listening");
  const det = new ScriptedDetection();
  det.set("acct_a", { verdict: "extraction", score: 0.8 });
  const h = await startHarness({ detection: det, policyFile: policy, keys: { [KEY]: { account_id: "acct_a" } }, extra: { upstreams: { openai: { url: `http://127.0.0.1:${(up.address() as AddressInfo).port}`, apiKey: "sk" } } } });
  try {
    const req = http.request(`${h.gw.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
    req.end(JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }));
    // The degraded answer's head comes with its body: moat has handed all of it to the socket by now.
    const [res] = (await once(req, "response")) as [http.IncomingMessage];
    res.pause();
    const closing = h.gw.close(60_000);
    let got = 0;
    res.on("data", (c: Buffer) => (got += c.length));
    const complete = await new Promise<boolean>((resolve) => {
      res.on("end", () => resolve(true));
      res.on("close", () => resolve(res.complete));
      res.resume();
    });
    assert.equal(complete, true);
    assert.equal(got, Number(res.headers["content-length"]));
    await closing;
  } finally {
    h.gw.abort();
    await h.gw.close();
    await h.stub.close();
    await new Promise<void>((resolve) => up.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a pipelined exchange queued behind a stream is logged when the connection is cut, before close() returns", () =>
  withGateway(async (h, up) => {
    const body = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });
    const one = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const s = net.connect(h.gw.port, "127.0.0.1");
    s.on("error", () => undefined);
    s.write(one + one);
    await up.arrived(2);
    const closing = h.gw.close(60_000);
    h.gw.abort();
    await closing;
    assert.equal(h.log.length, 2, "both exchanges are logged when close() returns");
    s.destroy();
  }));

/** A raw connection that stays writable after moat ends it (as a client whose request crosses moat's close on the wire). */
function rawClient(h: Harness): { s: net.Socket; text: () => string; ended: Promise<void> } {
  const s = net.connect({ port: h.gw.port, host: "127.0.0.1", allowHalfOpen: true });
  let buf = "";
  s.setEncoding("utf8");
  s.on("data", (c: string) => (buf += c));
  s.on("error", () => undefined);
  return { s, text: () => buf, ended: once(s, "end").then(() => undefined) };
}

const streamRequest = (keepAlive: boolean): string => {
  const body = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] });
  return `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\n${keepAlive ? "" : "connection: close\r\n"}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

test("a pipelined stream already forwarded when the drain starts is answered whole, after the one before it", () =>
  withGateway(async (h, up) => {
    const c = rawClient(h);
    c.s.write(streamRequest(true) + streamRequest(true));
    await up.arrived(2);
    const closing = h.gw.close(60_000);
    up.release();
    // moat ends the connection after the second answer.
    await c.ended;
    c.s.destroy();
    assert.equal(c.text().match(/second/g)?.length, 2, "both answers arrived whole");
    await closing;
    assert.deepEqual(h.log.map((l) => l.status), [200, 200]);
  }));

test("a request that crosses moat's end of an idle connection during a drain is dropped unread, not forwarded", () =>
  withGateway(async (h, up) => {
    up.release();
    const c = rawClient(h);
    c.s.write(streamRequest(true));
    await up.arrived(1);
    // Its answer in full (the chunked body's last chunk), the connection left idle.
    while (!c.text().endsWith("0\r\n\r\n")) await once(c.s, "data");
    const closing = h.gw.close(60_000);
    await c.ended;
    c.s.write(streamRequest(true));
    // moat closes the connection outright: the drain ends without waiting for this client to close its side.
    await closing;
    c.s.destroy();
    assert.equal(up.count(), 1, "the second request never reached the provider");
    assert.equal(h.log.length, 1);
    assert.equal(c.text().match(/HTTP\/1\.1 200/g)?.length, 1);
  }));
