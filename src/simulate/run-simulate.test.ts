import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAccount, parseEvent } from "../contracts/index.ts";
import { runSimulate } from "./run-simulate.ts";

const scenario = (dir: string) => join(dir, "s.json");

async function writeScenario(dir: string): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(
    scenario(dir),
    JSON.stringify({
      name: "tiny",
      start: "2026-04-22T00:00:00Z",
      days: 1,
      models: { new_model: { name: "claude-sonnet-5", release_day: 0.3 } },
      noise: { out_of_order: 0.02, bad_lines: 7 },
      personas: [
        { kind: "casual", accounts: 150 },
        { kind: "developer", accounts: 30 },
        { kind: "student", accounts: 12, deadline_day: 0.8 },
        { kind: "enterprise", accounts: 20 },
        { kind: "saas", accounts: 1, rate: 800 },
        { kind: "privacy", accounts: 15 },
        { kind: "benchmark", accounts: 1, problems_per_run: 100, runs_per_account: 1, run_hours: [1, 2] },
      ],
      campaigns: [
        { name: "hydra", accounts: 40, infra: { kind: "residential_proxy" }, waves: true, cot_languages: ["en", "zh"] },
        { name: "slow", accounts: 5, rate: 15, infra: { kind: "home" }, lifecycle: { signup: "aged" }, payment: { mode: "unique" } },
      ],
    }),
  );
}

test("writes events, accounts and labels that follow the contracts, with bad lines counted and labels for every account", async () => {
  const dir = await mkdtemp(join(tmpdir(), "moat-sim-"));
  try {
    await writeScenario(dir);
    const s = await runSimulate({ scenario: scenario(dir), out: join(dir, "out"), seed: 3 });
    const labels = JSON.parse(await readFile(s.files.labels, "utf8")) as Record<string, string>;
    const lines = (await readFile(s.files.events, "utf8")).split("\n").filter((l) => l !== "");
    let good = 0;
    let bad = 0;
    let outOfOrder = 0;
    let maxLate = 0;
    let maxT = 0;
    const groupsSeen = new Set<string>();
    for (const line of lines) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad++;
        continue;
      }
      const p = parseEvent(value);
      if (!p.ok) {
        bad++;
        continue;
      }
      good++;
      const label = labels[p.value.event.account_id];
      assert.ok(label !== undefined, `account ${p.value.event.account_id} has a label`);
      groupsSeen.add(label);
      if (p.value.t < maxT) {
        outOfOrder++;
        maxLate = Math.max(maxLate, maxT - p.value.t);
      }
      maxT = Math.max(maxT, p.value.t);
    }
    assert.equal(good, s.events);
    assert.equal(bad, 7);
    assert.equal(s.badLines, 7);
    // A small share written late (several gateways), never by more than the 5 minutes the simulator allows.
    assert.ok(outOfOrder > 0 && outOfOrder / good < 0.05, `out of order: ${outOfOrder} of ${good}`);
    assert.ok(maxLate <= 300_000);
    for (const g of ["benign:casual", "benign:developer", "benign:student", "benign:enterprise", "benign:saas", "benign:privacy", "benign:benchmark", "attack:hydra", "attack:slow"]) {
      assert.ok(groupsSeen.has(g), `${g} sent traffic`);
    }
    const accounts = (await readFile(s.files.accounts, "utf8")).split("\n").filter((l) => l !== "");
    assert.equal(accounts.length, Object.keys(labels).length);
    for (const a of accounts) assert.equal(parseAccount(JSON.parse(a)).ok, true);
    assert.equal(s.groups["attack:hydra"]?.accounts, 40);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the same seed writes identical files, another seed different ones, and --gzip the same content compressed", async () => {
  const dir = await mkdtemp(join(tmpdir(), "moat-sim-"));
  try {
    await writeScenario(dir);
    const a = await runSimulate({ scenario: scenario(dir), out: join(dir, "a"), seed: 9 });
    const b = await runSimulate({ scenario: scenario(dir), out: join(dir, "b"), seed: 9, gzip: true });
    const c = await runSimulate({ scenario: scenario(dir), out: join(dir, "c"), seed: 10 });
    const ea = await readFile(a.files.events);
    assert.ok(b.files.events.endsWith(".jsonl.gz"));
    assert.ok(gunzipSync(await readFile(b.files.events)).equals(ea));
    assert.equal(await readFile(a.files.labels, "utf8"), await readFile(b.files.labels, "utf8"));
    assert.notEqual((await readFile(c.files.events)).toString("utf8"), ea.toString("utf8"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
