import { test } from "node:test";
import assert from "node:assert/strict";
import { ambiguousPath, clientIp, clientKey, DEFAULT_PASS_THROUGH, familyOf, normalisePath, PassThroughRules, TrustedProxies } from "./request-info.ts";

test("the API family comes from the path, then from how the client authenticates", () => {
  assert.equal(familyOf("/v1/messages/count_tokens", {}), "anthropic");
  assert.equal(familyOf("/v1/chat/completions", { "x-api-key": "k" }), "openai");
  assert.equal(familyOf("/v1/models", { "anthropic-version": "2023-06-01" }), "anthropic");
  assert.equal(familyOf("/v1/models", { authorization: "Bearer k" }), "openai");
});

test("the moat key is read from x-api-key or a bearer token", () => {
  assert.equal(clientKey({ "x-api-key": "moat-1" }), "moat-1");
  assert.equal(clientKey({ authorization: "Bearer  moat-2 " }), "moat-2");
  assert.equal(clientKey({ authorization: "Basic abc" }), null);
  assert.equal(clientKey({}), null);
});

test("X-Forwarded-For is believed only from a trusted proxy, and only its rightmost untrusted hop", () => {
  const trusted = new Set(["10.0.0.1"]);
  assert.equal(clientIp("::ffff:203.0.113.9", { "x-forwarded-for": "1.2.3.4" }, trusted), "203.0.113.9");
  assert.equal(clientIp("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" }, trusted), "198.51.100.7");
  assert.equal(clientIp("10.0.0.1", { "x-forwarded-for": "198.51.100.7, 10.0.0.1" }, trusted), "198.51.100.7");
  assert.equal(clientIp("10.0.0.1", {}, trusted), "10.0.0.1");
});

