import type { Command } from "commander";

// Placeholder while the command is being built; replaced by its real composition root.
export function registerSimulate(program: Command): void {
  program.command("simulate").description("(being built)").action(() => {
    throw new Error("moat simulate is not built yet");
  });
}
