/**
 * `moat demo` (what `npm start` runs): simulate the `quick` scenario, scan it, evaluate the report against the
 * labels, and print the campaigns found and the metrics. The first thing a newcomer sees, on the embedded default.
 */
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runSimulate, formatSimulateSummary } from "../../simulate/index.ts";
import { runScan } from "../../scan/run-scan.ts";
import { formatScanSummary } from "../../scan/summary.ts";
import { createEnricher } from "../../enrich/index.ts";
import { formatEvalTable, runEval } from "../../eval/index.ts";
import { startProgress } from "../progress.ts";
import { UserError } from "../user-error.ts";

interface DemoFlags {
  out: string;
  seed: string;
  scenario: string;
  corpus?: string;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("Simulate labelled traffic (quick preset), scan it, and print the campaigns found and the metrics.")
    .option("--out <dir>", "where to write events, accounts, labels, report and eval", "out/demo")
    .option("--seed <n>", "simulation seed", "1")
    .option("--scenario <preset|file>", "scenario to simulate", "quick")
    .option("--corpus <dir>", "draw prompts from a real corpus laid out like ../shared/data/corpus")
    .action(async (flags: DemoFlags) => {
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) throw new UserError("BAD_OPTION", `--seed must be an integer, got '${flags.seed}'`);
      const dir = resolve(flags.out);
      mkdirSync(dir, { recursive: true });
      const say = (s: string): boolean => process.stdout.write(s + "\n");
      say(`== 1/3 simulate '${flags.scenario}' (seed ${seed}) into ${dir}`);
      const sim = await runSimulate({ scenario: flags.scenario, out: dir, seed, ...(flags.corpus ? { corpus: flags.corpus } : {}), progress: process.stderr.isTTY ? process.stderr : null });
      say(formatSimulateSummary(sim));

      say(`\n== 2/3 scan`);
      let stop = (): void => undefined;
      const started = performance.now();
      const scan = await runScan({
        events: [sim.files.events],
        accounts: sim.files.accounts,
        enricher: createEnricher(),
        analyseInWorker: true,
        now: () => new Date(),
        onStart: (stats) => {
          stop = startProgress("scan", { done: () => stats.events, fraction: () => (stats.totalBytes ? stats.bytesRead / stats.totalBytes : null) }).stop;
        },
      }).finally(() => stop());
      const reportPath = join(dir, "report.json");
      writeFileSync(reportPath, JSON.stringify(scan.report, null, 2) + "\n");
      say(formatScanSummary(scan.report, 10));
      say(`(scanned in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

      say(`\n== 3/3 evaluate against the labels`);
      const evalPath = join(dir, "eval.json");
      const result = await runEval({ report: reportPath, labels: sim.files.labels, events: [sim.files.events], out: evalPath });
      say(formatEvalTable(result));
      say(`\nReport: ${reportPath}\nMetrics: ${evalPath}\nNext: moat scan --events <your logs> --accounts <accounts.jsonl> --out report.json`);
    });
}