test("trusted proxies may be given as CIDR ranges (IPv4 and IPv6); malformed entries are reported", () => {
  const t = new TrustedProxies(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
  assert.deepEqual(t.problems, []);
  assert.equal(clientIp("10.20.30.40", { "x-forwarded-for": "203.0.113.7" }, t), "203.0.113.7");
  assert.equal(clientIp("::ffff:10.1.1.1", { "x-forwarded-for": "203.0.113.8, 10.9.9.9" }, t), "203.0.113.8");
  assert.equal(clientIp("fd12::1", { "x-forwarded-for": "2001:db8::5" }, t), "2001:db8::5");
  assert.equal(clientIp("11.0.0.1", { "x-forwarded-for": "203.0.113.7" }, t), "11.0.0.1", "outside every range: the header is not believed");
  assert.equal(clientIp("192.168.1.8", { "x-forwarded-for": "203.0.113.7" }, t), "192.168.1.8");
  const bad = new TrustedProxies(["10.0.0.0/33", "lb.internal", "10.0.0.1"]);
  assert.equal(bad.problems.length, 2);
  assert.match(bad.problems.join("\n"), /prefix length/);
  assert.match(bad.problems.join("\n"), /"lb.internal" is not an IP address/);
});

test("paths are normalised before they are classified, and pass-through rules match methods, paths and prefixes", () => {
  assert.equal(normalisePath("/v1/chat/completions/"), "/v1/chat/completions");
  assert.equal(normalisePath("//v1//messages"), "/v1/messages");
  assert.equal(normalisePath("/"), "/");
  assert.equal(normalisePath("//"), "/");
  const r = new PassThroughRules(DEFAULT_PASS_THROUGH);
  assert.equal(r.allows("GET", "/v1/models"), true);
  assert.equal(r.allows("GET", "/v1/models/claude-x"), true);
  assert.equal(r.allows("POST", "/v1/models"), false);
  assert.equal(r.allows("POST", "/v1/messages/count_tokens"), true);
  assert.equal(r.allows("POST", "/v1/responses"), false);
  assert.equal(r.allows("POST", "/v1/messages/batches"), false);
  const any = new PassThroughRules(["/v1/files/*"]);
  assert.equal(any.allows("DELETE", "/v1/files/f_1"), true);
  assert.equal(any.allows("GET", "/v1/files"), false);
});

test("an IPv4-mapped CIDR entry means its IPv4 range, and an IPv6 range that holds every IPv4 address is refused", () => {
  const t = new TrustedProxies(["::ffff:10.0.0.0/8", "::ffff:192.168.0.0/112", "::ffff:172.16.0.9"]);
  assert.deepEqual(t.problems, []);
  assert.equal(t.has("10.1.2.3"), true);
  assert.equal(t.has("192.168.7.7"), true);
  assert.equal(t.has("172.16.0.9"), true);
  assert.equal(t.has("8.8.8.8"), false, "::ffff:10.0.0.0/8 read as IPv6 would be ::/8, which holds every IPv4 client");
  assert.equal(t.has("::1"), false);
  const wide = new TrustedProxies(["::/0", "::ffff:0:0/90", "::ffff:10.0.0.0/64", "0.0.0.0/0", "::ffff:0:0/96", "::ffff:0.0.0.0/96", "0:0:0:0:0:ffff:0:0/96"]);
  assert.equal(wide.problems.length, 7, wide.problems.join("\n"));
  assert.equal(wide.has("8.8.8.8"), false);
  // A quarter of IPv4 or more, alone or together, is refused too, in any spelling of the mapped space.
  const halves = new TrustedProxies(["0.0.0.0/1", "10.0.0.0/8", "::ffff:128.0.0.0/97"]);
  assert.equal(halves.problems.length, 1, halves.problems.join("\n"));
  assert.match(halves.problems[0]!, /"0\.0\.0\.0\/1", "::ffff:128\.0\.0\.0\/97" with the other entries hold 4,294,967,296 IPv4 addresses together/);
  for (const wide of [
    ["::ffff:0:0/97", "::ffff:8000:0/97"],
    ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"],
    ["0.0.0.0/2"],
    Array.from({ length: 64 }, (_, i) => `${i * 4}.0.0.0/6`),
  ])
    assert.equal(new TrustedProxies(wide).problems.length, 1, wide.join(" "));
  // The same for IPv6: a quarter of the global unicast space, alone or together.
  for (const wide of [["2000::/3"], ["2000::/5", "2800::/5"], ["2000::/4", "3000::/4"]]) {
    const t6 = new TrustedProxies(wide);
    assert.equal(t6.problems.length, 1, wide.join(" "));
    assert.match(t6.problems[0]!, /2\^123 IPv6 addresses or more/);
  }
  assert.deepEqual(new TrustedProxies(["2000::/6", "2001:db8::/32", "fd00::/8"]).problems, []);
  // Many narrow ranges that add up are named as a whole; an entry with a zone is refused, never thrown.
  const many = new TrustedProxies(Array.from({ length: 2048 }, (_, i) => `${(0x2000 + i).toString(16)}::/16`));
  assert.equal(many.problems.length, 1);
  assert.match(many.problems[0]!, /^these entries hold 2\^123 IPv6 addresses or more together/);
  const zoned = new TrustedProxies(["55e0:a6b2:5190:4b8e:a8d1:837:243.217.186.152%1", "fe80::1%eth0"]);
  assert.equal(zoned.problems.length, 2);
  assert.match(zoned.problems[0]!, /has a zone/);
  // What load balancers really use passes: private ranges, carrier NAT, a cloud's health-check ranges, addresses.
  assert.deepEqual(new TrustedProxies(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "35.191.0.0/16", "130.211.0.0/22", "203.0.113.7", "::ffff:198.51.100.0/120", "fd00::/8"]).problems, []);
});

test("paths a server further on could resolve into another path are recognised", () => {
  for (const p of ["/v1/models/../files", "/v1/models/./x", "/v1/models/%2e%2e/messages/batches", "/v1/models/..%2Ffiles", "/v1/models/x%5C..", "/v1\\models", "/..", "/v1/batches/..", "/v1/models/..;/files", "/v1/models/%252e%252e/files", "/v1/models/..%00/files", "/v1/models/..%20/files", "/v1/models/%EF%BC%8E%EF%BC%8E/files", "/v1/models/%E0%A4%A"])
    assert.equal(ambiguousPath(p), true, p);
  for (const p of ["/v1/models/gpt-4.1", "/v1/models/ft%3Agpt-4o%3Aacme", "/v1/chat/completions", "/v1/models/claude-3.5...x"]) assert.equal(ambiguousPath(p), false, p);
});

test("an X-Forwarded-For hop that is not an address is never taken for the client", () => {
  const t = new TrustedProxies(["10.0.0.0/8"]);
  assert.equal(clientIp("10.0.0.1", { "x-forwarded-for": "anything-at-all" }, t), "10.0.0.1");
  assert.equal(clientIp("10.0.0.1", { "x-forwarded-for": "203.0.113.5, not-an-ip, 10.0.0.9" }, t), "10.0.0.9");
});
