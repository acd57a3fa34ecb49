import { test } from "node:test";
import assert from "node:assert/strict";
import { clientIp, clientKey, familyOf } from "./request-info.ts";

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
