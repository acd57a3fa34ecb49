/**
 * `moat serve` as a real child process: exchanges and decisions survive `kill -9`. The gateway is
 * killed without warning after serving traffic and taking an admin override; the restarted process
 * replays the traffic log (every exchange served before the kill is there), keeps the override and
 * the standing decisions, and keeps blocking.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startUpstreamStub, type UpstreamStub } from "./testing/upstream-stub.ts";
import { listTrafficLogFiles } from "../stores/traffic-log.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const ADMIN = "restart-test-admin-token-000000";
const dir = mkdtempSync(join(tmpdir(), "moat-restart-"));
let stub: UpstreamStub;
const children: ChildProcess[] = [];

before(async () => {
  stub = await startUpstreamStub({ openaiKey: "sk-provider" });
  writeFileSync(
    join(dir, "moat.yaml"),
    `listen: { host: 127.0.0.1, port: 0 }
mode: enforce
upstreams:
  openai: { url: "${stub.url}", apiKey: sk-provider }
keys:
  moat-sk-a-00000: { account_id: acct_a }
  moat-sk-b-00000: { account_id: acct_b }
admin: { token: ${ADMIN} }
dataDir: data
`,
  );
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `moat serve` and resolves with its URL and what it said about the replay. */
function startServe(): Promise<{ child: ChildProcess; url: string; banner: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/moat.mjs"), "serve", "-c", join(dir, "moat.yaml")], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+) .*$/m.exec(err);
      if (m?.[1]) resolve({ child, url: m[1], banner: m[0] });
    });
    child.on("exit", (code) => reject(new Error(`moat serve exited ${code}: ${err}`)));
  });
}

type AdminBody = Record<string, unknown> & { decision?: { action?: string }; override?: { updatedBy?: string } };
const admin = async (url: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", "x-moat-actor": "analyst:kim" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: r.status, body: (await r.json()) as AdminBody };
};

test("after kill -9 and restart, no logged exchange, override or standing decision is lost", async () => {
  const first = await startServe();
  const a = new OpenAI({ apiKey: "moat-sk-a-00000", baseURL: `${first.url}/v1`, maxRetries: 0 });
  const b = new OpenAI({ apiKey: "moat-sk-b-00000", baseURL: `${first.url}/v1`, maxRetries: 0 });
  for (let i = 0; i < 5; i++) await a.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: `question ${i}` }] });
  for (let i = 0; i < 3; i++) await b.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: `hello ${i}` }] });
  assert.equal((await admin(first.url, "POST", "/admin/overrides", { target: "account", id: "acct_b", action: "block", note: "abuse report" })).status, 200);
  const blocked = await b.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "again" }] }).catch((e: unknown) => e);
  assert.ok(blocked instanceof OpenAI.PermissionDeniedError);

  first.child.kill("SIGKILL");
  await new Promise((r) => first.child.once("exit", r));

  const lines = listTrafficLogFiles(join(dir, "data", "traffic")).flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l !== ""));
  assert.equal(lines.length, 9, "5 + 3 served exchanges and 1 blocked attempt are all on disk");

  const second = await startServe();
  assert.match(second.banner, /replayed 9 exchanges/);
  const acctA = await admin(second.url, "GET", "/admin/accounts/acct_a");
  assert.equal(acctA.body["exchanges"], 5, "the engine was rebuilt from the log");
  assert.equal(acctA.body["decision"]?.["action"], "allow");
  const acctB = await admin(second.url, "GET", "/admin/accounts/acct_b");
  assert.equal(acctB.body["decision"]?.["action"], "block");
  assert.equal(acctB.body["override"]?.["updatedBy"], "analyst:kim");
  const b2 = new OpenAI({ apiKey: "moat-sk-b-00000", baseURL: `${second.url}/v1`, maxRetries: 0 });
  const still = await b2.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "after restart" }] }).catch((e: unknown) => e);
  assert.ok(still instanceof OpenAI.PermissionDeniedError, "the block survived the crash");
  const audit = await admin(second.url, "GET", "/admin/audit");
  assert.ok((audit.body["audit"] as Array<{ action: string }>).some((x) => x.action === "block"));
  second.child.kill("SIGTERM");
  await new Promise((r) => second.child.once("exit", r));
});

/** Runs `moat serve` to its end; resolves with its exit code and what it printed on stderr. */
function runToEnd(child: ChildProcess): Promise<{ code: number | null; err: string }> {
  let err = "";
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, err })));
}

test("SIGTERM stops moat serve cleanly (exit 0), and a bad config is a user error (message, exit 2, no stack trace)", async () => {
  const s = await startServe();
  const ended = runToEnd(s.child);
  const c = new OpenAI({ apiKey: "moat-sk-a-00000", baseURL: `${s.url}/v1`, maxRetries: 0 });
  const r = await c.chat.completions.create({ model: "gpt-stub", messages: [{ role: "user", content: "before stopping" }] });
  assert.equal(r.object, "chat.completion");
  s.child.kill("SIGTERM");
  const { code, err } = await ended;
  assert.equal(code, 0, `clean exit after SIGTERM: ${err}`);
  assert.match(err, /moat serve: stopped/);
  writeFileSync(join(dir, "bad.yaml"), "listen: { port: 99999 }\n");
  const bad = spawn(process.execPath, [join(ROOT, "bin/moat.mjs"), "serve", "-c", join(dir, "bad.yaml")], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  children.push(bad);
  const out = await runToEnd(bad);
  assert.equal(out.code, 2, out.err);
  assert.match(out.err, /moat: .*port/);
  assert.doesNotMatch(out.err, /at .*\.ts:\d+/, "no stack trace for a user error");
});
