import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../cli/user-error.ts";
import { formatEvalTable } from "./format-table.ts";
import { runEval } from "./run-eval.ts";

const report = (accounts: unknown[]) => ({
  moat_report_version: 1,
  generated_at: "2026-04-23T00:00:00.000Z",
  input: { events: 0, accounts: 0, bad_lines: 0, from: null, to: null },
  accounts,
  campaigns: [],
});

async function fixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "moat-eval-"));
  const lines: string[] = [];
  // Two attack accounts (6 exchanges each, hourly), three benign accounts (2 each); one line out of order, one bad line.
  for (let h = 0; h < 6; h++) {
    for (const a of ["atk1", "atk2"]) {
      lines.push(JSON.stringify({ ts: `2026-04-22T0${h}:00:00.000Z`, account_id: a, prompt: "Solve it. Let's think step by step." }));
    }
  }
  for (const b of ["ben1", "ben2", "ben3"]) {
    lines.push(JSON.stringify({ ts: "2026-04-22T01:30:00.000Z", account_id: b, request: { messages: [{ role: "user", content: "hi" }] } }));
    lines.push(JSON.stringify({ ts: "2026-04-22T00:30:00.000Z", account_id: b, request: { messages: [{ role: "user", content: "hello" }] } }));
  }
  lines.push("{not json");
  await writeFile(join(dir, "events.jsonl"), lines.join("\n") + "\n");
  await writeFile(join(dir, "labels.json"), JSON.stringify({ atk1: "attack:hydra", atk2: "attack:hydra", ben1: "benign:casual", ben2: "benign:casual", ben3: "benign:casual" }));
  const r = report([
    { account_id: "atk1", verdict: "extraction", score: 0.9, campaign_id: "cmp_1", flagged_at: "2026-04-22T01:00:00.000Z", extraction_at: "2026-04-22T02:00:00.000Z", exchanges: 6, reasons: [] },
    { account_id: "ben1", verdict: "extraction", score: 0.8, campaign_id: null, flagged_at: "2026-04-22T01:30:00.000Z", extraction_at: "2026-04-22T01:30:00.000Z", exchanges: 2, reasons: [] },
  ]);
  await writeFile(join(dir, "report.json"), JSON.stringify(r));
  return dir;
}

test("evaluates files end to end: known leak count, known FPR, JSON written, bad lines counted", async () => {
  const dir = await fixture();
  try {
    const out = join(dir, "eval.json");
    const r = await runEval({ report: join(dir, "report.json"), labels: join(dir, "labels.json"), events: join(dir, "events.jsonl"), out });
    const hydra = r.groups.find((g) => g.group === "attack:hydra");
    assert.ok(hydra);
    // atk1 leaked hours 0-1 (2 of 6), atk2 was never caught (6 of 6).
    assert.equal(hydra.detectors.moat.leaked, 8);
    assert.equal(r.overall.moat.leakage, 8 / 12);
    assert.equal(r.overall.moat.fpr, 1 / 3);
    assert.equal(r.overall.moat.recall, 0.5);
    // Every attack prompt asks for step-by-step reasoning: the CoT rule acts at the 5th exchange of each account.
    assert.equal(hydra.detectors["cot-rule"].caught, 2);
    assert.equal(hydra.detectors["cot-rule"].leaked, 8);
    assert.equal(r.ingest.bad_lines, 1);
    assert.equal(r.ingest.events, 18);
    const written = JSON.parse(await readFile(out, "utf8")) as { moat_eval_version: number; groups: unknown[] };
    assert.equal(written.moat_eval_version, 1);
    assert.equal(written.groups.length, 2);
    const table = formatEvalTable(r);
    assert.match(table, /attack:hydra/);
    assert.match(table, /benign:casual/);
    assert.match(table, /moat\s+precision 0\.500\s+recall 50\.0%\s+FPR 33\.3%\s+leakage 66\.7%/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("bad labels and a report off the contract are user errors that name the field", async () => {
  const dir = await fixture();
  try {
    await writeFile(join(dir, "bad-labels.json"), JSON.stringify({ a: "friend" }));
    await assert.rejects(
      runEval({ report: join(dir, "report.json"), labels: join(dir, "bad-labels.json"), events: join(dir, "events.jsonl") }),
      (e: unknown) => e instanceof UserError && /labels .*\n\s+a: /.test(e.message),
    );
    await writeFile(join(dir, "bad-report.json"), JSON.stringify(report([{ account_id: "x", verdict: "maybe" }])));
    await assert.rejects(
      runEval({ report: join(dir, "bad-report.json"), labels: join(dir, "labels.json"), events: join(dir, "events.jsonl") }),
      (e: unknown) => e instanceof UserError && /accounts\[0\]\.verdict/.test(e.message),
    );
    await assert.rejects(
      runEval({ report: join(dir, "missing.json"), labels: join(dir, "labels.json"), events: join(dir, "events.jsonl") }),
      (e: unknown) => e instanceof UserError && /cannot read report/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
