/**
 * What forgetting idle accounts saves a long-running engine (`Engine.forgetIdle`, which the gateway drives with
 * `limits.forgetIdleAccountsAfterHours`). Churning traffic, generated in-process: every day new accounts arrive,
 * send a few exchanges on a few days and go quiet; a steady core of accounts sends every day. The same traffic
 * goes through two engines, one that never forgets (the baseline, measured in the same run) and one that forgets
 * accounts idle past the horizon, swept in slices as the gateway does. Printed: accounts held and retained bytes
 * at the end, as a ratio against the baseline; the longest sweep; and whether both engines judge every account
 * that is still active the same.
 *
 *   npm run bench:forget                         # 60 days, 1,000 new accounts a day, horizon 7 days
 *   npm run bench:forget -- --days 120 --per-day 2000 --horizon-days 30
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Engine } from "../src/core/engine/engine.ts";
import { MemoryEnricher } from "../src/core/ports/memory-enricher.ts";
import type { TimedEvent, TrafficEvent } from "../src/core/model/traffic.ts";
import { rng } from "../src/core/testing/mini-traffic.ts";

// Heap measurements need global.gc: re-run this same script under --expose-gc when it is missing.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const child = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "60" },
    "per-day": { type: "string", default: "1000" },
    core: { type: "string", default: "500" },
    "horizon-days": { type: "string", default: "7" },
    seed: { type: "string", default: "1" },
  },
});
const num = (name: keyof typeof args, min: number): number => {
  const v = Number(args[name]);
  if (!Number.isFinite(v) || v < min) throw new Error(`--${name} ${String(args[name])}: expected a number >= ${min}`);
  return v;
};
const DAYS = num("days", 1);
const PER_DAY = num("per-day", 1);
const CORE = num("core", 0);
const HORIZON = num("horizon-days", 1) * 86_400_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
/** The gateway's slice: accounts looked at per call (one call every 10 s of wall time; here, every event-time hour). */
const BUDGET = 5_000;

const TOPICS = ["a birthday message", "dinner ideas", "a cover letter", "my garden", "a trip to Lisbon", "a bug in my script", "a poem about rain", "tax forms", "a workout plan", "a book club"];
const ASKS = ["Can you help me with", "Give me three ideas for", "What should I know about", "Write a short note on", "Any tips on"];

/** The whole workload in time order: churning accounts (active on 1-3 days, 2-8 exchanges a day) and a steady core. */
function workload(seed: number): TimedEvent[] {
  const r = rng(seed);
  const out: TimedEvent[] = [];
  const push = (t: number, account: string, ip: string): void => {
    const text = `${ASKS[Math.floor(r() * ASKS.length)]} ${TOPICS[Math.floor(r() * TOPICS.length)]}? (${Math.floor(r() * 1e6)})`;
    const event = { ts: new Date(t).toISOString(), account_id: account, ip, user_agent: "Mozilla/5.0 (Macintosh) Safari/605.1", endpoint: "/v1/messages", model: "claude-sonnet-4", request: { model: "claude-sonnet-4", max_tokens: 1024, messages: [{ role: "user", content: text }] } } as TrafficEvent;
    out.push({ t, event });
  };
  let n = 0;
  for (let d = 0; d < DAYS; d++) {
    for (let i = 0; i < PER_DAY; i++, n++) {
      const id = `churn_${n}`;
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const activeDays = 1 + Math.floor(r() * 3);
      for (let k = 0; k < activeDays && d + k < DAYS; k++) {
        const perDay = 2 + Math.floor(r() * 7);
        for (let j = 0; j < perDay; j++) push(T0 + (d + k) * DAY + Math.floor(r() * DAY), id, ip);
      }
    }
    for (let c = 0; c < CORE; c++) push(T0 + d * DAY + Math.floor(r() * DAY), `core_${c}`, `172.16.${c >> 8}.${c & 255}`);
  }
  return out.sort((a, b) => a.t - b.t);
}

