import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, keyIdOf, loadGatewayConfig, resolveGatewayConfig } from "./config.ts";

const minimal = {
  upstreams: { openai: { url: "https://api.openai.com", apiKeyEnv: "OPENAI_API_KEY" } },
  keys: { "moat-sk-12345678": { account_id: "acct_1", org_id: "org_1" } },
  admin: { tokenEnv: "MOAT_ADMIN_TOKEN" },
};
const env = { OPENAI_API_KEY: "sk-real", MOAT_ADMIN_TOKEN: "0123456789abcdef0123" };

test("a minimal config resolves with shadow mode and secrets from the environment", () => {
  const c = resolveGatewayConfig(minimal, "/srv/moat", env);
  assert.equal(c.mode, "shadow");
  assert.equal(c.upstreams.openai?.apiKey, "sk-real");
  assert.equal(c.upstreams.anthropic, null);
  assert.equal(c.adminToken, env.MOAT_ADMIN_TOKEN);
  assert.equal(c.dataDir, "/srv/moat/.moat");
  assert.deepEqual(c.keys.get("moat-sk-12345678"), { accountId: "acct_1", orgId: "org_1", keyId: keyIdOf("moat-sk-12345678") });
  assert.ok(!keyIdOf("moat-sk-12345678").includes("moat-sk"), "the key id does not contain the key");
});

test("config problems are reported together, each with its path and what to do", () => {
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, mode: "loud", upstreams: { openai: { url: "https://api.openai.com/v1", apiKey: "k" } }, keys: {} }, "/x", env),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /config\.mode/);
      assert.match(e.message, /config\.upstreams\.openai\.url: give the origin without \/v1/);
      return true;
    },
  );
  assert.throws(() => resolveGatewayConfig(minimal, "/x", {}), /OPENAI_API_KEY is not set/);
  assert.throws(() => resolveGatewayConfig({ ...minimal, keys: {} }, "/x", env), /no moat API keys configured/);
  assert.throws(() => resolveGatewayConfig({ ...minimal, upstreams: {} }, "/x", env), /at least one of `anthropic` or `openai`/);
});

