/**
 * `moat serve` start-up mistakes end with one clear message and exit code 2, never a stack trace: a bad
 * upstream URL, a data directory that is a file, a missing accounts file, an empty policy file (all caught by
 * `--check` too), and a port already in use.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "moat-serve-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = (extra: string, url = "http://127.0.0.1:9") =>
  `upstreams:\n  openai: { url: "${url}", apiKey: sk-x }\nkeys:\n  moat-sk-aaaaaaaa: { account_id: a }\nadmin: { token: serve-errors-admin-token-0 }\n${extra}`;

function run(name: string, yaml: string, args: string[] = []): { status: number | null; err: string } {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [join(ROOT, "bin/moat.mjs"), "serve", "-c", file, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, err: r.stderr };
}

const clean = (r: { status: number | null; err: string }, re: RegExp): void => {
  assert.equal(r.status, 2, r.err);
  assert.match(r.err, re);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
};

test("mistakes in paths and files are reported by --check with exit code 2", () => {
  clean(run("url", config("", "api.openai.com"), ["--check"]), /config\.upstreams\.openai\.url: must be an http\(s\) URL/);
  writeFileSync(join(dir, "a-file"), "x");
  clean(run("datadir", config("dataDir: a-file\n"), ["--check"]), /config\.dataDir .*a-file exists and is not a directory/);
  clean(run("accounts", config("accountsFile: nope.jsonl\n"), ["--check"]), /config\.accountsFile .*nope\.jsonl: .*ENOENT.*readable accounts JSONL file/);
  clean(run("accounts-dir", config("accountsFile: .\n"), ["--check"]), /config\.accountsFile .* is not a file/);
  mkdirSync(join(dir, "open-dir"), { mode: 0o777 });
  chmodSync(join(dir, "open-dir"), 0o777);
  const open = run("open", config("dataDir: open-dir\n"), ["--check"]);
  assert.equal(open.status, 0, "a world-writable volume is warned about, not refused");
  assert.match(open.err, /WARNING: config\.dataDir .*open-dir is writable by every user/);
  mkdirSync(join(dir, "linked"), { mode: 0o700 });
  symlinkSync(join(dir, "a-file"), join(dir, "linked", "decisions.jsonl"));
  clean(run("linked", config("dataDir: linked\n"), ["--check"]), /linked\/decisions\.jsonl is a symbolic link/);
  writeFileSync(join(dir, "empty-policy.yaml"), "");
  clean(run("policy", config("policy: empty-policy.yaml\n"), ["--check"]), /no `rules` list/);
});

test("a data directory under a file and a port in use end with one message, not a crash", async () => {
  clean(run("under", config("dataDir: a-file/sub\n")), /config\.dataDir .*a-file\/sub: .*ENOTDIR/);
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const r = await new Promise<{ status: number | null; err: string }>((resolve) => {
      const file = join(dir, "port.yaml");
      writeFileSync(file, config(`dataDir: data-port\nlisten: { host: 127.0.0.1, port: ${port} }\n`));
      const c = spawn(process.execPath, [join(ROOT, "bin/moat.mjs"), "serve", "-c", file], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      c.stderr.on("data", (d: Buffer) => (err += d.toString()));
      c.on("exit", (status) => resolve({ status, err }));
    });
    clean(r, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\): another process uses that port`));
  } finally {
    blocker.close();
  }
});
