import type { Command } from "commander";

// Placeholder while the command is being built; replaced by its real composition root.
export function registerEval(program: Command): void {
  program.command("eval").description("(being built)").action(() => {
    throw new Error("moat eval is not built yet");
  });
}
