/**
 * Contract §1: one API exchange per line. The zod schema is the single definition of what a valid
 * event is; `parseEvent` is the edge function every reader calls on a decoded JSON value.
 */
import { z } from "zod";
import type { TimedEvent, TrafficEvent } from "../core/model/traffic.ts";
import { parseTimestamp, timestampSchema } from "./timestamp.ts";

const optionalString = () => z.string().exactOptional();

/**
 * The traffic event schema. Unknown extra fields are allowed and kept (`looseObject`), so a gateway
 * can log more than the contract names. `ip` is typed as a string only: an address moat cannot parse
 * is still an exchange worth counting (the enricher classes it `unknown`), not a bad line.
 */
export const trafficEventSchema = z
  .looseObject({
    ts: timestampSchema.describe("when the request arrived (RFC 3339; UTC with ms preferred)"),
    account_id: z.string().min(1).describe("the billing account the API key belongs to"),
    request_id: optionalString(),
    api_key_id: optionalString(),
    org_id: optionalString(),
    ip: optionalString().describe("client address as seen by the gateway (IPv4 or IPv6)"),
    user_agent: optionalString(),
    endpoint: optionalString().describe("/v1/messages, /v1/chat/completions, or another endpoint"),
    model: optionalString(),
    request: z
      .record(z.string(), z.unknown())
      .exactOptional()
      .describe("the JSON body the client sent, unchanged (Anthropic Messages or OpenAI Chat Completions shape)"),
    prompt: optionalString().describe("plain prompt text, for logs that do not keep the body"),
    status: z.int().exactOptional(),
    input_tokens: z.int().exactOptional(),
    output_tokens: z.int().exactOptional(),
    latency_ms: z.number().exactOptional(),
  })
  .refine((e) => e.request !== undefined || e.prompt !== undefined, {
    message: "at least one of `request` and `prompt` is required",
    path: ["request"],
  })
  .meta({ title: "moat traffic event", description: "One API exchange (contract §1). At least one of `request` and `prompt`." });

/** What each optional field of the contract must be; the fast path in `parseEvent` checks exactly these. */
const OPTIONAL_FIELDS: ReadonlyArray<readonly [string, "string" | "int" | "number" | "object"]> = [
  ["request_id", "string"],
  ["api_key_id", "string"],
  ["org_id", "string"],
  ["ip", "string"],
  ["user_agent", "string"],
  ["endpoint", "string"],
  ["model", "string"],
  ["request", "object"],
  ["prompt", "string"],
  ["status", "int"],
  ["input_tokens", "int"],
  ["output_tokens", "int"],
  ["latency_ms", "number"],
];

/** Every field the contract names (the rest of a line is kept as it is). */
export const EVENT_FIELDS: readonly string[] = Object.keys(trafficEventSchema.shape);

type Assignable<A extends B, B> = A;
/** Compile-time proof that whatever the schema accepts is a `TrafficEvent`. */
export type ParsedTrafficEvent = Assignable<z.output<typeof trafficEventSchema>, TrafficEvent>;

/** Result of validating one decoded line. `reason` is a stable code counted in ingest stats. */
export type EventParse = { readonly ok: true; readonly value: TimedEvent } | { readonly ok: false; readonly reason: string };

/**
 * Validate one decoded JSON value as a traffic event and parse its time once.
 *
 * Optional fields set to `null` are read as absent (many log shippers write `null` for a missing
 * value; losing the exchange over that would be worse than the leniency). Reason codes:
 * `not_object`, `missing_ts`, `missing_account_id`, `bad_ts`, `no_request_or_prompt`, `bad_field:<name>`.
 */
export function parseEvent(value: unknown): EventParse {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not_object" };
  const obj = value as Record<string, unknown>;
  if (obj.ts === undefined || obj.ts === null) return { ok: false, reason: "missing_ts" };
  if (obj.account_id === undefined || obj.account_id === null || obj.account_id === "") {
    return { ok: false, reason: "missing_account_id" };
  }
  if (typeof obj.ts !== "string") return { ok: false, reason: "bad_ts" };
  if (typeof obj.account_id !== "string") return { ok: false, reason: "bad_field:account_id" };
  const t = parseTimestamp(obj.ts);
  if (t === null) return { ok: false, reason: "bad_ts" };
  // Hand-written rather than `trafficEventSchema.safeParse`: this runs once per line and zod's copy of
  // the object doubled the cost of reading a log. `event.test.ts` checks both agree on every fixture.
  for (const [key, kind] of OPTIONAL_FIELDS) {
    const v = obj[key];
    if (v === undefined) continue;
    if (v === null) {
      delete obj[key];
      continue;
    }
    if (!hasKind(v, kind)) return { ok: false, reason: `bad_field:${key}` };
  }
  if (obj.request === undefined && obj.prompt === undefined) return { ok: false, reason: "no_request_or_prompt" };
  return { ok: true, value: { t, event: obj as unknown as TrafficEvent } };
}

function hasKind(v: unknown, kind: "string" | "int" | "number" | "object"): boolean {
  switch (kind) {
    case "string":
      return typeof v === "string";
    case "int":
      return Number.isSafeInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
  }
}