test("keys can come from a keys file and YAML config files load relative to themselves", () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-config-"));
  try {
    writeFileSync(join(dir, "keys.yaml"), "moat-sk-from-file-1: { account_id: acct_f }\n");
    writeFileSync(
      join(dir, "moat.yaml"),
      "upstreams: { anthropic: { url: 'http://127.0.0.1:1', apiKey: k } }\nkeysFile: keys.yaml\nadmin: { token: 0123456789abcdef01 }\npolicy: policy.yaml\n",
    );
    const c = loadGatewayConfig(join(dir, "moat.yaml"), {});
    assert.equal(c.keys.get("moat-sk-from-file-1")?.accountId, "acct_f");
    assert.equal(c.policyFile, join(dir, "policy.yaml"));
    writeFileSync(join(dir, "bad.yaml"), "upstreams: [\n");
    assert.throws(() => loadGatewayConfig(join(dir, "bad.yaml"), {}), /not valid YAML/);
    assert.throws(() => loadGatewayConfig(join(dir, "missing.yaml"), {}), /cannot read .*Check the path/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an upstream URL without a scheme, a bad trusted proxy or a bad pass-through entry is a config error, not a crash", () => {
  const check = (over: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () => resolveGatewayConfig({ ...minimal, ...over }, "/x", env),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  check({ upstreams: { openai: { url: "api.openai.com", apiKey: "k" } } }, /config\.upstreams\.openai\.url: must be an http\(s\) URL/);
  check({ trustedProxies: ["10.0.0.0/8", "lb.internal"] }, /config\.trustedProxies: "lb.internal" is not an IP address/);
  check({ passThrough: ["GET v1/models"] }, /config\.passThrough\[0\]: an entry is an optional method and a path/);
  const c = resolveGatewayConfig({ ...minimal, trustedProxies: ["10.0.0.0/8"], passThrough: ["POST /v1/files"] }, "/x", env);
  assert.equal(c.trustedProxies.has("10.1.2.3"), true);
  assert.equal(c.passThrough.allows("POST", "/v1/files"), true);
  assert.equal(c.passThrough.allows("GET", "/v1/models"), false);
});

test("messages say what is wrong: short keys, secrets written as $VAR, and a keys file with or without a keys: wrapper", () => {
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, keys: { short: { account_id: "a" } } }, "/x", env),
    /config\.keys\.short: bad key: moat keys must be at least 8 characters/,
  );
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, upstreams: { openai: { url: "https://api.openai.com", apiKey: "$OPENAI_API_KEY" } } }, "/x", env),
    /config\.upstreams\.openai\.apiKey: looks like an environment variable.*apiKeyEnv/,
  );
  const dir = mkdtempSync(join(tmpdir(), "moat-config-"));
  try {
    writeFileSync(join(dir, "wrapped.yaml"), "keys:\n  moat-sk-wrapped-1: { account_id: acct_w }\n");
    const c = resolveGatewayConfig({ ...minimal, keysFile: "wrapped.yaml" }, dir, env);
    assert.equal(c.keys.get("moat-sk-wrapped-1")?.accountId, "acct_w");
    writeFileSync(join(dir, "short.yaml"), "abc: { account_id: a }\n");
    assert.throws(
      () => resolveGatewayConfig({ ...minimal, keys: {}, keysFile: "short.yaml" }, dir, env),
      (e: unknown) => e instanceof ConfigError && /bad key: moat keys must be at least 8/.test(e.message) && !e.message.includes("no moat API keys configured"),
    );
    writeFileSync(join(dir, "bad-keys.yaml"), "moat-sk-bad-entry-1: { account: acct_w }\n");
    assert.throws(
      () => resolveGatewayConfig({ ...minimal, keysFile: "bad-keys.yaml" }, dir, env),
      (e: unknown) => e instanceof ConfigError && e.message.includes("bad-keys.yaml: moat-sk-bad-entry-1") && !e.message.includes("bad-keys.yaml.moat"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the body budgets default to 1 GiB in all and 128 MiB per account, and may not be smaller than what they must hold", () => {
  const c = resolveGatewayConfig(minimal, "/x", env);
  assert.equal(c.maxBufferedBytes, 1024 * 1024 * 1024);
  assert.equal(c.maxBufferedBytesPerAccount, 128 * 1024 * 1024);
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, limits: { maxBodyBytes: 4 * 1024 * 1024, maxBufferedBytesPerAccount: 1024 * 1024 } }, "/x", env),
    /config\.limits\.maxBufferedBytesPerAccount: must be at least limits\.maxBodyBytes \(4194304\)/,
  );
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, limits: { maxBufferedBytes: 64 * 1024 * 1024 } }, "/x", env),
    /config\.limits\.maxBufferedBytes: must be at least limits\.maxBufferedBytesPerAccount/,
  );
});

test("inline reasoning is found by think tags unless an upstream says otherwise, and a wrong mode names the choices", () => {
  assert.equal(resolveGatewayConfig(minimal, "/x", env).upstreams.openai?.inlineReasoning, "think-tags");
  const prefilled = { ...minimal, upstreams: { openai: { url: "http://vllm:8000", apiKey: "k", inlineReasoning: "prefilled" } } };
  assert.equal(resolveGatewayConfig(prefilled, "/x", env).upstreams.openai?.inlineReasoning, "prefilled");
  assert.throws(
    () => resolveGatewayConfig({ ...minimal, upstreams: { openai: { url: "http://vllm:8000", apiKey: "k", inlineReasoning: "r1" } } }, "/x", env),
    (e: unknown) => e instanceof ConfigError && /config\.upstreams\.openai\.inlineReasoning/.test(e.message) && /think-tags/.test(e.message) && /prefilled/.test(e.message),
  );
});

