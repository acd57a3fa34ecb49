/**
 * Per-request text analysis cost: viewPrompt + cotElicitation + categorize + skeleton +
 * minhash on typical ~500-character prompts, in microseconds per call, with the cost of
 * JSON.parse of the same request body as the baseline measured in the same run (a cost every
 * gateway pays anyway). Prints numbers; asserts nothing.
 *
 *   node --import tsx bench/text.bench.ts
 */
import { categorize, cotElicitation, lshBands, minhash, skeleton, viewPrompt } from "../src/core/text/index.ts";

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
];

const bodies = PROMPTS.map((p) => JSON.stringify(p));

function analyse(req: Record<string, unknown>): number {
  const v = viewPrompt(req, undefined);
  const cot = cotElicitation(v.system + "\n" + v.lastUser);
  const cat = categorize(v);
  const sk = skeleton(v.lastUser);
  const sig = minhash(sk);
  return cot.score + cat.scores.reasoning + sig[0]! + lshBands(sig, 8).length;
}

/** CPU time per call (process.cpuUsage), which other processes on a busy machine disturb less than wall time. */
function time(label: string, iters: number, fn: (i: number) => number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(iters, 2000); i++) sink += fn(i); // warm-up
  const c0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) sink += fn(i);
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / iters;
  console.log(`${label.padEnd(34)} ${us.toFixed(2).padStart(8)} µs/call${sink === -1 ? "!" : ""}`);
  return us;
}

const N = 40_000;
const k = PROMPTS.length;
const views = PROMPTS.map((p) => viewPrompt(p, undefined));
const chars = views.map((v) => v.system.length + v.lastUser.length);
console.log(`prompts: ${k}, chars (system + last user): ${chars.join(", ")}`);
const base = time("baseline: JSON.parse(body)", N, (i) => (JSON.parse(bodies[i % k]!) as { model: string }).model.length);
time("viewPrompt", N, (i) => viewPrompt(PROMPTS[i % k], undefined).chars);
time("cotElicitation(system + last user)", N, (i) => cotElicitation(views[i % k]!.system + "\n" + views[i % k]!.lastUser).score);
time("categorize", N, (i) => categorize(views[i % k]!).scores.coding);
time("skeleton", N, (i) => skeleton(views[i % k]!.lastUser).length);
time("minhash(last user) 32", N, (i) => minhash(views[i % k]!.lastUser)[0]!);
time("minhash(skeleton) 32", N, (i) => minhash(skeleton(views[i % k]!.lastUser))[0]!);
const all = time("all (+ lshBands 8)", N, (i) => analyse(PROMPTS[i % k]!));
console.log(`all / baseline = ${(all / base).toFixed(1)}x`);
