import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../cli/user-error.ts";
import { Rng } from "../rng.ts";
import { loadCorpus } from "./corpus-text.ts";

// The development corpus lives outside the repository (../shared/data/corpus); a fresh clone has none.
const CORPUS = new URL("../../../../shared/data/corpus", import.meta.url).pathname;
const skip = existsSync(CORPUS) ? false : `no corpus at ${CORPUS} (only present on the development machine)`;

async function texts(file: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const line of (await readFile(join(CORPUS, file), "utf8")).split("\n")) {
    if (line.trim() !== "") out.add((JSON.parse(line) as { text: string }).text);
  }
  return out;
}

test("draws problems from distill/ and ordinary chat from human/", { skip }, async () => {
  const text = await loadCorpus(CORPUS);
  const r = Rng.fromSeed(1);
  const math = new Set([...(await texts("distill/math_gsm8k_train.jsonl")), ...(await texts("distill/math_mawps.jsonl")), ...(await texts("distill/math_svamp.jsonl"))]);
  const human = await texts("human/hh_rlhf_harmless_test_first_turns.jsonl");
  for (let i = 0; i < 20; i++) assert.ok(math.has(text.math(r)));
  let fromHuman = 0;
  for (let i = 0; i < 20; i++) if (human.has(text.chatOpening(r))) fromHuman++;
  assert.ok(fromHuman > 0);
  assert.notEqual(text.code(r), text.code(r));
});

test("a missing corpus folder is a user error that says what to pass", async () => {
  await assert.rejects(loadCorpus("/nonexistent/corpus"), (e: unknown) => e instanceof UserError && /--corpus .* is not a folder/.test(e.message));
});
