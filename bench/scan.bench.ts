/**
 * `npm run bench:scan`: how fast `moat scan` replays a traffic log, and how much state it keeps per
 * account, measured in one run against a baseline that only reads the same file and `JSON.parse`s each
 * line (src/ingest/baseline.ts). Targets: scan <= 3x the baseline's time, <= 2 KB of state per account.
 *
 * The log comes from the project's simulator (default: the `realistic` preset, ~1M events), generated
 * once into a folder under the OS temp dir and reused while preset, seed and scale stay the same.
 * Passes, in this order on the same file: baseline, then the pipeline cut at each stage (ingest;
 * ingest + per-request features; + per-account state; the full scan through `runScan`), then the
 * baseline again, so drift over the run shows up as a gap between the two baselines; then the full scan
 * again (`--scan-runs`, default 2 in all). The time ratio compares the best pass of each side: on a
 * shared machine other work only ever adds time to a pass, so the fastest of a few is the steadiest
 * estimate of each side's own cost (every pass is printed, with the ratio of each scan pass).
 * Memory is heap + external bytes retained by the state, measured after `global.gc()` as the drop when
 * the state is released (so caches and code loaded on the way are not charged to it).
 * Prints a table; asserts nothing.
 *
 * Usage: npm run bench:scan [-- --preset quick] [--seed 1] [--scale 1] [--log events.jsonl [--accounts accounts.jsonl]]
 *        [--only-scan] [--scan-runs 2] [--fresh]
 * Profile: node --expose-gc --cpu-prof --cpu-prof-dir "$(mktemp -d)" --import tsx bench/scan.bench.ts --only-scan
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { AccountRecord } from "../src/core/model/traffic.ts";
import { AccountState, StoreArena, accountFacts, settledFacts } from "../src/core/account/account-state.ts";
import { resolveEngineConfig } from "../src/core/engine/config.ts";
import type { Engine } from "../src/core/engine/engine.ts";
import { analyseRequest } from "../src/core/features/request-features.ts";
import { ContentCache } from "../src/core/features/content-cache.ts";
import { createEnricher } from "../src/enrich/index.ts";
import { openEvents, readAccounts, readAndParseBaseline } from "../src/ingest/index.ts";
import { runScan } from "../src/scan/run-scan.ts";
import type { ScanResult } from "../src/scan/run-scan.ts";
import { PRESETS, runSimulate } from "../src/simulate/index.ts";

const SCAN_TARGET_RATIO = 3;
const STATE_TARGET_BYTES = 2048;

// Heap measurements need global.gc: re-run this same script under --expose-gc when it is missing.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, script, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    preset: { type: "string", default: "realistic" },
    seed: { type: "string", default: "1" },
    scale: { type: "string", default: "1" },
    log: { type: "string" },
    accounts: { type: "string" },
    "only-scan": { type: "boolean", default: false },
    "scan-runs": { type: "string", default: "2" },
    fresh: { type: "boolean", default: false },
  },
});

const SCAN_RUNS = Number(args["scan-runs"]);
if (!Number.isInteger(SCAN_RUNS) || SCAN_RUNS < 1) throw new Error(`--scan-runs ${args["scan-runs"]}: expected a whole number >= 1`);

const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");
const fmtBytes = (n: number): string => (Math.abs(n) >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${fmtInt(n)} B`);
const say = (s: string): void => void process.stdout.write(s + "\n");
const best = (xs: readonly number[]): number => Math.min(...xs);

/**
 * Heap plus off-heap (typed arrays) bytes after full collections. Waits a macrotask first so finished
 * streams and the temporaries of the calling frame are gone (a synchronous gc() right after a pass
 * still saw them retained).
 */
