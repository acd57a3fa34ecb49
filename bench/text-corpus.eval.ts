/**
 * Calibration script (not a test, not part of the engine): runs the per-request analysers
 * over the development corpus and prints, per file, the CoT elicitation rate, the category
 * distribution and the most frequent CoT cues; then measures template skeletons on human
 * prompts (unrelated prompts should not share one) and on the templated file (same template
 * -> same skeleton, different templates -> different).
 *
 * This file does I/O on purpose and is never imported by the engine.
 *
 *   node --import tsx bench/text-corpus.eval.ts [../shared/data/corpus]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { categorize, type Category } from "../src/core/text/category.ts";
import { COT_THRESHOLD, cotElicitation } from "../src/core/text/cot.ts";
import { jaccardEstimate, minhash } from "../src/core/text/minhash.ts";
import { viewPrompt } from "../src/core/text/prompt.ts";
import { skeleton } from "../src/core/text/skeleton.ts";

interface Row {
  text: string;
  template?: string;
}

const root = process.argv[2] ?? new URL("../../shared/data/corpus", import.meta.url).pathname;
if (!existsSync(root)) {
  console.error(`corpus not found at ${root}: pass its path, e.g. ../shared/data/corpus`);
  process.exit(2);
}

function readRows(path: string): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim().length === 0) continue;
    try {
      const r = JSON.parse(line) as Partial<Row>;
      if (typeof r.text === "string") rows.push(r.template === undefined ? { text: r.text } : { text: r.text, template: r.template });
    } catch {
      // skip malformed lines: this is a calibration script
    }
  }
  return rows;
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5) + "%";
const CATS: readonly Category[] = ["reasoning", "coding", "agentic", "instruction", "other"];

console.log(`file                                         n   cot>=${COT_THRESHOLD}  ${CATS.map((c) => c.slice(0, 6).padStart(7)).join("")}  top cues`);
for (const group of ["human", "distill"]) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    const rows = readRows(join(dir, name));
    let cot = 0;
    const cats: Record<Category, number> = { reasoning: 0, coding: 0, agentic: 0, instruction: 0, other: 0 };
    const cues = new Map<string, number>();
    for (const r of rows) {
      const res = cotElicitation(r.text);
      if (res.score >= COT_THRESHOLD) {
        cot++;
        for (const c of res.cues) cues.set(c, (cues.get(c) ?? 0) + 1);
      }
      cats[categorize(viewPrompt(undefined, r.text)).category]++;
    }
    const n = Math.max(1, rows.length);
    const top = [...cues.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c, k]) => `${c}:${k}`).join(" ");
    console.log(`${(group + "/" + name).slice(0, 42).padEnd(42)} ${String(rows.length).padStart(5)} ${pct(cot / n)}  ${CATS.map((c) => pct(cats[c] / n).padStart(7)).join("")}  ${top}`);
  }
}

// Known CoT suffixes and reasoning system prompts wrapped around real problems: what a campaign sends.
const tplFile = join(root, "templates", "cot_and_generation_templates.jsonl");
const mathFile = join(root, "distill", "math_gsm8k_train.jsonl");
if (existsSync(tplFile) && existsSync(mathFile)) {
  const problems = readRows(mathFile).slice(0, 500);
  console.log("");
  for (const line of readFileSync(tplFile, "utf8").split("\n")) {
    if (line.trim().length === 0) continue;
    const t = JSON.parse(line) as { kind: string; text: string };
    let hits = 0;
    const cats = new Map<string, number>();
    for (const p of problems) {
      const asSystem = t.kind === "system_prompt";
      const text = t.text.includes("{question}") ? t.text.replace("{question}", p.text) : asSystem ? p.text : p.text + " " + t.text;
      const view = viewPrompt(asSystem ? { system: t.text, messages: [{ role: "user", content: text }] } : undefined, asSystem ? undefined : text);
      if (cotElicitation(view.system + "\n" + view.lastUser).score >= COT_THRESHOLD) hits++;
      const c = categorize(view).category;
      cats.set(c, (cats.get(c) ?? 0) + 1);
    }
    const catText = [...cats.entries()].map(([c, k]) => `${c}:${k}`).join(" ");
    console.log(`${t.kind.padEnd(16)} ${pct(hits / problems.length)} CoT on ${problems.length} GSM8K problems; categories ${catText} | ${t.text.slice(0, 60).replace(/\n/g, " ")}`);
  }
}

// Skeletons of human prompts: unrelated prompts should not share a skeleton beyond the generic slot.
{
  const texts: string[] = [];
  const dir = join(root, "human");
  if (existsSync(dir)) for (const name of readdirSync(dir).filter((f) => f.endsWith(".jsonl"))) for (const r of readRows(join(dir, name))) texts.push(r.text);
  const counts = new Map<string, number>();
  const sks = texts.map((t) => skeleton(t));
  for (const s of sks) counts.set(s, (counts.get(s) ?? 0) + 1);
  const generic = sks.filter((s) => s === "_" || s === "").length;
  const shared = sks.filter((s) => s !== "_" && s !== "" && (counts.get(s) ?? 0) >= 3).length;
  if (texts.length > 0) {
    console.log(
      `\nskeletons of ${texts.length} human prompts: ${pct(generic / texts.length)} only a slot (generic chat), ` +
        `${pct(shared / texts.length)} share a non-trivial skeleton with 2+ other prompts`,
    );
  }
}

// Skeletons on the templated file.
const tplPath = join(root, "distill", "templated_t0.jsonl");
if (existsSync(tplPath)) {
  const rows = readRows(tplPath).filter((r) => r.template !== undefined);
  const byTpl = new Map<string, string[]>();
  const sigs = new Map<string, Uint32Array[]>();
  for (const r of rows) {
    const sk = skeleton(r.text);
    const t = r.template ?? "";
    byTpl.set(t, [...(byTpl.get(t) ?? []), sk]);
    sigs.set(t, [...(sigs.get(t) ?? []), minhash(sk)]);
  }
  // Within a template: share of prompts whose skeleton equals the template's most common one.
  let modal = 0;
  const owners = new Map<string, Set<string>>();
  for (const [t, sks] of byTpl) {
    const counts = new Map<string, number>();
    for (const s of sks) counts.set(s, (counts.get(s) ?? 0) + 1);
    modal += Math.max(...counts.values());
    for (const s of counts.keys()) owners.set(s, (owners.get(s) ?? new Set()).add(t));
  }
  const shared = [...owners.values()].filter((o) => o.size > 1).length;
  // MinHash of skeletons: mean estimated Jaccard within a template vs across templates (first two of each).
  let within = 0;
  let wn = 0;
  let across = 0;
  let an = 0;
  const firsts: Uint32Array[] = [];
  for (const list of sigs.values()) {
    for (let i = 1; i < list.length; i++) {
      within += jaccardEstimate(list[0] as Uint32Array, list[i] as Uint32Array);
      wn++;
    }
    firsts.push(list[0] as Uint32Array);
  }
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      across += jaccardEstimate(firsts[i] as Uint32Array, firsts[j] as Uint32Array);
      an++;
    }
  }
  console.log(
    `\nskeletons on templated_t0: ${rows.length} prompts, ${byTpl.size} templates; ` +
      `${pct(modal / rows.length)} share their template's modal skeleton; ` +
      `${owners.size} distinct skeletons, ${shared} of them shared by 2+ templates; ` +
      `MinHash(skeleton) Jaccard within template ${(within / Math.max(1, wn)).toFixed(2)}, across ${(across / Math.max(1, an)).toFixed(2)}`,
  );
}
