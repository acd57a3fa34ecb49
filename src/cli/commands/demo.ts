import type { Command } from "commander";

// Placeholder while the command is being built; replaced by its real composition root.
export function registerDemo(program: Command): void {
  program.command("demo").description("(being built)").action(() => {
    throw new Error("moat demo is not built yet");
  });
}
