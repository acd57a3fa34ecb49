/**
 * `--corpus DIR`: draw real prompts from a corpus laid out like ../shared/data/corpus
 * (`human/`, `distill/`, `templates/`, JSONL with a `text` field). Legitimate chat comes from human/,
 * problems (for attackers, students and benchmarks alike) from distill/. Any group the corpus lacks
 * falls back to the built-in generator. The corpus is read, never copied.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../cli/user-error.ts";
import type { Rng } from "../rng.ts";
import { BuiltinText } from "./builtin-text.ts";
import type { ReplyKind, TextSource } from "./text-source.ts";

/** Prompt pools by role. */
export interface CorpusPools {
  math: string[];
  code: string[];
  agentic: string[];
  instructions: string[];
  chat: string[];
  followUps: string[];
  dev: string[];
  work: string[];
}

/** A TextSource backed by corpus pools, falling back to the built-in generator per empty pool. */
export class CorpusText implements TextSource {
  private readonly builtin = new BuiltinText();
  constructor(private readonly pools: CorpusPools) {}

  private from(pool: readonly string[], rng: Rng, fallback: () => string): string {
    return pool.length > 0 ? rng.pick(pool) : fallback();
  }
  math(rng: Rng): string {
    return this.from(this.pools.math, rng, () => this.builtin.math(rng));
  }
  code(rng: Rng): string {
    return this.from(this.pools.code, rng, () => this.builtin.code(rng));
  }
  agenticTask(rng: Rng): string {
    return this.from(this.pools.agentic, rng, () => this.builtin.agenticTask(rng));
  }
  topic(rng: Rng): string {
    return this.builtin.topic(rng);
  }
  seedInstruction(rng: Rng): string {
    return this.from(this.pools.instructions, rng, () => this.builtin.seedInstruction(rng));
  }
  chatOpening(rng: Rng): string {
    return this.from(this.pools.chat, rng, () => this.builtin.chatOpening(rng));
  }
  chatFollowUp(rng: Rng): string {
    return this.from(this.pools.followUps, rng, () => this.builtin.chatFollowUp(rng));
  }
  devQuestion(rng: Rng): string {
    return this.from(this.pools.dev, rng, () => this.builtin.devQuestion(rng));
  }
  workTask(rng: Rng): string {
    return this.from(this.pools.work, rng, () => this.builtin.workTask(rng));
  }
  customerText(rng: Rng): string {
    // Real end-user text for SaaS templates: ordinary first turns read like what app users type.
    return rng.chance(0.5) ? this.from(this.pools.chat, rng, () => this.builtin.customerText(rng)) : this.builtin.customerText(rng);
  }
  reply(rng: Rng, kind: ReplyKind): string {
    return this.builtin.reply(rng, kind);
  }
}

async function readTexts(path: string, max = 20000): Promise<string[]> {
  const out: string[] = [];
  const text = await readFile(path, "utf8");
  for (const line of text.split("\n")) {
    if (out.length >= max) break;
    if (line.trim() === "") continue;
    try {
      const rec = JSON.parse(line) as { text?: unknown };
      if (typeof rec.text === "string" && rec.text.length > 0 && rec.text.length < 6000) out.push(rec.text);
    } catch {
      // A bad corpus line is skipped; the corpus is input data, not something to crash on.
    }
  }
  return out;
}

async function listJsonl(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
  } catch {
    return [];
  }
}

/** Reads the corpus folder into pools. Throws UserError when the folder is missing or holds nothing usable. */
export async function loadCorpus(dir: string): Promise<CorpusText> {
  const s = await stat(dir).catch(() => null);
  if (s === null || !s.isDirectory()) {
    throw new UserError("CORPUS_MISSING", `--corpus ${dir} is not a folder; point it at a corpus laid out like ../shared/data/corpus (human/, distill/)`);
  }
  const pools: CorpusPools = { math: [], code: [], agentic: [], instructions: [], chat: [], followUps: [], dev: [], work: [] };
  for (const f of await listJsonl(join(dir, "distill"))) {
    const texts = await readTexts(join(dir, "distill", f));
    if (f.startsWith("math")) pools.math.push(...texts);
    else if (f.startsWith("code")) pools.code.push(...texts);
    else if (f.startsWith("agentic")) pools.agentic.push(...texts);
    else pools.instructions.push(...texts);
  }
  for (const f of await listJsonl(join(dir, "human"))) {
    const texts = await readTexts(join(dir, "human", f));
    if (f.includes("followup")) pools.followUps.push(...texts);
    else if (f.includes("arena") || f.includes("bfcl")) pools.dev.push(...texts);
    else if (f.includes("user_oriented")) pools.work.push(...texts);
    else pools.chat.push(...texts);
  }
  const total = Object.values(pools).reduce((n, p) => n + p.length, 0);
  if (total === 0) {
    throw new UserError("CORPUS_EMPTY", `--corpus ${dir} has no JSONL records with a "text" field under human/ or distill/`);
  }
  return new CorpusText(pools);
}