async function retainedBytes(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc!();
  gc!();
  const m = process.memoryUsage();
  if (process.env["DEBUG_MEM"]) say(`  heap ${fmtMiB(m.heapUsed)} external ${fmtMiB(m.external)} arrayBuffers ${fmtMiB(m.arrayBuffers)}`);
  return m.heapUsed + m.external;
}

interface Run {
  readonly engine: Engine;
  readonly seconds: number;
  readonly sweepSeconds: number;
  readonly longestSweepMs: number;
}

function run(events: readonly TimedEvent[], forget: boolean): Run {
  const engine = new Engine({ enricher: new MemoryEnricher() });
  let nextSweep = Number.NEGATIVE_INFINITY;
  let longest = 0;
  let sweeping = 0;
  const t0 = performance.now();
  for (const ev of events) {
    if (forget && ev.t >= nextSweep) {
      nextSweep = ev.t + HOUR;
      const s0 = performance.now();
      engine.forgetIdle(engine.now() - HORIZON, BUDGET);
      const ms = performance.now() - s0;
      sweeping += ms;
      longest = Math.max(longest, ms);
    }
    engine.observe(ev);
  }
  return { engine, seconds: (performance.now() - t0) / 1000, sweepSeconds: sweeping / 1000, longestSweepMs: longest };
}

const fmtMiB = (b: number): string => `${(b / (1 << 20)).toFixed(1)} MiB`;
const say = (s: string): void => void process.stdout.write(s + "\n");

const events = workload(Number(args.seed));
say(`churn: ${DAYS} days, ${PER_DAY} new accounts a day (active 1-3 days), ${CORE} steady accounts; ${events.length.toLocaleString("en-US")} exchanges; horizon ${HORIZON / DAY} days`);
let keep: Run | null = run(events, false);
let lean: Run | null = run(events, true);
const keepStats = keep.engine.stats();
const leanStats = lean.engine.stats();
// Accounts active within the horizon are held by both: their judgement must not depend on forgetting.
let compared = 0;
let differ = 0;
for (const id of lean.engine.accountIds()) {
  const a = keep.engine.assess(id);
  const b = lean.engine.assess(id);
  compared++;
  if (a.verdict !== b.verdict || (a.flaggedAt === null) !== (b.flaggedAt === null)) differ++;
}
const [keepSeconds, leanSeconds, sweepSeconds, longest] = [keep.seconds, lean.seconds, lean.sweepSeconds, lean.longestSweepMs];
// Each engine's size is what letting it go gives back (measured after full collections, heap and typed arrays).
const both = await retainedBytes();
lean = null;
const keepOnly = await retainedBytes();
keep = null;
const none = await retainedBytes();
const keepBytes = keepOnly - none;
const leanBytes = both - keepOnly;
const perAccount = (b: number, n: number): string => `${Math.round(b / n).toLocaleString("en-US")} B per account held`;
say(`never forgets (baseline): ${keepStats.accounts.toLocaleString("en-US")} accounts held, ${fmtMiB(keepBytes)} (${perAccount(keepBytes, keepStats.accounts)}), ${keepSeconds.toFixed(1)} s`);
say(
  `forgets idle:             ${leanStats.accounts.toLocaleString("en-US")} accounts held (${leanStats.forgotten.toLocaleString("en-US")} forgotten), ${fmtMiB(leanBytes)} (${perAccount(leanBytes, leanStats.accounts)}), ${leanSeconds.toFixed(1)} s, of which sweeps ${sweepSeconds.toFixed(2)} s; longest sweep ${longest.toFixed(1)} ms (${BUDGET.toLocaleString("en-US")} accounts a slice, one an event-time hour)`,
);
say(`accounts held by both judged alike: ${compared - differ} of ${compared}${differ > 0 ? ` (${differ} differ)` : ""}`);
say(`ratio forgets/never: accounts held ${(leanStats.accounts / keepStats.accounts).toFixed(3)}, memory ${(leanBytes / keepBytes).toFixed(3)}, time ${(leanSeconds / keepSeconds).toFixed(2)}`);
