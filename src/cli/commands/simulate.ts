/**
 * `moat simulate --scenario <preset|file> --out DIR [--seed N] [--scale F] [--corpus DIR] [--gzip]`
 */
import type { Command } from "commander";
import { UserError } from "../user-error.ts";
import { formatSimulateSummary, runSimulate, PRESET_NAMES } from "../../simulate/index.ts";

function num(name: string, integer: boolean): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new UserError("BAD_OPTION", `${name} must be ${integer ? "an integer" : "a number"}, got "${v}"`);
    }
    return n;
  };
}

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("Generate synthetic traffic (events.jsonl, accounts.jsonl, labels.json) with legitimate personas and distillation campaigns.")
    .requiredOption("--scenario <preset|file>", `a preset (${PRESET_NAMES.join(", ")}) or a JSON/YAML scenario file`)
    .requiredOption("--out <dir>", "output folder")
    .option("--seed <n>", "random seed (same seed, same output)", num("--seed", true), 1)
    .option("--scale <f>", "multiply account and event counts (e.g. 0.02 for seed-scale)", num("--scale", false), 1)
    .option("--corpus <dir>", "draw prompts from a corpus folder (human/, distill/) instead of the built-in generators")
    .option("--gzip", "write events.jsonl.gz")
    .action(async (o: { scenario: string; out: string; seed: number; scale: number; corpus?: string; gzip?: boolean }) => {
      const summary = await runSimulate({
        scenario: o.scenario,
        out: o.out,
        seed: o.seed,
        scale: o.scale,
        ...(o.corpus === undefined ? {} : { corpus: o.corpus }),
        gzip: o.gzip === true,
        progress: process.stderr.isTTY ? process.stderr : null,
      });
      process.stdout.write(formatSimulateSummary(summary) + "\n");
    });
}
