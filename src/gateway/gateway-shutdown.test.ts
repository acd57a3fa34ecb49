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
import { ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";

const KEY = "moat-sk-shutdown-1";

/** An OpenAI-shaped upstream whose stream sends one event, then waits for `release()` to send the rest. */
async function slowUpstream(): Promise<{ url: string; release: () => void; close: () => Promise<void> }> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ev = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(ev("first "));
    void gate.then(() => res.end(ev("second") + "data: [DONE]\n\n"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => release(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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
