/**
 * Turns zod issues into one path-aware sentence per problem (`policy.rules[3].action.burst: must be > 0`),
 * so a bad config or policy file tells the operator exactly where to look.
 */
import type { z } from "zod";

/** Formats a zod path as `a.b[3].c` under `root`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per issue: `<path>: <message>`. */
export function formatIssues(root: string, error: z.ZodError): string {
  return error.issues.map((i) => `${formatPath(root, i.path)}: ${i.message}`).join("\n");
}
