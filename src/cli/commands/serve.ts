import type { Command } from "commander";

// Placeholder while the command is being built; replaced by its real composition root.
export function registerServe(program: Command): void {
  program.command("serve").description("(being built)").action(() => {
    throw new Error("moat serve is not built yet");
  });
}
