import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { parseEvent, trafficEventSchema } from "./event.ts";
import { parseTimestamp, timestampSchema } from "./timestamp.ts";

const EXAMPLES = new URL("../../../shared/contracts/examples/events.jsonl", import.meta.url).pathname;
const skipExamples = existsSync(EXAMPLES) ? false : "../shared/contracts/examples is absent (fresh clone): skipped";

/** Inline fixtures covering the contract's cases, valid ones first. */
const VALID: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  [
    "Anthropic Messages shape with thinking",
    {
      ts: "2026-04-22T00:04:40.527Z",
      account_id: "acct_1",
      ip: "203.0.113.7",
      endpoint: "/v1/messages",
      request: { model: "claude-sonnet-4", max_tokens: 20000, thinking: { type: "enabled", budget_tokens: 16000 }, messages: [{ role: "user", content: "What is 17*23?" }] },
      status: 200,
      input_tokens: 21,
      output_tokens: 2411,
      latency_ms: 18230.5,
    },
  ],
  [
    "OpenAI Chat Completions shape with content blocks over IPv6",
    {
      ts: "2026-04-22T00:05:02.100Z",
      account_id: "acct_2",
      ip: "2001:db8::42",
      endpoint: "/v1/chat/completions",
      request: { model: "gpt-compat-4", messages: [{ role: "user", content: [{ type: "text", text: "Write a haiku." }] }], max_completion_tokens: 256, stream: true },
    },
  ],
  [
    "tool use and tool results",
    {
      ts: "2026-04-22T00:04:59.000Z",
      account_id: "acct_1",
      request: {
        tools: [{ name: "search", input_schema: { type: "object" } }],
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "tu_1", name: "search", input: { q: "Lyon" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "522,250" }] },
        ],
      },
    },
  ],
  ["a prompt-only line without milliseconds", { ts: "2026-04-22T00:06:00Z", account_id: "acct_3", org_id: "org_9", prompt: "Summarize this ticket." }],
  ["a time with an offset and extra fields", { ts: "2026-04-22T02:06:00.5+02:00", account_id: "acct_4", prompt: "x", gateway: "eu-1", trace: { id: 7 } }],
];

const INVALID: ReadonlyArray<readonly [string, unknown, string]> = [
  ["an array", [1, 2], "not_object"],
  ["a string", "hello", "not_object"],
  ["no ts", { account_id: "a", prompt: "x" }, "missing_ts"],
  ["no account", { ts: "2026-04-22T00:06:00Z", prompt: "x" }, "missing_account_id"],
  ["empty account", { ts: "2026-04-22T00:06:00Z", account_id: "", prompt: "x" }, "missing_account_id"],
  ["numeric account", { ts: "2026-04-22T00:06:00Z", account_id: 42, prompt: "x" }, "bad_field:account_id"],
  ["epoch ts", { ts: 1776816360000, account_id: "a", prompt: "x" }, "bad_ts"],
  ["space instead of T", { ts: "2026-04-22 00:06:00Z", account_id: "a", prompt: "x" }, "bad_ts"],
  ["no zone", { ts: "2026-04-22T00:06:00", account_id: "a", prompt: "x" }, "bad_ts"],
  ["no seconds", { ts: "2026-04-22T00:06Z", account_id: "a", prompt: "x" }, "bad_ts"],
  ["February 30", { ts: "2026-02-30T00:00:00Z", account_id: "a", prompt: "x" }, "bad_ts"],
  ["status as text", { ts: "2026-04-22T00:06:00Z", account_id: "a", prompt: "x", status: "200" }, "bad_field:status"],
  ["fractional tokens", { ts: "2026-04-22T00:06:00Z", account_id: "a", prompt: "x", input_tokens: 1.5 }, "bad_field:input_tokens"],
  ["request as a string", { ts: "2026-04-22T00:06:00Z", account_id: "a", request: "{}" }, "bad_field:request"],
  ["ip as a number", { ts: "2026-04-22T00:06:00Z", account_id: "a", prompt: "x", ip: 3232235777 }, "bad_field:ip"],
  ["neither request nor prompt", { ts: "2026-04-22T00:06:00Z", account_id: "a", status: 200 }, "no_request_or_prompt"],
];

