import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../cli/user-error.ts";
import { PRESETS } from "./presets.ts";
import { loadScenarioFile, parseScenario, ScenarioError } from "./scenario.ts";
import { resolveScenario } from "./run-simulate.ts";

const minimal = {
  name: "t",
  start: "2026-04-22T00:00:00Z",
  days: 1,
  personas: [{ kind: "casual", accounts: 10 }],
  campaigns: [{ name: "h", accounts: 5, infra: { kind: "residential_proxy" } }],
};

test("every preset is a valid scenario with defaults filled in", () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    const s = parseScenario(preset, name);
    assert.equal(s.name, name);
    assert.ok(s.personas.length >= 7, `${name} has every persona`);
    assert.ok(s.campaigns.length >= 4, `${name} has the four campaign styles`);
  }
});

test("seed-scale matches the reported campaign: 25,000 attack accounts over 45 days among 250,000 legitimate ones", () => {
  const s = parseScenario(PRESETS["seed-scale"]);
  assert.equal(s.days, 45);
  assert.equal(s.campaigns.reduce((n, c) => n + c.accounts, 0), 25_000);
  assert.ok(s.personas.reduce((n, p) => n + p.accounts, 0) >= 250_000);
  const attackExchanges = s.campaigns.reduce((n, c) => n + c.accounts * c.rate * (c.days ?? s.days), 0);
  assert.ok(Math.abs(attackExchanges - 28.8e6) / 28.8e6 < 0.05, `attack exchanges planned: ${attackExchanges}`);
});

test("errors name the exact path that is wrong", () => {
  const bad = { ...minimal, campaigns: [minimal.campaigns[0], { name: "x", accounts: 0, infra: { kind: "satellite" } }] };
  assert.throws(
    () => parseScenario(bad, "s.yaml"),
    (e: unknown) => {
      assert.ok(e instanceof ScenarioError);
      assert.ok(e.problems.includes("campaigns[1].accounts: must be > 0"), e.message);
      assert.ok(e.problems.some((p) => p.startsWith("campaigns[1].infra.kind: must be one of")), e.message);
      return true;
    },
  );
  assert.throws(() => parseScenario({ ...minimal, personas: [{ kind: "robot", accounts: 1 }] }), /personas\[0\]\.kind: must be one of "casual"/);
  assert.throws(() => parseScenario({ ...minimal, days: "three" }), /days: expected number, got string/);
  assert.throws(() => parseScenario({ ...minimal, surprise: 1 }), /\(scenario\): unknown field\(s\) "surprise"/);
  assert.throws(() => parseScenario({ ...minimal, start: "yesterday" }), /start: must be an RFC 3339 date-time/);
});

test("scenario files load from YAML and JSON; unknown names and unreadable files are user errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "moat-scn-"));
  try {
    await writeFile(join(dir, "s.yaml"), "name: t\nstart: 2026-04-22T00:00:00Z\ndays: 2\npersonas:\n  - kind: developer\n    accounts: 3\n");
    const y = await loadScenarioFile(join(dir, "s.yaml"));
    assert.equal(y.days, 2);
    assert.equal(y.personas[0]?.kind, "developer");
    await writeFile(join(dir, "s.json"), JSON.stringify(minimal));
    assert.equal((await resolveScenario(join(dir, "s.json"))).campaigns[0]?.rate, 25);
    await writeFile(join(dir, "broken.yaml"), "name: [unclosed\n");
    await assert.rejects(loadScenarioFile(join(dir, "broken.yaml")), (e: unknown) => e instanceof UserError && /not valid YAML/.test(e.message));
    await assert.rejects(resolveScenario("nonsense"), (e: unknown) => e instanceof UserError && /quick, realistic, seed-scale/.test(e.message));
    await assert.rejects(resolveScenario(join(dir, "nope.yaml")), (e: unknown) => e instanceof UserError && /cannot read scenario file/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the example scenario file in the repository is valid", async () => {
  const s = await loadScenarioFile(new URL("./examples/adaptive-attack.yaml", import.meta.url).pathname);
  assert.equal(s.campaigns.length, 2);
  assert.equal(s.campaigns[1]?.infra.rotate, "session");
});
