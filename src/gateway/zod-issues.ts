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

/** What an issue says, with the reasons zod nests inside "invalid key" and "invalid input" (union) issues. */
function messageOf(i: z.core.$ZodIssue): string {
  if (i.code === "invalid_key" && i.issues.length > 0) return `bad key: ${i.issues.map(messageOf).join("; ")}`;
  // A union with its own message (the schema says what it accepts) keeps it; otherwise the alternatives are listed.
  if (i.code === "invalid_union" && i.errors.length > 0 && i.message === "Invalid input") {
    const alternatives = [...new Set(i.errors.flat().map(messageOf))];
    return `none of the accepted forms matched: ${alternatives.join(" | ")}`;
  }
  return i.message;
}

/**
 * One line per issue: `<path>: <message>`. A `root` that names a file is kept apart from the path in it
 * (`keys.yaml: alice.account_id: …`), so the two do not read as one dotted path.
 */
export function formatIssues(root: string, error: z.ZodError): string {
  const file = /\.(ya?ml|json)$/i.test(root);
  return error.issues.map((i) => `${file ? `${root}: ${formatPath("", i.path)}` : formatPath(root, i.path)}: ${messageOf(i)}`).join("\n");
}