test("the traffic log keeps 30 days by default; 0 keeps every file, and a negative retention is refused", () => {
  assert.equal(resolveGatewayConfig(minimal, "/x", env).trafficLogRetainHours, 720);
  assert.equal(resolveGatewayConfig({ ...minimal, trafficLog: { retainHours: 48 } }, "/x", env).trafficLogRetainHours, 48);
  assert.equal(resolveGatewayConfig({ ...minimal, trafficLog: { retainHours: 0 } }, "/x", env).trafficLogRetainHours, null);
  assert.throws(() => resolveGatewayConfig({ ...minimal, trafficLog: { retainHours: -1 } }, "/x", env), (e: unknown) => e instanceof ConfigError && /config\.trafficLog\.retainHours/.test(e.message));
});

test("the content memo holds 32,768 contents by default; 0 turns it off, and a negative, fractional or huge size is refused", () => {
  assert.equal(resolveGatewayConfig(minimal, "/x", env).contentMemoEntries, 32_768);
  assert.equal(resolveGatewayConfig({ ...minimal, limits: { contentMemoEntries: 0 } }, "/x", env).contentMemoEntries, 0);
  for (const bad of [-1, 2.5, "many", 10_000_000]) {
    assert.throws(() => resolveGatewayConfig({ ...minimal, limits: { contentMemoEntries: bad } } as typeof minimal, "/x", env), (e: unknown) => e instanceof ConfigError && /config\.limits\.contentMemoEntries/.test(e.message));
  }
});

test("the decision log is off by default; true rotates at 256 MiB and keeps 30 days, and both can be set", () => {
  assert.equal(resolveGatewayConfig(minimal, "/x", env).decisionLog, null);
  assert.deepEqual(resolveGatewayConfig({ ...minimal, decisionLog: true }, "/x", env).decisionLog, { maxBytes: 256 * 1024 * 1024, retainHours: 720 });
  assert.deepEqual(resolveGatewayConfig({ ...minimal, decisionLog: { maxBytes: 1 << 20, retainHours: 0 } }, "/x", env).decisionLog, { maxBytes: 1 << 20, retainHours: null });
});

test("the admin API shares the client listener unless admin.listen gives it one, which needs a port", () => {
  assert.equal(resolveGatewayConfig(minimal, "/x", env).adminListen, null);
  const own = { ...minimal, admin: { tokenEnv: "MOAT_ADMIN_TOKEN", listen: { port: 8788 } } };
  assert.deepEqual(resolveGatewayConfig(own, "/x", env).adminListen, { host: "127.0.0.1", port: 8788 });
  assert.throws(() => resolveGatewayConfig({ ...minimal, admin: { tokenEnv: "MOAT_ADMIN_TOKEN", listen: { host: "10.0.0.5" } } }, "/x", env), (e: unknown) => e instanceof ConfigError && /config\.admin\.listen\.port/.test(e.message));
});

test("the admin API's own listener may not take the client listener's port", () => {
  const at = (host: string, listen: { host: string; port: number }) => ({ ...minimal, listen, admin: { tokenEnv: "MOAT_ADMIN_TOKEN", listen: { host, port: 8787 } } });
  for (const [host, listen] of [["127.0.0.1", { host: "127.0.0.1", port: 8787 }], ["10.0.0.5", { host: "0.0.0.0", port: 8787 }], ["::", { host: "127.0.0.1", port: 8787 }]] as const)
    assert.throws(() => resolveGatewayConfig(at(host, listen), "/x", env), (e: unknown) => e instanceof ConfigError && /config\.admin\.listen: .*client listener/.test(e.message), `${host} vs ${listen.host}`);
  assert.equal(resolveGatewayConfig(at("10.0.0.5", { host: "127.0.0.1", port: 8787 }), "/x", env).adminListen?.host, "10.0.0.5", "two addresses may share a port number");
});
