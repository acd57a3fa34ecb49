/**
 * Contract §2: one account per line. As with events, the zod schema is the specification (and the
 * source of `schemas/account.schema.json`); `parseAccount` is the edge check readers call per line.
 */
import { z } from "zod";
import type { AccountRecord } from "../core/model/traffic.ts";
import { parseTimestamp, timestampSchema } from "./timestamp.ts";

/** ISO 3166-1 alpha-2; lower case is accepted because many exports write it that way. */
const COUNTRY = /^[A-Za-z]{2}$/;

/** The account schema. Unknown extra fields are allowed and kept. */
export const accountRecordSchema = z
  .looseObject({
    account_id: z.string().min(1),
    created_at: timestampSchema.exactOptional().describe("sign-up time (RFC 3339)"),
    email: z.string().exactOptional().describe("sign-up e-mail; or email_domain + email_hash where the raw address is not kept"),
    email_domain: z.string().exactOptional(),
    email_hash: z.string().exactOptional(),
    country: z.string().regex(COUNTRY).exactOptional().describe("declared country, ISO 3166-1 alpha-2"),
    payment_fingerprint: z.string().exactOptional(),
    org_id: z.string().exactOptional(),
    verified: z.boolean().exactOptional(),
    signup_ip: z.string().exactOptional(),
    tier: z.string().exactOptional().describe("plan or program: standard, education, enterprise, scale, ..."),
  })
  .meta({ title: "moat account", description: "One account (contract §2)." });

type Assignable<A extends B, B> = A;
/** Compile-time proof that whatever the schema accepts is an `AccountRecord`. */
export type ParsedAccountRecord = Assignable<z.output<typeof accountRecordSchema>, AccountRecord>;

const STRING_FIELDS = ["email", "email_domain", "email_hash", "payment_fingerprint", "org_id", "signup_ip", "tier"] as const;

/** Result of validating one decoded account line. */
export type AccountParse = { readonly ok: true; readonly value: AccountRecord } | { readonly ok: false; readonly reason: string };

/**
 * Validate one decoded JSON value as an account. Optional fields set to `null` are read as absent.
 * Reason codes: `not_object`, `missing_account_id`, `bad_field:<name>`.
 */
export function parseAccount(value: unknown): AccountParse {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not_object" };
  const obj = value as Record<string, unknown>;
  if (obj.account_id === undefined || obj.account_id === null || obj.account_id === "") {
    return { ok: false, reason: "missing_account_id" };
  }
  if (typeof obj.account_id !== "string") return { ok: false, reason: "bad_field:account_id" };
  for (const key of [...STRING_FIELDS, "created_at", "country", "verified"]) {
    if (obj[key] === null) delete obj[key];
  }
  for (const key of STRING_FIELDS) {
    if (obj[key] !== undefined && typeof obj[key] !== "string") return { ok: false, reason: `bad_field:${key}` };
  }
  if (obj.created_at !== undefined && (typeof obj.created_at !== "string" || parseTimestamp(obj.created_at) === null)) {
    return { ok: false, reason: "bad_field:created_at" };
  }
  if (obj.country !== undefined && (typeof obj.country !== "string" || !COUNTRY.test(obj.country))) {
    return { ok: false, reason: "bad_field:country" };
  }
  if (obj.verified !== undefined && typeof obj.verified !== "boolean") return { ok: false, reason: "bad_field:verified" };
  return { ok: true, value: obj as unknown as AccountRecord };
}
