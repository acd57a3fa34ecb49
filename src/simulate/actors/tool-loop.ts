/**
 * Multi-turn tool loops: a task, then assistant tool calls and tool results, one exchange per step
 * with the whole history re-sent (what coding agents and agentic extraction both look like).
 */
import type { Msg, ToolDef } from "../exchange.ts";
import type { Rng } from "../rng.ts";

const str = { type: "string" } as const;

export const CODING_TOOLS: readonly ToolDef[] = [
  { name: "read_file", description: "Read a file from the repository.", schema: { type: "object", properties: { path: str }, required: ["path"] } },
  {
    name: "edit_file",
    description: "Replace a unique string in a file.",
    schema: { type: "object", properties: { path: str, old_str: str, new_str: str }, required: ["path", "old_str", "new_str"] },
  },
  { name: "bash", description: "Run a shell command and return its output.", schema: { type: "object", properties: { command: str }, required: ["command"] } },
  { name: "search_code", description: "Search the codebase with a regular expression.", schema: { type: "object", properties: { pattern: str }, required: ["pattern"] } },
];

export const WEB_TOOLS: readonly ToolDef[] = [
  { name: "web_search", description: "Search the web.", schema: { type: "object", properties: { q: str }, required: ["q"] } },
  { name: "fetch_url", description: "Fetch a web page as text.", schema: { type: "object", properties: { url: str }, required: ["url"] } },
  {
    name: "calculator",
    description: "Evaluate an arithmetic expression.",
    schema: { type: "object", properties: { expression: str }, required: ["expression"] },
  },
];

const FILES = ["src/app.py", "src/utils/retry.ts", "internal/server/handler.go", "lib/billing.rb", "tests/test_api.py", "README.md", "pkg/cache/lru.go"];

function call(rng: Rng, tools: readonly ToolDef[]): { name: string; input: Record<string, unknown>; result: string } {
  const tool = rng.pick(tools);
  switch (tool.name) {
    case "read_file": {
      const path = rng.pick(FILES);
      return { name: tool.name, input: { path }, result: `1: import os\n2: def handler(event):\n3:     retries = ${rng.int(1, 5)}\n4:     ...` };
    }
    case "edit_file":
      return { name: tool.name, input: { path: rng.pick(FILES), old_str: `retries = ${rng.int(1, 5)}`, new_str: `retries = ${rng.int(3, 9)}` }, result: "ok" };
    case "bash": {
      const cmd = rng.pick(["pytest -q", "npm test", "go test ./...", "git diff --stat", "ls -la src", "cargo build"]);
      return { name: tool.name, input: { command: cmd }, result: rng.chance(0.4) ? `FAILED tests/test_api.py::test_retry - AssertionError (${rng.int(1, 9)} failed)` : `${rng.int(10, 240)} passed in ${rng.int(1, 30)}.${rng.int(0, 9)}s` };
    }
    case "search_code":
      return { name: tool.name, input: { pattern: rng.pick(["def retry", "TODO", "cache.get\\(", "class .*Client"]) }, result: `${rng.pick(FILES)}:${rng.int(3, 300)}: match` };
    case "web_search":
      return { name: tool.name, input: { q: `query ${rng.int(1, 999)}` }, result: `1. Result title - snippet about the topic (${rng.int(2015, 2026)})` };
    case "fetch_url":
      return { name: tool.name, input: { url: `https://example.org/page/${rng.int(1, 9999)}` }, result: "Page text: ... population 522,250 (2021) ..." };
    default:
      return { name: tool.name, input: { expression: `${rng.int(1, 999)} * ${rng.int(1, 99)}` }, result: String(rng.int(1, 99999)) };
  }
}

/**
 * The message histories of one tool-loop session: element i is what the client sends on step i
 * (task, then i tool call/result pairs). `steps` >= 1.
 */
export function toolLoopHistories(rng: Rng, task: string, tools: readonly ToolDef[], steps: number): Msg[][] {
  const history: Msg[] = [{ role: "user", text: task }];
  const out: Msg[][] = [history.slice()];
  for (let i = 1; i < steps; i++) {
    const c = call(rng, tools);
    const id = `toolu_${rng.hex(20)}`;
    history.push({ role: "tool_call", id, name: c.name, input: c.input });
    history.push({ role: "tool_result", id, content: c.result });
    out.push(history.slice());
  }
  return out;
}
