/**
 * `moat eval --report r.json --labels l.json --events e.jsonl [--out eval.json] [--rate-limit N]`
 */
import type { Command } from "commander";
import { UserError } from "../user-error.ts";
import { formatEvalTable, runEval } from "../../eval/index.ts";

function positive(name: string, integer: boolean): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new UserError("BAD_OPTION", `${name} must be a positive ${integer ? "integer" : "number"}, got "${v}"`);
    }
    return n;
  };
}

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description("Score a scan report against labels: per-campaign and per-persona catch rate, false positives and leakage, next to two baselines.")
    .requiredOption("--report <file>", "scan report (moat scan --out)")
    .requiredOption("--labels <file>", "labels.json (account id -> attack:<campaign> | benign:<persona>)")
    .requiredOption("--events <files...>", "the traffic log(s) the report was made from (files, globs)")
    .option("--out <file>", "also write the result as JSON")
    .option("--rate-limit <n>", "daily per-account limit of the rate-limit baseline", positive("--rate-limit", true), 200)
    .option("--cot-min <n>", "CoT-rule baseline: prompts seen before it may act", positive("--cot-min", true), 5)
    .option("--cot-share <f>", "CoT-rule baseline: share of CoT prompts that triggers it", positive("--cot-share", false), 0.5)
    .option("--json", "print the JSON result instead of the table")
    .action(async (o: { report: string; labels: string; events: string[]; out?: string; rateLimit: number; cotMin: number; cotShare: number; json?: boolean }) => {
      if (o.cotShare > 1) throw new UserError("BAD_OPTION", `--cot-share must be <= 1, got ${o.cotShare}`);
      const result = await runEval({
        report: o.report,
        labels: o.labels,
        events: o.events,
        ...(o.out === undefined ? {} : { out: o.out }),
        rateLimitPerDay: o.rateLimit,
        cotMinPrompts: o.cotMin,
        cotShare: o.cotShare,
      });
      process.stdout.write((o.json === true ? JSON.stringify(result, null, 2) : formatEvalTable(result)) + "\n");
    });
}
