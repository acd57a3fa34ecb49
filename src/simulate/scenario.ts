/**
 * Scenario validation (pure) and loading (the file edge). Messages name the exact path that is wrong,
 * e.g. `campaigns[1].accounts: must be > 0`, so a user can fix a YAML file without reading the schema.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import YAML from "yaml";
import type { z } from "zod";
import { UserError } from "../cli/user-error.ts";
import { ScenarioSchema, type Scenario } from "./scenario-schema.ts";

/** Formats a zod path as `campaigns[1].infra.kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(scenario)" : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small": {
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return "must not be empty";
      return `must be ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
    }
    case "too_big":
      return `must be ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
    case "invalid_type": {
      const got = /received (\w+)/.exec(issue.message)?.[1];
      return got === undefined || got === "undefined" ? `expected ${issue.expected} (missing)` : `expected ${issue.expected}, got ${got}`;
    }
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      if ("options" in issue && Array.isArray(issue.options)) {
        return `must be one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
      }
      return issue.message;
    case "invalid_format":
      return issue.format === "datetime" ? "must be an RFC 3339 date-time such as 2026-04-22T00:00:00Z" : issue.message;
    default:
      return issue.message;
  }
}

/** Validation failure with one line per problem. */
export class ScenarioError extends UserError {
  constructor(
    readonly problems: readonly string[],
    source: string,
  ) {
    super("BAD_SCENARIO", `invalid scenario ${source}:\n  ${problems.join("\n  ")}\nFix the listed fields and run again.`);
  }
}

/** Validates untrusted scenario data and fills defaults; throws ScenarioError listing every problem by path. */
export function parseScenario(data: unknown, source = "(inline)"): Scenario {
  const r = ScenarioSchema.safeParse(data);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${formatPath(i.path)}: ${describeIssue(i)}`);
  throw new ScenarioError(problems, source);
}

/** Reads a scenario file (.json, .yaml, .yml) and validates it. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    throw new UserError(
      "SCENARIO_UNREADABLE",
      `cannot read scenario file ${path} (${code ?? String(e)}); pass a preset name (quick, realistic, seed-scale) or a JSON/YAML file path`,
    );
  }
  const ext = extname(path).toLowerCase();
  let data: unknown;
  try {
    data = ext === ".json" ? JSON.parse(text) : YAML.parse(text);
  } catch (e: unknown) {
    throw new UserError("SCENARIO_SYNTAX", `scenario file ${path} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
  return parseScenario(data, path);
}
