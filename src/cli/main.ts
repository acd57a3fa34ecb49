/**
 * The `moat` command line. Each subcommand lives in `commands/<name>.ts` and is its own composition root:
 * it reads its options, builds the objects it needs and wires them. Nothing here reads config at import time.
 */
import { Command, CommanderError } from "commander";
import { registerScan } from "./commands/scan.ts";
import { registerSimulate } from "./commands/simulate.ts";
import { registerEval } from "./commands/eval.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerServe } from "./commands/serve.ts";
import { UserError } from "./user-error.ts";

export function buildProgram(): Command {
  const program = new Command("moat")
    .description("Find and stop distillation campaigns against LLM APIs.")
    .showHelpAfterError()
    .exitOverride();
  registerScan(program);
  registerSimulate(program);
  registerEval(program);
  registerDemo(program);
  registerServe(program);
  return program;
}

/** Runs the CLI and returns the process exit code. User errors print one clear message, not a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e: unknown) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof UserError) {
      process.stderr.write(`moat: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
