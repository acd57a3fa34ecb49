#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx moat …` works right after `npm install` with no build step.
import { register } from "tsx/esm/api";

// `moat scan … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") process.exit(0);
  throw e;
});
register();
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv.slice(2));
process.exitCode = code;
