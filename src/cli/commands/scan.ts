import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { runScan } from "../../scan/run-scan.ts";
import { formatScanSummary } from "../../scan/summary.ts";
import { createEnricher } from "../../enrich/index.ts";
import { startProgress } from "../progress.ts";
import { UserError } from "../user-error.ts";

interface ScanFlags {
  events: string[];
  accounts?: string;
  out?: string;
  all?: boolean;
  reorderWindow?: string;
  quiet?: boolean;
}

/** `moat scan`: the replay composition root. */
export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("Find distillation campaigns in traffic logs (JSONL, JSONL.gz, Parquet; '-' for stdin) and write the report.")
    .requiredOption("-e, --events <files...>", "traffic log files or globs (contract §1)")
    .option("-a, --accounts <file>", "accounts file (contract §2), optional")
    .option("-o, --out <file>", "write the JSON report (contract §3) here")
    .option("--all", "include benign accounts in the report")
    .option("--reorder-window <minutes>", "how far out of time order a log may be, in minutes", "60")
    .option("-q, --quiet", "print nothing but errors")
    .action(async (flags: ScanFlags) => {
      const minutes = Number(flags.reorderWindow ?? "60");
      if (!Number.isFinite(minutes) || minutes < 0) throw new UserError("BAD_OPTION", `--reorder-window: expected minutes >= 0, got '${flags.reorderWindow}'`);
      const enricher = createEnricher();
      let stop = (): void => undefined;
      const result = await runScan({
        events: flags.events,
        ...(flags.accounts ? { accounts: flags.accounts } : {}),
        all: flags.all === true,
        reorderWindowMs: minutes * 60_000,
        enricher,
        analyseInWorker: true,
        now: () => new Date(),
        onStart: (stats) => {
          stop = startProgress("scan", { done: () => stats.events, fraction: () => (stats.totalBytes ? stats.bytesRead / stats.totalBytes : null) }).stop;
        },
      }).finally(() => stop());
      if (flags.out) writeFileSync(flags.out, JSON.stringify(result.report, null, 2) + "\n");
      if (!flags.quiet) {
        process.stdout.write(formatScanSummary(result.report) + "\n");
        if (flags.out) process.stdout.write(`\nReport written to ${flags.out}\n`);
      }
    });
}
