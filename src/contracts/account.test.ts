import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { accountRecordSchema, parseAccount } from "./account.ts";

const EXAMPLES = new URL("../../../shared/contracts/examples/accounts.jsonl", import.meta.url).pathname;

const VALID: ReadonlyArray<Record<string, unknown>> = [
  { account_id: "acct_1", created_at: "2026-04-21T23:50:00Z", email: "lihua4821@example-mail.com", country: "SG", payment_fingerprint: "pm_7f3a", verified: false, signup_ip: "203.0.113.9", tier: "standard" },
  { account_id: "acct_2", email_domain: "example.org", email_hash: "b1946ac92492d2347c6235b4d2611184", country: "US", verified: true },
  { account_id: "acct_3", org_id: "org_9", tier: "enterprise", created_at: "2025-06-01T10:00:00.000+02:00", crm_segment: "smb" },
  { account_id: "acct_4" },
];

const INVALID: ReadonlyArray<readonly [unknown, string]> = [
  [[], "not_object"],
  [{ email: "x@y.com" }, "missing_account_id"],
  [{ account_id: 7 }, "bad_field:account_id"],
  [{ account_id: "a", created_at: "2026-04-21" }, "bad_field:created_at"],
  [{ account_id: "a", country: "USA" }, "bad_field:country"],
  [{ account_id: "a", verified: "true" }, "bad_field:verified"],
  [{ account_id: "a", email_hash: 123 }, "bad_field:email_hash"],
];

test("accepts accounts with a raw e-mail, with only a hashed e-mail, with extra fields, or with nothing but an id", () => {
  for (const a of VALID) {
    const r = parseAccount(structuredClone(a));
    assert.ok(r.ok, JSON.stringify(a));
    assert.deepEqual(r.value, a);
    assert.ok(accountRecordSchema.safeParse(a).success, JSON.stringify(a));
  }
});

test("rejects malformed accounts with a reason, agreeing with the zod schema", () => {
  for (const [value, reason] of INVALID) {
    assert.deepEqual(parseAccount(structuredClone(value)), { ok: false, reason });
    assert.equal(accountRecordSchema.safeParse(value).success, false, JSON.stringify(value));
  }
});

test("accepts the contract's example accounts, one of them with only a hashed e-mail", { skip: existsSync(EXAMPLES) ? false : "../shared absent: skipped" }, () => {
  const rows = readFileSync(EXAMPLES, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
  for (const row of rows) {
    assert.ok(accountRecordSchema.safeParse(row).success);
    assert.ok(parseAccount(row).ok);
  }
  assert.ok(rows.some((r) => typeof r === "object" && r !== null && "email_hash" in r && !("email" in r)));
});