test("accepts both API shapes, content blocks, tool use, IPv6, prompt-only lines and offsets, keeping extra fields", () => {
  for (const [name, fixture] of VALID) {
    const r = parseEvent(structuredClone(fixture));
    assert.ok(r.ok, name);
    assert.equal(r.value.t, Date.parse(fixture.ts as string), name);
    assert.deepEqual(r.value.event, fixture, name);
  }
});

test("rejects bad lines with a stable reason code", () => {
  for (const [name, value, reason] of INVALID) {
    const r = parseEvent(structuredClone(value));
    assert.deepEqual(r, { ok: false, reason }, name);
  }
});

test("the fast edge check and the zod schema agree on every fixture", () => {
  for (const [name, value] of [...VALID.map(([n, v]) => [n, v] as const), ...INVALID.map(([n, v]) => [n, v] as const)]) {
    assert.equal(parseEvent(structuredClone(value)).ok, trafficEventSchema.safeParse(value).success, name);
  }
});

test("reads null in an optional field as absent", () => {
  const r = parseEvent({ ts: "2026-04-22T00:06:00Z", account_id: "a", prompt: "x", ip: null, status: null });
  assert.ok(r.ok);
  assert.deepEqual(r.value.event, { ts: "2026-04-22T00:06:00Z", account_id: "a", prompt: "x" });
});

test("parses RFC 3339 with or without milliseconds, Z or offset, exactly as the zod schema does", () => {
  const samples = [
    "2026-04-22T00:04:40.527Z",
    "2026-04-22T00:04:40Z",
    "2026-04-22T02:04:40+02:00",
    "2026-04-21T19:04:40.123456-05:00",
    "2024-02-29T00:00:00Z",
    "2026-04-22T00:04:40",
    "2026-04-22t00:04:40z",
    "2025-02-29T00:00:00Z",
    "2026-04-22T24:00:00Z",
    "yesterday",
  ];
  for (const s of samples) assert.equal(parseTimestamp(s) !== null, timestampSchema.safeParse(s).success, s);
  assert.equal(parseTimestamp("2026-04-22T02:04:40+02:00"), Date.parse("2026-04-22T00:04:40Z"));
  assert.equal(parseTimestamp("2026-04-21T19:04:40.123456-05:00"), Date.parse("2026-04-22T00:04:40.123Z"));
});

test("a line out of time order is still a valid event: ordering is the reader's job", () => {
  const later = parseEvent({ ts: "2026-04-22T00:05:02.100Z", account_id: "a", prompt: "x" });
  const earlier = parseEvent({ ts: "2026-04-22T00:04:59.000Z", account_id: "a", prompt: "y" });
  assert.ok(later.ok && earlier.ok);
  assert.ok(earlier.value.t < later.value.t);
});

test("accepts every line of the contract's example log, out-of-order line included", { skip: skipExamples }, () => {
  const lines = readFileSync(EXAMPLES, "utf8").split("\n").filter((l) => l.trim() !== "");
  assert.ok(lines.length >= 5);
  const times = lines.map((l) => {
    const value: unknown = JSON.parse(l);
    assert.ok(trafficEventSchema.safeParse(value).success, l);
    const r = parseEvent(value);
    assert.ok(r.ok, l);
    return r.value.t;
  });
  assert.ok(times.some((t, i) => i > 0 && t < (times[i - 1] as number)), "the examples include a line out of time order");
});

test("formatTimestamp gives the canonical form, the same for repeated and for new times", async () => {
  const { formatTimestamp } = await import("./timestamp.ts");
  for (const t of [0, 1776816280527, 1776816280527, 1776816280528, 1776816280527, -1]) assert.equal(formatTimestamp(t), new Date(t).toISOString());
});
