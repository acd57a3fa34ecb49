/**
 * JSON Schema files for the contracts, generated from the zod schemas so the two cannot drift.
 * `npm run schemas` rewrites `schemas/*.json`; a test fails when the committed files are stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { accountRecordSchema } from "./account.ts";
import { trafficEventSchema } from "./event.ts";
import { labelsSchema } from "./labels.ts";
import { scanReportSchema } from "./report.ts";

/** Where the generated files live. */
export const SCHEMAS_DIR = fileURLToPath(new URL("../../schemas/", import.meta.url));

/** Each file name with the text it must hold. */
export function generateJsonSchemas(): Record<string, string> {
  const event = z.toJSONSchema(trafficEventSchema) as Record<string, unknown>;
  // The "request or prompt" rule is a zod refinement, which JSON Schema export cannot see.
  event.anyOf = [{ required: ["request"] }, { required: ["prompt"] }];
  const files: Record<string, unknown> = {
    "event.schema.json": event,
    "account.schema.json": z.toJSONSchema(accountRecordSchema),
    "report.schema.json": z.toJSONSchema(scanReportSchema),
    "labels.schema.json": z.toJSONSchema(labelsSchema),
  };
  return Object.fromEntries(Object.entries(files).map(([name, schema]) => [name, `${JSON.stringify(schema, null, 2)}\n`]));
}

/** Write every schema file; returns the paths written. */
export function writeJsonSchemas(dir: string = SCHEMAS_DIR): string[] {
  return Object.entries(generateJsonSchemas()).map(([name, text]) => {
    const path = `${dir}${name}`;
    writeFileSync(path, text);
    return path;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of writeJsonSchemas()) console.log(`wrote ${path}`);
}
