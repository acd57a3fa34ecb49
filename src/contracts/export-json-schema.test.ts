import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SCHEMAS_DIR, generateJsonSchemas } from "./export-json-schema.ts";

test("the committed JSON Schema files equal freshly generated ones (run `npm run schemas` after changing a contract)", () => {
  const generated = generateJsonSchemas();
  assert.deepEqual(Object.keys(generated).sort(), ["account.schema.json", "event.schema.json", "labels.schema.json", "report.schema.json"]);
  for (const [name, text] of Object.entries(generated)) {
    assert.equal(readFileSync(`${SCHEMAS_DIR}${name}`, "utf8"), text, `schemas/${name} is stale`);
  }
});

test("the event schema states the request-or-prompt rule and allows extra fields", () => {
  const event = JSON.parse(generateJsonSchemas()["event.schema.json"] ?? "{}") as Record<string, unknown>;
  assert.deepEqual(event.anyOf, [{ required: ["request"] }, { required: ["prompt"] }]);
  assert.deepEqual(event.required, ["ts", "account_id"]);
  assert.deepEqual(event.additionalProperties, {});
});