async function retainedBytes(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The log to bench: `--log`, or the simulator's output for preset/seed/scale, generated once and reused. */
async function prepareLog(): Promise<{ events: string; accounts: string | undefined }> {
  if (args.log !== undefined) {
    if (!existsSync(args.log)) throw new Error(`--log ${args.log}: no such file; pass a traffic log (JSONL or JSONL.gz)`);
    return { events: args.log, accounts: args.accounts };
  }
  const seed = Number(args.seed);
  const scale = Number(args.scale);
  const preset = PRESETS[args.preset];
  if (preset === undefined) throw new Error(`--preset ${args.preset}: unknown; use one of ${Object.keys(PRESETS).join(", ")}`);
  // The folder name carries a hash of the preset's definition, so an edited preset is regenerated.
  const key = createHash("sha256").update(JSON.stringify({ preset, seed, scale })).digest("hex").slice(0, 10);
  const dir = join(tmpdir(), "moat-bench-scan", `${args.preset}-seed${seed}-scale${scale}-${key}`);
  const ready = join(dir, "bench-ready.json");
  if (args.fresh) rmSync(dir, { recursive: true, force: true });
  if (existsSync(ready)) {
    const s = JSON.parse(readFileSync(ready, "utf8")) as { events: number; accounts: number; files: { events: string; accounts: string } };
    say(`log: reusing ${dir} (${fmtInt(s.events)} events, ${fmtInt(s.accounts)} accounts; --fresh regenerates)`);
    return { events: s.files.events, accounts: s.files.accounts };
  }
  say(`log: generating preset ${args.preset} (seed ${seed}, scale ${scale}) into ${dir} ...`);
  const s = await runSimulate({ scenario: args.preset, out: dir, seed, scale, progress: process.stderr.isTTY ? process.stderr : null });
  writeFileSync(ready, JSON.stringify(s, null, 2) + "\n");
  say(`log: ${fmtInt(s.events)} events, ${fmtInt(s.accounts)} accounts in ${s.seconds.toFixed(0)} s`);
  return { events: s.files.events, accounts: s.files.accounts };
}

interface Row {
  readonly label: string;
  readonly ms: number;
  /** CPU time of the process (user + system, all threads) over the pass: less sensitive than wall time to a busy machine. */
  readonly cpuMs: number;
  readonly items: number;
  /** The row whose time this stage adds to, for the "+µs/event" column. */
  readonly builtOn?: string;
}

/** Times one pass; `fn` returns what it built and how many events it handled. */
async function time<T>(label: string, fn: () => Promise<{ value: T; items: number }>, builtOn?: string): Promise<{ row: Row; value: T }> {
  process.stderr.write(`  running: ${label} ...`);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { value, items } = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  process.stderr.write(` ${(ms / 1000).toFixed(1)} s (cpu ${(cpuMs / 1000).toFixed(1)} s)\n`);
  return { row: { label, ms, cpuMs, items, ...(builtOn === undefined ? {} : { builtOn }) }, value };
}

const counted = async (p: Promise<number>): Promise<{ value: null; items: number }> => ({ value: null, items: await p });

/** Ingest only: split lines, JSON.parse, validate against the contract, reorder. */
async function ingestOnly(path: string): Promise<number> {
  const { events } = openEvents([path]);
  let n = 0;
  for await (const ev of events) n += ev.t > 0 ? 1 : 0;
  return n;
}

/** Ingest plus the per-request features the engine computes for each exchange (with the scan's content cache). */
async function ingestAndFeatures(path: string): Promise<number> {
  const enricher = createEnricher();
  const cache = new ContentCache();
  const { events } = openEvents([path]);
  let n = 0;
  let sink = 0;
  for await (const ev of events) {
    sink += analyseRequest(ev, enricher, cache).cot;
    n++;
  }
  process.stderr.write(` [content cache: ${((100 * cache.hits) / Math.max(1, cache.hits + cache.misses)).toFixed(1)}% hits, ${fmtInt(cache.size)} entries]`);
  return sink < 0 ? -1 : n;
}

/** Per-account state alone (no linking, no campaigns), as the engine builds it; returns the states. */
async function buildAccountStates(path: string, accountsPath: string | undefined): Promise<{ states: Map<string, AccountState>; events: number; enricher: ReturnType<typeof createEnricher> }> {
  const enricher = createEnricher();
  const maxIpKeys = resolveEngineConfig({}).maxIpKeysPerAccount;
  const records = new Map<string, AccountRecord>();
  if (accountsPath !== undefined) for (const r of (await readAccounts(accountsPath)).accounts) records.set(r.account_id, r);
  const states = new Map<string, AccountState>();
  // Stores carved from an arena and facts settled after the first exchange, as the engine does.
  const arena = new StoreArena();
  const cache = new ContentCache();
  const { events } = openEvents([path]);
  let n = 0;
  for await (const ev of events) {
    const f = analyseRequest(ev, enricher, cache);
    let a = states.get(f.accountId);
    if (a === undefined) {
      a = new AccountState(f.accountId, maxIpKeys, arena);
      const rec = records.get(f.accountId);
      if (rec) a.facts = settledFacts(accountFacts(rec, enricher));
      states.set(f.accountId, a);
    }
    a.update(f, maxIpKeys);
    n++;
  }
  return { states, events: n, enricher };
}

/**
 * One enricher for every scan pass, held by this module: its ASN tables (~400k ranges) and lookup caches are
 * shared infrastructure, not per-account engine state, so they must not be counted when the engine is freed.
 */
const SCAN_ENRICHER = createEnricher();

function scanOptions(path: string, accountsPath: string | undefined): Parameters<typeof runScan>[0] {
  return { events: [path], ...(accountsPath === undefined ? {} : { accounts: accountsPath }), enricher: SCAN_ENRICHER, analyseInWorker: true, now: () => new Date() };
}

/**
 * Drops the scan result but its engine (the report is output, not state), so the heap holds the engine
 * alone; in a function of its own so no stack slot keeps the result alive.
 */
function keepEngineOnly(holder: { result: ScanResult | null }): { engine: Engine | null; info: string } {
  const r = holder.result;
  if (r === null) throw new Error("scan result already released");
  holder.result = null;
  return {
    engine: r.engine,
    info: `scan: ${fmtInt(r.stats.events)} events, ${r.stats.badLines} bad lines, ${r.stats.lateEvents} late; ${r.report.campaigns.length} campaign(s), ${r.report.accounts.length} flagged accounts in the report`,
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

async function main(): Promise<void> {
  const log = await prepareLog();
  const bytes = statSync(log.events).size;
  say(`events: ${log.events} (${fmtBytes(bytes)})${log.accounts ? `\naccounts: ${log.accounts}` : ""}`);
  say(`node ${process.version}, pid ${process.pid}; passes run one after another in this process\n`);

  // Load the shared ASN table and JIT-warm the readers outside every timing.
  createEnricher().ip("8.8.8.8");

  const rows: Row[] = [];
  const baselines: Row[] = [];
  let stateBytes: { perAccount: number; accounts: number } | null = null;

  baselines.push((await time("baseline: read lines + JSON.parse", () => counted(readAndParseBaseline(log.events)))).row);
  if (!args["only-scan"]) {
    rows.push((await time("ingest (openEvents: split, parse, validate, reorder)", () => counted(ingestOnly(log.events)))).row);
    rows.push((await time("ingest + per-request features (analyseRequest)", () => counted(ingestAndFeatures(log.events)), rows[0]!.label)).row);
    const built = await time(
      "ingest + features + AccountState.update",
      async () => {
        const b = await buildAccountStates(log.events, log.accounts);
        return { value: b, items: b.events };
      },
      rows[1]!.label,
    );
    rows.push(built.row);
    const { states, enricher } = built.value;
    const withStates = await retainedBytes();
    const count = states.size;
    states.clear();
    const without = await retainedBytes();
    stateBytes = { perAccount: (withStates - without) / count, accounts: count };
    enricher.ip("8.8.8.8"); // keeps its caches alive through both measurements
  }

  const before = await retainedBytes();
  const scanned = await time(
    "full scan (runScan: ingest + engine + report)",
    async () => {
      const r = await runScan(scanOptions(log.events, log.accounts));
      const value: { result: ScanResult | null } = { result: r };
      return { value, items: r.stats.events };
    },
    rows.at(-1)?.label,
  );
  rows.push(scanned.row);
  const held = keepEngineOnly(scanned.value);
  const withEngine = await retainedBytes();
  const stats = held.engine!.stats();
  const gone = new WeakRef(held.engine!);
  held.engine = null;
  const without = await retainedBytes();
  SCAN_ENRICHER.ip("8.8.8.8"); // keeps the shared enricher alive through both measurements
  const engineBytes = { perAccount: (withEngine - without) / stats.accounts, total: withEngine - without, growth: withEngine - before, released: gone.deref() === undefined };
  baselines.push((await time("baseline again (drift check)", () => counted(readAndParseBaseline(log.events)))).row);
  const scanRuns = [scanned.row];
  for (let k = 2; k <= SCAN_RUNS; k++) {
    const again = await time(`full scan again (pass ${k} of ${SCAN_RUNS})`, async () => {
      const r = await runScan(scanOptions(log.events, log.accounts));
      return { value: null, items: r.stats.events };
    });
    scanRuns.push(again.row);
  }

  const baseMs = best(baselines.map((b) => b.ms));
  const baseCpuMs = best(baselines.map((b) => b.cpuMs));
  // Per-event cost from CPU time: on a shared machine wall time also counts waiting for a core.
  const usPerEvent = (r: Row): number => (r.cpuMs * 1000) / Math.max(1, r.items);
  const out: string[][] = [["stage", "wall s", "cpu s", "events/s", "cpu µs/ev", "+cpu µs/ev", "x baseline", "x baseline cpu"]];
  for (const r of [baselines[0]!, ...rows, baselines[1]!, ...scanRuns.slice(1)]) {
    const base = r.builtOn === undefined ? undefined : rows.find((x) => x.label === r.builtOn);
    const added = base === undefined ? null : usPerEvent(r) - usPerEvent(base);
    out.push([
      r.label,
      (r.ms / 1000).toFixed(1),
      (r.cpuMs / 1000).toFixed(1),
      fmtInt((r.items / r.ms) * 1000),
      usPerEvent(r).toFixed(2),
      added === null ? "" : `${added >= 0 ? "+" : ""}${added.toFixed(2)}`,
      `${(r.ms / baseMs).toFixed(2)}x`,
      `${(r.cpuMs / baseCpuMs).toFixed(2)}x`,
    ]);
  }
  say("\n" + table(out));
  say(`\nevents/s is wall time; "+cpu µs/ev" is what a stage adds to the one above it; "x baseline" divides by the faster of the two baselines.`);
  say(`baselines: ${baselines.map((b) => `${(b.ms / 1000).toFixed(1)} s`).join(", ")} wall (best ${(baseMs / 1000).toFixed(1)} s, ${fmtInt(bytes / (baseMs / 1000) / (1 << 20))} MiB/s); a wide gap means a noisy machine: compare the cpu columns.`);
  say(`full scan passes: ${scanRuns.map((r) => `${(r.ms / 1000).toFixed(1)} s (${(r.ms / baseMs).toFixed(2)}x)`).join(", ")} wall; the result below takes the best.`);
  say(held.info);

  const scanRow = scanRuns.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ratio = scanRow.ms / baseMs;
  const cpuRatio = best(scanRuns.map((r) => r.cpuMs)) / baseCpuMs;
  const lines: string[][] = [["result", "measured", "target", ""]];
  lines.push([`scan time / read+parse baseline time (wall, best of ${scanRuns.length} / best of ${baselines.length})`, `${ratio.toFixed(2)}x`, `<= ${SCAN_TARGET_RATIO}x`, ratio <= SCAN_TARGET_RATIO ? "met" : "NOT met"]);
  lines.push(["scan time / read+parse baseline time (cpu, best / best)", `${cpuRatio.toFixed(2)}x`, `<= ${SCAN_TARGET_RATIO}x`, cpuRatio <= SCAN_TARGET_RATIO ? "met" : "NOT met"]);
  lines.push(["scan throughput", `${fmtInt((scanRow.items / scanRow.ms) * 1000)} ev/s`, "", ""]);
  lines.push(["engine state per tracked account", `${fmtInt(engineBytes.perAccount)} B`, `<= ${fmtInt(STATE_TARGET_BYTES)} B`, engineBytes.perAccount <= STATE_TARGET_BYTES ? "met" : "NOT met"]);
  if (stateBytes !== null) {
    lines.push(["  of which AccountState (sketches, facts)", `${fmtInt(stateBytes.perAccount)} B`, "", ""]);
    lines.push(["  of which the rest (groups, campaigns, records)", `${fmtInt(engineBytes.perAccount - stateBytes.perAccount)} B`, "", ""]);
  }
  say("\n" + table(lines));
  say(
    `\nengine: ${fmtBytes(engineBytes.total)} retained for ${fmtInt(stats.accounts)} accounts, ${fmtInt(stats.groups)} groups, ${fmtInt(stats.campaigns)} campaign(s), ${fmtInt(stats.events)} events` +
      ` (heap growth over the whole scan, enricher caches and code included: ${fmtBytes(engineBytes.growth)})`,
  );
  if (!engineBytes.released) say("warning: the engine was still reachable after release, so its bytes above are understated");
  say(`peak RSS ${fmtBytes(process.resourceUsage().maxRSS * 1024)}`);
}

await main();
