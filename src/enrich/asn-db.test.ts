import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIp } from "../core/ports/memory-enricher.ts";
import { loadAsnDb } from "./asn-db.ts";

const dir = mkdtempSync(join(tmpdir(), "moat-asn-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ip = (s: string) => {
  const p = parseIp(s);
  if (p === null) throw new Error(s);
  return p;
};

test("loads ASN ranges and organisation names from the package's CSV shapes: quoted names, escapes, several ranges per ASN, bad rows skipped", () => {
  const v4 = join(dir, "v4.csv");
  const v6 = join(dir, "v6.csv");
  // start,end as integers; an ASN named once; a quoted name with a comma and an escaped quote; a non-ASCII name; a bad row.
  writeFileSync(
    v4,
    [
      "16777216,16777471,13335,\"Cloudflare, Inc.\"",
      "134744064,134744319,15169,Google LLC",
      "134744320,134744575,15169,Google LLC",
      "167772160,167772415,7,\"The \"\"Quoted\"\" Net\"",
      "not,a,row",
      "3232235520,3232235775,64512,Réseau Éducatif Zürich\r",
      "",
    ].join("\n"),
  );
  writeFileSync(v6, ["2001:db8::,2001:db8::ffff,6939,Hurricane Electric LLC", "2001:db9::,2001:db9::ffff,9,"].join("\n"));
  const db = loadAsnDb({ v4, v6 });
  assert.equal(db.stats.v4, 5);
  assert.equal(db.stats.v6, 2);
  assert.deepEqual(db.lookup(ip("1.0.0.1")), { asn: 13335, org: "Cloudflare, Inc." });
  assert.deepEqual(db.lookup(ip("8.8.8.8")), { asn: 15169, org: "Google LLC" });
  assert.deepEqual(db.lookup(ip("8.8.9.9")), { asn: 15169, org: "Google LLC" });
  // The lowest ASN is the first name in the table (its start offset is 0).
  assert.deepEqual(db.lookup(ip("10.0.0.5")), { asn: 7, org: 'The "Quoted" Net' });
  assert.deepEqual(db.lookup(ip("192.168.0.9")), { asn: 64512, org: "Réseau Éducatif Zürich" });
  assert.deepEqual(db.lookup(ip("2001:db8::1")), { asn: 6939, org: "Hurricane Electric LLC" });
  assert.deepEqual(db.lookup(ip("2001:db9::1")), { asn: 9, org: "" });
  assert.equal(db.lookup(ip("9.9.9.9")), null);
});
