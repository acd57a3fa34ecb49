import type { Command } from "commander";

// Placeholder while the command is being built; replaced by its real composition root.
export function registerScan(program: Command): void {
  program.command("scan").description("(being built)").action(() => {
    throw new Error("moat scan is not built yet");
  });
}
