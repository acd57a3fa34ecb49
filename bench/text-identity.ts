/**
 * Identity check for speed work on the text analysers: runs analyseRequest and the text module
 * on many varied inputs and prints one short digest per input plus a digest of them all, so the
 * output of two versions of the code can be compared with `cmp`. Asserts nothing itself.
 *
 *   node --import tsx bench/text-identity.ts [--events events.jsonl ...] [--corpus dir] > digests.txt
 *
 * Inputs:
 * - `--events`: simulated (or real) traffic logs; every event goes through analyseRequest (with
 *   an in-memory enricher) and the text functions on its request.
 * - `--corpus`: a prompt corpus folder (`*.jsonl` with a "text" field, any depth). Every text is
 *   analysed in several shapes and spellings: as the user turn, behind a system prompt, in upper
 *   case, with typographic quotes and full-width letters (NFKC), and glued to the next texts to
 *   pass the head/tail limits (long texts), so the non-ASCII and long-text paths run too.
 *
 * Each digest covers the JSON of the features plus what analyseRequest does not expose whole
 * (category scores, the skeleton string, CoT cues and score, the MinHash signature). Raw text is
 * never printed: only hashes.
 */
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { analyseRequest } from "../src/core/features/request-features.ts";
import { MemoryEnricher } from "../src/core/ports/memory-enricher.ts";
import type { TrafficEvent } from "../src/core/model/traffic.ts";
import { categorize, cotElicitation, minhash, skeleton, viewPrompt } from "../src/core/text/index.ts";

const enricher = new MemoryEnricher();
const all = createHash("sha256");
let n = 0;

function digestOf(ev: TrafficEvent, t: number): string {
  const f = analyseRequest({ t, event: ev }, enricher);
  const view = viewPrompt(ev.request, ev.prompt);
  const focus = view.system.length > 0 ? `${view.system}\n${view.lastUser}` : view.lastUser;
  const cot = cotElicitation(focus);
  const cat = categorize(view);
  const sk = skeleton(view.lastUser.length > 0 ? view.lastUser : focus);
  const user = cotElicitation(view.lastUser);
  const parts = [JSON.stringify(f), JSON.stringify(cot), JSON.stringify(cat), sk, Array.from(minhash(sk)).join(","), JSON.stringify(user), skeleton(focus, 600)];
  return createHash("sha1").update(parts.join("\u0001")).digest("hex").slice(0, 16);
}

function emit(label: string, ev: TrafficEvent, t: number): void {
  const d = digestOf(ev, t);
  all.update(d);
  n++;
  process.stdout.write(`${label} ${d}\n`);
}

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) if (line.length > 0) yield line;
}

async function events(path: string): Promise<void> {
  let i = 0;
  for await (const line of lines(path)) {
    i++;
    let ev: TrafficEvent;
    try {
      ev = JSON.parse(line) as TrafficEvent;
    } catch {
      continue;
    }
    emit(`e${i}`, ev, Date.parse(ev.ts));
  }
}

function jsonlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonlFiles(p));
    else if (name.endsWith(".jsonl")) out.push(p);
  }
  return out;
}

const FULLWIDTH = (s: string): string => s.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const TYPO = (s: string): string => s.replace(/'/g, "\u2019").replace(/"([^"]*)"/g, "\u201c$1\u201d").replace(/ - /g, " \u2014 ");
const SYSTEMS = ["You are a helpful assistant.", "Think step by step and put the final answer in \\boxed{}.", "请一步一步地思考。", "Eres un asistente. Piensa paso a paso."];

function shapes(text: string, i: number, next: string): TrafficEvent[] {
  const base = { ts: "2026-01-01T00:00:00Z", request_id: `r${i}`, account_id: `a${i % 97}`, endpoint: "/v1/messages" } as const;
  const msg = (u: string, system?: string): TrafficEvent =>
    Object.assign({}, base, { request: { model: "m", ...(system === undefined ? {} : { system }), messages: [{ role: "user", content: u }] } }) as unknown as TrafficEvent;
  const out = [msg(text), msg(text, SYSTEMS[i % SYSTEMS.length]), msg(text.toUpperCase()), msg(TYPO(text))];
  if (i % 5 === 0) out.push(msg(FULLWIDTH(text.slice(0, 400)) + " " + text.slice(400)));
  if (i % 7 === 0) out.push(msg((text + "\n\n" + next).repeat(Math.ceil(7000 / (text.length + next.length + 2)))));
  if (i % 3 === 0) out.push(Object.assign({}, base, { prompt: `${next}\n${text}` }) as unknown as TrafficEvent);
  return out;
}

async function corpus(dir: string): Promise<void> {
  for (const file of jsonlFiles(dir)) {
    const texts: string[] = [];
    for await (const line of lines(file)) {
      try {
        const o = JSON.parse(line) as { text?: unknown };
        if (typeof o.text === "string") texts.push(o.text);
      } catch {
        // not a corpus line
      }
    }
    texts.forEach((text, i) => shapes(text, i, texts[(i + 1) % texts.length] ?? "").forEach((ev, j) => emit(`c${i}.${j}`, ev, i)));
  }
}

const args = process.argv.slice(2);
const c0 = process.cpuUsage();
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const v = args[++i];
  if (v === undefined) throw new Error(`${a} needs a value`);
  if (a === "--events") await events(v);
  else if (a === "--corpus") await corpus(v);
  else throw new Error(`unknown argument ${a} (use --events <file> or --corpus <dir>)`);
}
const c = process.cpuUsage(c0);
process.stdout.write(`total ${n} ${all.digest("hex")}\n`);
process.stderr.write(`${n} inputs, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU\n`);
