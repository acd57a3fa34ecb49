import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScan } from "./run-scan.ts";
import { runSimulate } from "../simulate/index.ts";
import { runEval } from "../eval/index.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { createEnricher } from "../enrich/index.ts";
import { UserError } from "../cli/user-error.ts";

const now = (): Date => new Date("2026-05-01T00:00:00.000Z");
const dir = mkdtempSync(join(tmpdir(), "moat-scan-test-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("end to end on simulated traffic: campaigns caught, no legitimate account at extraction", async () => {
  const out = join(dir, "sim");
  const sim = await runSimulate({ scenario: "quick", out, seed: 3, scale: 0.2, progress: null });
  const { report } = await runScan({ events: [sim.files.events], accounts: sim.files.accounts, enricher: createEnricher(), now });
  const result = await runEval({ report, labels: sim.files.labels, events: [sim.files.events] });
  const moat = result.overall.moat;
  assert.ok((moat.recall ?? 0) >= 0.8, `recall ${moat.recall}`);
  assert.equal(moat.falsePositives, 0, "legitimate accounts at extraction");
  assert.ok(report.campaigns.length >= 1, "a campaign is reported");
  assert.equal(report.input.bad_lines, sim.badLines, "every bad line the simulator wrote is counted");
});

const CORPUS = new URL("../../../shared/data/corpus", import.meta.url).pathname;

test("end to end on real corpus prompts: no legitimate account at extraction", { skip: existsSync(CORPUS) ? false : "../shared/data/corpus is absent (fresh clone): nothing to test against" }, async () => {
  const out = join(dir, "sim-corpus");
  const sim = await runSimulate({ scenario: "quick", out, seed: 1, scale: 0.3, corpus: CORPUS, progress: null });
  const { report } = await runScan({ events: [sim.files.events], accounts: sim.files.accounts, enricher: createEnricher(), now });
  const result = await runEval({ report, labels: sim.files.labels, events: [sim.files.events] });
  assert.equal(result.overall.moat.falsePositives, 0, "legitimate accounts at extraction");
  assert.ok((result.overall.moat.recall ?? 0) >= 0.8, `recall ${result.overall.moat.recall}`);
});

test("reading and analysing on a worker thread gives the very same report as in-process", async () => {
  const out = join(dir, "sim-worker");
  const sim = await runSimulate({ scenario: "quick", out, seed: 5, scale: 0.1, progress: null });
  const opts = { events: [sim.files.events], accounts: sim.files.accounts, enricher: createEnricher(), now };
  const inProcess = await runScan(opts);
  const threaded = await runScan({ ...opts, analyseInWorker: true });
  assert.ok(inProcess.report.accounts.length > 0);
  assert.deepEqual(threaded.report, inProcess.report);
  assert.equal(threaded.stats.events, inProcess.stats.events);
});

test("a missing file is reported before the worker starts", async () => {
  await assert.rejects(runScan({ events: [join(dir, "gone.jsonl")], enricher: new MemoryEnricher(), now, analyseInWorker: true }), (e: unknown) => e instanceof UserError && e.message.includes("gone.jsonl"));
});

test("bad input is counted and reported, the rest is processed", async () => {
  const p = join(dir, "mixed.jsonl");
  const good = (i: number): string => JSON.stringify({ ts: `2026-04-22T00:0${i}:00.000Z`, account_id: `a${i}`, prompt: "Think step by step: what is 2+2?" });
  writeFileSync(p, [good(1), "not json at all", '{"ts":"2026-04-22T00:02:00Z","account_id":"a2","prompt":"trunc', good(3), '{"account_id":"a4","prompt":"no ts"}', "\u0000\u0001\u0002binary\u00ff", '{"ts":"yesterday","account_id":"a5","prompt":"x"}', good(6), ""].join("\n"));
  const { report } = await runScan({ events: [p], enricher: new MemoryEnricher(), now, all: true });
  assert.equal(report.input.events, 3);
  assert.equal(report.input.bad_lines, 5);
  assert.equal(report.accounts.length, 3);
  const reasons = report.input.bad_line_reasons ?? {};
  assert.equal(Object.values(reasons).reduce((s, n) => s + n, 0), 5);
});

test("a missing file is a user error that names the file", async () => {
  await assert.rejects(runScan({ events: [join(dir, "nope.jsonl")], enricher: new MemoryEnricher(), now }), (e: unknown) => e instanceof UserError && e.message.includes("nope.jsonl"));
});

test("an empty log is a user error, not an empty report", async () => {
  const p = join(dir, "empty.jsonl");
  writeFileSync(p, "");
  await assert.rejects(runScan({ events: [p], enricher: new MemoryEnricher(), now }), (e: unknown) => e instanceof UserError && /no events/.test(e.message));
});
