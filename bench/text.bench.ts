/**
 * Per-request text analysis cost: viewPrompt + cotElicitation + categorize + skeleton +
 * minhash + lshBands on typical 100-500 character prompts (as in analyseRequest), in
 * microseconds of CPU per call, with JSON.parse of the same request bodies as the baseline
 * measured in the same run (a cost every gateway pays anyway). Rounds are interleaved and
 * each figure is the fastest and the median round, so a busy machine disturbs the ratios
 * less than the absolute numbers. Prints numbers; asserts nothing.
 *
 *   node --import tsx bench/text.bench.ts [--events events.jsonl] [other/copy/of/src/core/text/index.ts ...]
 *
 * Extra arguments are other copies of the text module (e.g. an older commit exported with
 * `git archive`), measured in the same process, round by round, for before/after ratios.
 *
 * `--events`: also measure on real or simulated traffic (`moat simulate`): up to 4,000 events
 * spread over the file, with JSON.parse of the same lines as their baseline. The six prompts
 * above are short; simulated logs (corpus prompts, code, long templates) cost two to three
 * times more per event, so this is the figure to hold against the scan budget.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as current from "../src/core/text/index.ts";

type TextModule = Pick<typeof current, "viewPrompt" | "cotElicitation" | "categorize" | "skeleton" | "minhash" | "lshBands">;

const PROMPTS: readonly Record<string, unknown>[] = [
  {
    model: "m",
    max_tokens: 8000,
    system: "You are a careful math tutor. Reason step by step and put your final answer within \\boxed{}.",
    messages: [
      {
        role: "user",
        content:
          "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May? " +
          "Her brother sold 12 more clips than she did in April and 7 fewer in May. What is the total number of clips sold by both of them over the two months, and what fraction of it was sold in May?",
      },
    ],
  },
  {
    model: "m",
    messages: [
      { role: "system", content: "You are a senior engineer." },
      {
        role: "user",
        content: [
          {
            type: "text",
            text:
              "Write a Python function `merge_intervals(intervals: list[list[int]]) -> list[list[int]]` that merges overlapping intervals. " +
              "```python\ndef merge_intervals(intervals):\n    pass\n```\nIt must run in O(n log n) time, handle empty input, and keep touching intervals like [1,2],[2,3] merged. Add unit tests with pytest and explain the complexity.",
          },
        ],
      },
    ],
    tools: [{ type: "function", function: { name: "run_python", parameters: { type: "object", properties: { code: { type: "string" } } } } }],
  },
  {
    model: "m",
    messages: [
      {
        role: "user",
        content:
          "Is this product review positive?\nTitle: Hours of Fun for my 4 and 6 year olds\nReview: We purchased this game a year ago and my girls still love to play it. " +
          "Lots of activities, they love to decorate the floats and watch the parade. The pieces are sturdy and the instructions were clear enough for the older one to read alone. Would buy again.\nAnswer:",
      },
    ],
  },
  {
    model: "m",
    messages: [{ role: "user", content: "请一步一步地思考：一个数的三倍加五等于二十，这个数是多少？再请说明你是如何检验答案的，并给出最终答案。另外，如果这个数再乘以四减去七，结果是多少？请写出详细的解题过程。" }],
  },
  {
    model: "m",
    max_tokens: 4000,
    messages: [
      {
        role: "user",
        content:
          "Come up with 14 challenging questions about marine biology that a student might ask a tutor. For each, write a detailed answer that explains the reasoning. Return JSON lines with fields question and answer.",
      },
    ],
  },
  {
    model: "m",
    messages: [
      { role: "user", content: "My neighbour's dog barks every night around 2am." },
      { role: "assistant", content: "That sounds exhausting. Have you talked to them?" },
      { role: "user", content: "Not yet. How do I bring it up without starting a fight? Any advice?" },
    ],
  },
];

const bodies = PROMPTS.map((p) => JSON.stringify(p));
const k = PROMPTS.length;

/** What analyseRequest (src/core/features/request-features.ts) does with the text. */
function analyse(t: TextModule, req: Record<string, unknown> | undefined, prompt?: string): number {
  const view = t.viewPrompt(req, prompt);
  const focus = view.system.length > 0 ? `${view.system}\n${view.lastUser}` : view.lastUser;
  const cot = t.cotElicitation(focus);
  const cat = t.categorize(view);
  const sk = t.skeleton(view.lastUser.length > 0 ? view.lastUser : focus);
  const sig = t.minhash(sk);
  return cot.score + cat.scores.reasoning + (sig[0] ?? 0) + t.lshBands(sig, 4).length;
}

interface Case {
  readonly label: string;
  readonly fn: (i: number) => number;
  readonly samples: number[];
}

