import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { UserError } from "../cli/user-error.ts";
import { readAccounts } from "./read-accounts.ts";

const EXAMPLES = new URL("../../../shared/contracts/examples/accounts.jsonl", import.meta.url).pathname;

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "moat-accounts-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "reads accounts, keeps extra fields, and counts bad and duplicate lines by reason",
  withDir(async (dir) => {
    const p = join(dir, "accounts.jsonl");
    writeFileSync(
      p,
      [
        '{"account_id":"a1","created_at":"2026-04-21T23:50:00Z","email":"x@gmail.com","country":"SG","verified":false,"crm_score":7}',
        '{"account_id":"a2","email_domain":"example.org","email_hash":"b1946ac92492d2347c6235b4d2611184"}',
        '{"account_id":"a1","email":"dup@example.com"}',
        '{"email":"no-id@example.com"}',
        '{"account_id":"a3","verified":"yes"}',
        '{"account_id":"a4","created_at":"last week"}',
        '{"account_id":"a5","country":"Singapore"}',
        "not json",
        "",
        '{"account_id":"a6","org_id":null}',
      ].join("\n"),
    );
    const r = await readAccounts(p);
    assert.deepEqual(
      r.accounts.map((a) => a.account_id),
      ["a1", "a2", "a6"],
    );
    assert.equal((r.accounts[0] as unknown as Record<string, unknown>).crm_score, 7);
    assert.equal(r.accounts[1]?.email, undefined);
    assert.equal(r.accounts[1]?.email_domain, "example.org");
    assert.deepEqual(r.badReasons, {
      duplicate_account_id: 1,
      missing_account_id: 1,
      "bad_field:verified": 1,
      "bad_field:created_at": 1,
      "bad_field:country": 1,
      not_json: 1,
    });
    assert.equal(r.badLines, 6);
  }),
);

test(
  "reads a gzipped accounts file",
  withDir(async (dir) => {
    const p = join(dir, "accounts.jsonl.gz");
    writeFileSync(p, gzipSync('{"account_id":"a1"}\n{"account_id":"a2","tier":"education"}\n'));
    const r = await readAccounts(p);
    assert.deepEqual(
      r.accounts.map((a) => a.tier ?? null),
      [null, "education"],
    );
    assert.equal(r.badLines, 0);
  }),
);

test(
  "refuses a missing accounts file with a UserError",
  withDir(async (dir) => {
    await assert.rejects(readAccounts(join(dir, "missing.jsonl")), (e: unknown) => e instanceof UserError && e.code === "NOT_FOUND");
  }),
);

test("reads the contract's example accounts, including one with only a hashed e-mail", { skip: existsSync(EXAMPLES) ? false : "../shared absent: skipped" }, async () => {
  const r = await readAccounts(EXAMPLES);
  assert.equal(r.accounts.length, 4);
  assert.equal(r.badLines, 0);
  assert.ok(r.accounts.some((a) => a.email === undefined && a.email_hash !== undefined));
});
