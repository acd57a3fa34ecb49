import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../cli/user-error.ts";
import { createEnricher } from "./index.ts";

// One enricher for the file: the ASN table loads once per process.
const enricher = createEnricher();

test("classes well-known cloud addresses as hosting with their ASN and organisation", () => {
  const google = enricher.ip("8.8.8.8");
  assert.deepEqual({ ...google, asnOrg: google.asnOrg?.startsWith("Google") }, { prefix: "8.8.8.0/24", asn: 15169, asnOrg: true, netClass: "hosting" });
  assert.equal(enricher.ip("2a01:4f8::1").asn, 24940);
  assert.equal(enricher.ip("2a01:4f8::1").netClass, "hosting");
  assert.equal(enricher.ip("2a01:4f8:c17:1::2").prefix, "2a01:4f8:c17::/48");
});

test("classes a consumer ISP address as residential", () => {
  const comcast = enricher.ip("73.162.10.5");
  assert.equal(comcast.asn, 7922);
  assert.equal(comcast.netClass, "residential");
});

test("classes VPN-provider ASNs as vpn", () => {
  // 185.159.157.0/24 is announced by Proton AG (AS209103) in the packaged data.
  const proton = enricher.ip("185.159.157.1");
  assert.equal(proton.asn, 209103);
  assert.equal(proton.netClass, "vpn");
});

test("classes private, loopback, CGNAT and documentation ranges as private, without an ASN", () => {
  for (const a of ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "100.64.1.1", "192.0.2.200", "198.51.100.23", "203.0.113.7", "::1", "2001:db8::42", "fd12:3456::1"]) {
    const info = enricher.ip(a);
    assert.equal(info.netClass, "private", a);
    assert.equal(info.asn, null, a);
  }
  assert.equal(enricher.ip("172.32.0.1").netClass === "private", false);
});

test("keeps an unparsable address as its own prefix with class unknown", () => {
  assert.deepEqual(enricher.ip("unknown"), { prefix: "unknown", asn: null, asnOrg: null, netClass: "unknown" });
});

test("classes caller-supplied Tor exits and CIDR lists ahead of the ASN lists", () => {
  const dir = mkdtempSync(join(tmpdir(), "moat-enrich-"));
  try {
    const vpnFile = join(dir, "vpn.txt");
    writeFileSync(vpnFile, "# my VPN list\n73.162.0.0/16\nAS7922 # a whole ASN\n");
    const e = createEnricher({ torExitIps: new Set(["8.8.4.4"]), listFiles: { vpn: [vpnFile] }, cidrs: { hosting: ["2001:4860::/32"] } });
    assert.equal(e.ip("8.8.4.4").netClass, "tor");
    assert.equal(e.ip("8.8.8.8").netClass, "hosting");
    assert.equal(e.ip("73.162.10.5").netClass, "vpn");
    assert.equal(e.ip("24.0.0.1").netClass, "vpn"); // another Comcast range, through AS7922
    assert.equal(e.ip("2001:4860:4860::8888").netClass, "hosting");
    writeFileSync(vpnFile, "1.2.3.0/24\nnot-a-cidr\n");
    assert.throws(
      () => createEnricher({ listFiles: { vpn: [vpnFile] } }),
      (err: unknown) => err instanceof UserError && /listFiles\.vpn\[0\] .* line 2: "not-a-cidr"/.test(err.message),
    );
    assert.throws(() => createEnricher({ cidrs: { tor: ["10.0.0.0/33"] } }), /cidrs\.tor\[0\]/);
    assert.throws(() => createEnricher({ listFiles: { hosting: [join(dir, "missing.txt")] } }), /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without the ASN database every public address is unknown but keeps its prefix", () => {
  const e = createEnricher({ asnDatabase: false });
  assert.deepEqual(e.ip("8.8.8.8"), { prefix: "8.8.8.0/24", asn: null, asnOrg: null, netClass: "unknown" });
});