function cases(name: string, t: TextModule): Case[] {
  const views = PROMPTS.map((p) => t.viewPrompt(p, undefined));
  const focus = views.map((v) => (v.system.length > 0 ? `${v.system}\n${v.lastUser}` : v.lastUser));
  const sks = views.map((v) => t.skeleton(v.lastUser));
  const sigs = sks.map((s) => t.minhash(s));
  const c = (label: string, fn: (i: number) => number): Case => ({ label: `${name} ${label}`, fn, samples: [] });
  return [
    c("viewPrompt", (i) => t.viewPrompt(PROMPTS[i % k], undefined).chars),
    c("cotElicitation", (i) => t.cotElicitation(focus[i % k] ?? "").score),
    c("categorize", (i) => t.categorize(views[i % k] ?? views[0]!).scores.coding),
    c("skeleton", (i) => t.skeleton(views[i % k]?.lastUser ?? "").length),
    c("minhash(skeleton)", (i) => t.minhash(sks[i % k] ?? "")[0] ?? 0),
    c("lshBands(4)", (i) => t.lshBands(sigs[i % k] ?? new Uint32Array(32), 4).length),
    c("all (analyseRequest)", (i) => analyse(t, PROMPTS[i % k]!)),
  ];
}

/** CPU microseconds per call over `iters` calls (process.cpuUsage: less disturbed by other processes than wall time). */
function once(fn: (i: number) => number, iters: number): number {
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) sink += fn(i);
  const c = process.cpuUsage(c0);
  if (sink === -1) console.log("!");
  return (c.user + c.system) / iters;
}

const argv = process.argv.slice(2);
const at = argv.indexOf("--events");
const eventsPath = at >= 0 ? argv[at + 1] : undefined;
if (at >= 0 && eventsPath === undefined) throw new Error("--events needs a file (e.g. from: npx moat simulate --scenario quick --out /tmp/q)");
const modulePaths = argv.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
const modules: [string, TextModule][] = [["now", current]];
for (const [i, path] of modulePaths.entries()) {
  modules.push([`cmp${i + 1}`, (await import(pathToFileURL(resolve(path)).href)) as TextModule]);
}
const baseline: Case = { label: "baseline JSON.parse(body)", fn: (i) => (JSON.parse(bodies[i % k]!) as { model: string }).model.length, samples: [] };
const all: Case[] = [baseline, ...modules.flatMap(([name, t]) => cases(name, t))];

/** Events spread over the file (bad lines skipped), their lines, and the cases that run on them. */
const eventLines: string[] = [];
const events: { request?: Record<string, unknown>; prompt?: string }[] = [];
let eventBaseline: Case | null = null;
if (eventsPath !== undefined) {
  const lines = readFileSync(eventsPath, "utf8").split("\n").filter((l) => l.length > 0);
  const step = Math.max(1, Math.floor(lines.length / 4000));
  for (let i = 0; i < lines.length && events.length < 4000; i += step) {
    try {
      events.push(JSON.parse(lines[i]!) as { request?: Record<string, unknown>; prompt?: string });
      eventLines.push(lines[i]!);
    } catch {
      // a bad line: the simulator writes a few on purpose
    }
  }
  const n = events.length;
  eventBaseline = { label: "events: JSON.parse(line)", fn: (i) => (JSON.parse(eventLines[i % n]!) as { ts: string }).ts.length, samples: [] };
  all.push(eventBaseline);
  for (const [name, t] of modules) {
    all.push({ label: `events: ${name} all`, fn: (i) => analyse(t, events[i % n]?.request, events[i % n]?.prompt), samples: [] });
  }
}

const ROUNDS = 9;
const ITERS = 6_000;
const load0 = loadavg();
for (const c of all) once(c.fn, 2_000); // warm-up
for (let r = 0; r < ROUNDS; r++) for (const c of all) c.samples.push(once(c.fn, ITERS));
const load1 = loadavg();

const min = (xs: readonly number[]): number => Math.min(...xs);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const chars = PROMPTS.map((p) => {
  const v = current.viewPrompt(p, undefined);
  return v.system.length + v.lastUser.length;
});
console.log(`prompts: ${k}, chars (system + last user): ${chars.join(", ")}`);
for (const [i, path] of modulePaths.entries()) console.log(`cmp${i + 1}: ${path}`);
if (eventsPath !== undefined) console.log(`events: ${events.length} from ${eventsPath} (ratios of the "events:" rows are to JSON.parse of the same lines)`);
console.log(`cpus: ${availableParallelism()}, load average before ${load0.map((x) => x.toFixed(2)).join(" ")}, after ${load1.map((x) => x.toFixed(2)).join(" ")}`);
console.log(`${ROUNDS} interleaved rounds of ${ITERS} calls; µs/call of CPU: fastest round, median round; ratio to the baseline's fastest / median`);
for (const c of all) {
  const base = eventBaseline !== null && c.label.startsWith("events:") ? eventBaseline : baseline;
  const b0 = min(base.samples);
  const b1 = median(base.samples);
  const m0 = min(c.samples);
  const m1 = median(c.samples);
  console.log(`${c.label.padEnd(32)} ${m0.toFixed(2).padStart(7)} ${m1.toFixed(2).padStart(7)}   ${(m0 / b0).toFixed(1).padStart(5)}x ${(m1 / b1).toFixed(1).padStart(5)}x`);
}
