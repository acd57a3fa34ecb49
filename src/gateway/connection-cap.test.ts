/**
 * The connection cap: past limits.maxConnections a new connection is dropped at once and counted, the ones
 * already open keep working, and a freed slot takes a new client. The default follows the process's
 * open-file limit, less what moat needs for itself.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "node:events";
import { ADMIN_TOKEN, ScriptedDetection, startHarness, type Harness } from "./testing/harness.ts";
import { defaultMaxConnections, FALLBACK_MAX_CONNECTIONS, openFilesLimit, RESERVED_FDS } from "./connection-cap.ts";

const KEY = "moat-sk-conn-cap-1";
let h: Harness;
before(async () => {
  h = await startHarness({ detection: new ScriptedDetection(), keys: { [KEY]: { account_id: "acct_a" } }, extra: { limits: { maxConnections: 2 } } });
});
after(async () => {
  await h.close();
});

/** An open connection that has sent nothing; resolves what it received once it closes. */
async function idle(): Promise<{ socket: net.Socket; closed: Promise<string> }> {
  const socket = net.connect(h.gw.port, "127.0.0.1");
  await once(socket, "connect");
  let got = "";
  socket.on("data", (c: Buffer) => (got += c.toString()));
  const closed = new Promise<string>((resolve) => {
    socket.on("close", () => resolve(got));
    socket.on("error", () => undefined);
  });
  return { socket, closed };
}

/** A whole request (connection: close) on `socket`, read to the end: its status line, or "" when the connection was dropped. */
async function request(socket: net.Socket, closed: Promise<string>): Promise<string> {
  const body = JSON.stringify({ model: "claude-stub", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
  socket.write(`POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  return (await closed).split("\r\n")[0] ?? "";
}

test("past maxConnections a new connection is dropped and counted, and the open ones still work", async () => {
  const a = await idle();
  const b = await idle();
  const c = await idle();
  assert.equal(await request(c.socket, c.closed), "", "the third connection is closed without an answer");
  assert.equal(await request(a.socket, a.closed), "HTTP/1.1 200 OK");
  b.socket.write(`GET /admin/metrics HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\nconnection: close\r\n\r\n`);
  assert.match(await b.closed, /^moat_connections_dropped_total 1$/m);
});

test("the default cap is the open-file limit less moat's own needs, read from /proc/<pid>/limits", () => {
  const limits = "Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                1048576              files\n";
  assert.equal(openFilesLimit(limits), 20000);
  assert.equal(defaultMaxConnections(20000), 20000 - RESERVED_FDS);
  assert.equal(defaultMaxConnections(1024), 512, "a limit too small for the reserve is shared half and half");
  assert.equal(defaultMaxConnections(100), 64);
  assert.equal(openFilesLimit("Max open files            unlimited            unlimited            files\n"), null);
  assert.equal(defaultMaxConnections(null), FALLBACK_MAX_CONNECTIONS);
});
