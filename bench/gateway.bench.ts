/**
 * `npm run bench:gateway`: what moat adds on the request path, against three profiles in one run:
 *
 * - zero-latency: the stub answers at once. No LLM API does; this is the worst case, pure proxy overhead.
 * - LLM-like: the stub answers 50 ms after the request, and half the requests are streams whose 8 more
 *   events come 5 ms apart (`LLM_LIKE` in src/gateway/testing/upstream-stub.ts). Real APIs take hundreds
 *   of ms to the first token and seconds to a full answer: these values are well below them on purpose.
 * - agentic: LLM-like timing, and the requests are a coding agent's (`agentic-body.ts`, 15–43 KB each).
 *
 * For each profile a light upstream stub runs in its own process; `moat serve` (enforce mode, real engine,
 * default policy, traffic log and state file on disk) runs in another, as deployed; a bare Node proxy (no
 * moat logic) runs in a third, as the floor of any proxy hop. The load generator sends the same
 * chat-completion requests at concurrency 64 straight to the stub, through the bare proxy and through moat,
 * alternating rounds, and prints the added p50/p99 latency, the throughput ratios, CPU time per request of
 * each process and the load average (the machine may be shared: CPU per request is steadier than wall
 * time), then a summary table of the profiles. Loopback only; bounded counts.
 * Profile moat with MOAT_BENCH_PROF=<private dir>; pass it more node flags with MOAT_BENCH_NODE_FLAGS (e.g.
 * "--trace-gc-nvp"), more `moat serve` arguments with MOAT_BENCH_SERVE_ARGS (e.g. "--mode shadow"), and send
 * its stdout to a file with MOAT_BENCH_STDOUT=<file>.
 *
 * Usage: npm run bench:gateway [-- --requests 20000 --llm-requests 6000 --agentic-requests 3000 --rounds 3 --concurrency 64 --accounts 500 --profiles instant,llm,agentic]
 */
import http from "node:http";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { agenticBody } from "./agentic-body.ts";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "..");

/**
 * The floor of any Node proxy hop: a bare forwarder with the same upstream pool as moat's (undici's `Pool`,
 * same settings) and nothing else (no auth, parsing, engine, log). Moat's own cost is what it adds above this.
 */
async function runBareRole(upstream: string): Promise<void> {
  const { Pool } = await import("undici");
  const { UPSTREAM_POOL, clientHeaders } = await import("../src/gateway/upstream.ts");
  const pool = new Pool(new URL(upstream).origin, UPSTREAM_POOL);
  const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      pool.dispatch(
        { method: "POST", path: req.url ?? "/", headers: ["content-type", "application/json", "content-length", String(body.length)], body },
        {
          onConnect: () => undefined,
          onHeaders: (status: number, raw: Buffer[] | string[] | null, resume: () => void) => {
            res.on("drain", resume);
            res.writeHead(status, clientHeaders((raw ?? []).map(String), false));
            return true;
          },
          onData: (c: Buffer) => res.write(c),
          onComplete: () => void res.end(),
          onError: () => void res.destroy(),
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  process.stdout.write(`BARE http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}\n`);
}

async function runStubRole(profile: string): Promise<void> {
  const { startUpstreamStub, LLM_LIKE } = await import("../src/gateway/testing/upstream-stub.ts");
  const stub = await startUpstreamStub(profile === "instant" ? { light: true } : { light: true, timing: LLM_LIKE });
  process.stdout.write(`STUB ${stub.url}\n`);
}

function waitFor(child: ChildProcess, stream: "stdout" | "stderr", re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    child[stream]?.on("data", (c: Buffer) => {
      buf += c.toString();
      const m = re.exec(buf);
      if (m?.[1]) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${buf}`)));
  });
}

interface Round {
  readonly latenciesMs: Float64Array;
  readonly seconds: number;
  /** Answers other than 200 (moat enforcing on the bench's own traffic), by status: counted, not fatal. */
  readonly refused: Readonly<Record<number, number>>;
}

const PROMPTS = [
  "Summarise the following meeting notes in three bullet points",
  "Write a SQL query that returns the top customers by revenue",
  "Translate this paragraph into French",
  "What is the capital of Australia and why is it not Sydney?",
  "Explain the difference between TCP and UDP",
  "Draft a polite reply declining the invitation",
];

/** Steps of one agent task in the agentic profile: its bodies grow from ~15 KB (step 0) to ~43 KB (step 11). */
const AGENT_STEPS = 12;

/** A short chat request (the zero-latency and LLM-like profiles). */
function chatBody(i: number, seed: number, stream: boolean): string {
  return JSON.stringify({
    model: "gpt-bench",
    max_completion_tokens: 512,
    temperature: 0.7,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      // The seed is in the text: each round (and the warm-up) sends prompts the engine has not analysed yet, as
      // live traffic mostly does. Before session 7 every round sent the same texts, and rounds after the first
      // were served from the engine's content cache; the gateway's content memo (session 11) would do the same.
      { role: "user", content: `${PROMPTS[i % PROMPTS.length]} (request ${i} of batch ${seed}, ref ${(i * 2654435761) % 100000})` },
    ],
  });
}

/**
 * Sends `n` requests at `concurrency` to `url`; returns per-request latency (to the last byte of the answer)
 * and wall time. `streamShare` 0.5: every other request asks for a stream. `agentic`: request i is step
 * i % AGENT_STEPS of an agent task (`agenticBody`), each task on one account, new tasks in every round.
 */
async function load(url: string, n: number, concurrency: number, accounts: number, seed: number, streamShare = 0, agentic = false): Promise<Round> {
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat = new Float64Array(n);
  const refused: Record<number, number> = {};
  let next = 0;
  const one = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const stream = streamShare > 0 && i % Math.round(1 / streamShare) === 0;
      const task = seed * 1_000_000 + Math.floor(i / AGENT_STEPS);
      const acct = agentic ? (task * 7919) % accounts : (i * 7919 + seed) % accounts;
      const body = agentic ? agenticBody(task, i % AGENT_STEPS, stream) : chatBody(i, seed, stream);
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          host: u.hostname,
          port: u.port,
          method: "POST",
          path: "/v1/chat/completions",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer moat-bench-key-${acct}`, "user-agent": "OpenAI/Python 1.82.0" },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            lat[i] = performance.now() - t0;
            const status = res.statusCode ?? 0;
            if (status !== 200) refused[status] = (refused[status] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await one(i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latenciesMs: lat, seconds, refused };
}

function quantile(xs: Float64Array, q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

function merge(rounds: Round[]): { lat: Float64Array; rps: number } {
  const total = rounds.reduce((s, r) => s + r.latenciesMs.length, 0);
  const lat = new Float64Array(total);
  let o = 0;
  for (const r of rounds) {
    lat.set(r.latenciesMs, o);
    o += r.latenciesMs.length;
  }
  return { lat, rps: total / rounds.reduce((s, r) => s + r.seconds, 0) };
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Pinning needs taskset (util-linux) and two CPUs. */
function hasTaskset(): boolean {
  return availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
}

interface Side {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

interface ProfileResult {
  readonly label: string;
  readonly direct: Side;
  readonly bare: Side;
  readonly moat: Side;
  readonly moatCpuUs: number;
  readonly bareCpuUs: number;
  readonly stubCpuUs: number;
  /** Requests moat answered itself (not 200): they never reached the stub, so they would flatter moat's numbers. */
  readonly moatRefused: number;
}

/** The targets cell: a run where moat refused some of the load measures less than the full path, so it does not count. */
function verdictOf(r: ProfileResult, p99: number, ratio: number): string {
  if (r.moatRefused > 0) return `not valid: moat answered ${r.moatRefused} requests itself`;
  return ratio >= 0.7 && p99 < 2 ? "met" : "NOT met";
}

const PROFILES = ["instant", "llm", "agentic"] as const;
type Profile = (typeof PROFILES)[number];

interface RunOptions {
  readonly n: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly accounts: number;
  readonly pin: boolean;
  readonly dir: string;
  /** CPUs of the machine (read before this process pinned itself to one). */
  readonly cpus: number;
}

/** "moat none" or "moat 3 (403: 1, 429: 2)": statuses other than 200 over a side's rounds. */
function refusedLine(name: string, rounds: readonly Round[]): string {
  const by: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.refused)) by[k] = (by[k] ?? 0) + v;
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  return total === 0 ? `${name} none` : `${name} ${total} (${Object.entries(by).map(([k, v]) => `${k}: ${v}`).join(", ")})`;
}

const side = (rounds: Round[]): Side => {
  const m = merge(rounds);
  return { rps: m.rps, p50: quantile(m.lat, 0.5), p99: quantile(m.lat, 0.99) };
};

/**
 * One profile: its own stub, bare proxy and moat (fresh engine and data directory), a warm-up, then
 * `rounds` rounds of direct / bare / moat at `concurrency`, and (zero-latency only) an unloaded pass.
 */
async function runProfile(profile: Profile, o: RunOptions): Promise<ProfileResult> {
  const { n, rounds, concurrency, accounts } = o;
  const label = {
    instant: "zero-latency stub (worst case: pure proxy overhead)",
    llm: "LLM-like (50 ms to first byte; half streams, 8 more events 5 ms apart)",
    agentic: `agentic (LLM-like timing; coding-agent bodies of 15-43 KB: system prompt, 12 tools, a tool loop of ${AGENT_STEPS} steps per task)`,
  }[profile];
  const agentic = profile === "agentic";
  const streamShare = profile === "instant" ? 0 : 0.5;
  const dir = join(o.dir, profile);
  mkdirSync(dir);
  const children: ChildProcess[] = [];
  const onCpu = (cpu: number, cmd: string, args: string[]): [string, string[]] => (o.pin ? ["taskset", ["-c", String(cpu), cmd, ...args]] : [cmd, args]);
  try {
    const stub = spawn(...onCpu(0, process.execPath, ["--import", "tsx", join(here, "gateway.bench.ts"), "--role", "stub", "--profile", profile]), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    children.push(stub);
    const stubUrl = await waitFor(stub, "stdout", /STUB (\S+)/);
    const bare = spawn(...onCpu(1, process.execPath, ["--import", "tsx", join(here, "gateway.bench.ts"), "--role", "bare", "--upstream", stubUrl]), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    children.push(bare);
    const bareUrl = await waitFor(bare, "stdout", /BARE (\S+)/);
    const keys = Array.from({ length: accounts }, (_, i) => `  moat-bench-key-${i}: { account_id: acct_${i}${i % 10 === 0 ? `, org_id: org_${i % 50}` : ""} }`).join("\n");
    writeFileSync(
      join(dir, "moat.yaml"),
      `listen: { host: 127.0.0.1, port: 0 }\nmode: enforce\nupstreams:\n  openai: { url: "${stubUrl}", apiKey: sk-bench }\nkeys:\n${keys}\nadmin: { token: bench-admin-token-0000000000 }\ndataDir: data\n`,
    );
    const prof = [...(process.env["MOAT_BENCH_PROF"] ? ["--cpu-prof", "--cpu-prof-dir", process.env["MOAT_BENCH_PROF"]] : []), ...(process.env["MOAT_BENCH_NODE_FLAGS"] ?? "").split(" ").filter(Boolean)];
    const gw = spawn(...onCpu(1, process.execPath, [...prof, join(root, "bin/moat.mjs"), "serve", "-c", join(dir, "moat.yaml"), ...(process.env["MOAT_BENCH_SERVE_ARGS"] ?? "").split(" ").filter(Boolean)]), { cwd: dir, stdio: ["ignore", process.env["MOAT_BENCH_STDOUT"] ? openSync(process.env["MOAT_BENCH_STDOUT"], "w") : "ignore", "pipe"] });
    children.push(gw);
    const gwUrl = await waitFor(gw, "stderr", /listening on (http:\/\/\S+)/);

    process.stdout.write(`\n== ${label}: ${n} requests x ${rounds} rounds per side\n`);
    const [load1] = loadavg();
    // Warm-up: every account past the engine's new-account window, JIT warm on every side. Two passes, each
    // on its own connections (a load closes its connections at the end, as every round does): the first
    // connections to close and the first new ones after them make V8 drop and redo optimised code of Node's
    // HTTP server, timers and streams (`--trace-deopt`: "wrong map", "code dependencies"), once per process.
    // With one pass that happened in round 1, which then ran at ~85 % of the later rounds' rate on every run;
    // a gateway that has been up for a minute is past it.
    const warm = Math.min(n, 3000);
    for (const pass of [1, 2]) {
      await load(stubUrl, warm, concurrency, accounts, pass, streamShare, agentic);
      await load(gwUrl, Math.max(warm, accounts * 6), concurrency, accounts, pass, streamShare, agentic);
      await load(bareUrl, warm, concurrency, accounts, pass, streamShare, agentic);
    }
    const direct: Round[] = [];
    const bareRounds: Round[] = [];
    const moat: Round[] = [];
    let bareCpu = 0;
    let moatCpu = 0;
    let stubCpu = 0;
    for (let r = 0; r < rounds; r++) {
      direct.push(await load(stubUrl, n, concurrency, accounts, 100 + r, streamShare, agentic));
      const b0 = cpuSeconds(bare.pid) ?? 0;
      bareRounds.push(await load(bareUrl, n, concurrency, accounts, 100 + r, streamShare, agentic));
      bareCpu += (cpuSeconds(bare.pid) ?? 0) - b0;
      const c0 = cpuSeconds(gw.pid) ?? 0;
      const s0 = cpuSeconds(stub.pid) ?? 0;
      moat.push(await load(gwUrl, n, concurrency, accounts, 100 + r, streamShare, agentic));
      moatCpu += (cpuSeconds(gw.pid) ?? 0) - c0;
      stubCpu += (cpuSeconds(stub.pid) ?? 0) - s0;
      const d = direct[r] as Round;
      const m = moat[r] as Round;
      const b = bareRounds[r] as Round;
      process.stdout.write(`  round ${r + 1}: direct ${(n / d.seconds).toFixed(0)} req/s p99 ${quantile(d.latenciesMs, 0.99).toFixed(2)} ms | bare proxy ${(n / b.seconds).toFixed(0)} req/s p99 ${quantile(b.latenciesMs, 0.99).toFixed(2)} ms | moat ${(n / m.seconds).toFixed(0)} req/s p99 ${quantile(m.latenciesMs, 0.99).toFixed(2)} ms\n`);
    }
    // Unloaded (zero-latency only: at 50+ ms a request it would take minutes): one request at a time, so the
    // difference is moat's own work, not queueing behind a busy core.
    let unloaded = "";
    if (profile === "instant") {
      const n1 = Math.min(n, 2000);
      const d1 = await load(stubUrl, n1, 1, accounts, 7);
      const m1 = await load(gwUrl, n1, 1, accounts, 7);
      unloaded = `unloaded (concurrency 1, ${n1} requests): added p50 ${(quantile(m1.latenciesMs, 0.5) - quantile(d1.latenciesMs, 0.5)).toFixed(2)} ms, p99 ${(quantile(m1.latenciesMs, 0.99) - quantile(d1.latenciesMs, 0.99)).toFixed(2)} ms`;
    }
    const metrics = await (await fetch(`${gwUrl}/admin/metrics`, { headers: { authorization: "Bearer bench-admin-token-0000000000" } })).text();
    const metric = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? NaN) * 1000;
    const gcLine = (kind: string): string => {
      const n = metric(new RegExp(`^moat_gc_pause_seconds_count\\{kind="${kind}"\\} (\\S+)$`, "m")) / 1000;
      if (!(n > 0)) return `no ${kind} GC`;
      const q = (x: string) => metric(new RegExp(`^moat_gc_pause_seconds\\{kind="${kind}",quantile="${x}"\\} (\\S+)$`, "m")).toFixed(2);
      const sum = metric(new RegExp(`^moat_gc_pause_seconds_sum\\{kind="${kind}"\\} (\\S+)$`, "m"));
      return `${n} ${kind === "minor" ? "scavenges" : "major"} (total ${sum.toFixed(0)} ms), p50 ${q("0.5")} ms, p99 ${q("0.99")} ms, max ${q("1")} ms`;
    };
    const late = (q: string) => metric(new RegExp(`^moat_event_loop_delay_seconds\\{quantile="${q}"\\} (\\S+)$`, "m")) - 10;
    const res: ProfileResult = {
      label,
      direct: side(direct),
      bare: side(bareRounds),
      moat: side(moat),
      moatCpuUs: (moatCpu / (n * rounds)) * 1e6,
      moatRefused: moat.reduce((sum, r) => sum + Object.values(r.refused).reduce((a, b) => a + b, 0), 0),
      bareCpuUs: (bareCpu / (n * rounds)) * 1e6,
      stubCpuUs: (stubCpu / (n * rounds)) * 1e6,
    };
    const { direct: d, bare: b, moat: m } = res;
    const p99 = m.p99 - d.p99;
    const ratio = m.rps / d.rps;
    const [loadAfter] = loadavg();
    process.stdout.write(
      [
        `direct: ${d.rps.toFixed(0)} req/s, p50 ${d.p50.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms`,
        `moat:   ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms`,
        `bare proxy (floor of any Node hop): ${b.rps.toFixed(0)} req/s (${((b.rps / d.rps) * 100).toFixed(1)}% of direct), p50 ${b.p50.toFixed(2)} ms, p99 ${b.p99.toFixed(2)} ms, added p99 ${(b.p99 - d.p99).toFixed(2)} ms`,
        `added latency: p50 ${(m.p50 - d.p50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms   (target p99 < 2 ms: ${res.moatRefused > 0 ? "not valid" : p99 < 2 ? "met" : "NOT met"})`,
        `throughput ratio moat/direct: ${(ratio * 100).toFixed(1)}%   (target >= 70%: ${res.moatRefused > 0 ? "not valid" : ratio >= 0.7 ? "met" : "NOT met"})`,
        `answers other than 200: ${refusedLine("moat", moat)}; ${refusedLine("direct", direct)}; ${refusedLine("bare proxy", bareRounds)}`,
        ...(unloaded ? [unloaded] : []),
        `engine.observe inside moat (new accounts, last 2048): p50 ${metric(/^moat_engine_observe_seconds\{quantile="0.5"\} (\S+)$/m).toFixed(3)} ms, p99 ${metric(/^moat_engine_observe_seconds\{quantile="0.99"\} (\S+)$/m).toFixed(3)} ms`,
        `CPU per request: moat ${res.moatCpuUs.toFixed(0)} us, bare proxy ${res.bareCpuUs.toFixed(0)} us, upstream stub ${res.stubCpuUs.toFixed(0)} us (during moat's rounds)`,
        `engine work deferred after forwarding (last 2048 batches): p50 ${metric(/^moat_engine_deferred_seconds\{quantile="0.5"\} (\S+)$/m).toFixed(3)} ms per exchange`,
        `moat's event loop ran a 10 ms timer late (since start, warm-up included) by: p50 ${late("0.5").toFixed(2)} ms, p99 ${late("0.99").toFixed(2)} ms, max ${late("1").toFixed(1)} ms`,
        `moat's GC pauses (since start): ${gcLine("minor")}; ${gcLine("major")}`,
        `added p99 per round (moat minus direct of the same round): ${moat.map((m, i) => (quantile(m.latenciesMs, 0.99) - quantile((direct[i] as Round).latenciesMs, 0.99)).toFixed(2)).join(", ")} ms`,
        `load average: ${(load1 ?? 0).toFixed(2)} before, ${(loadAfter ?? 0).toFixed(2)} after (${o.cpus} CPUs)`,
        "",
      ].join("\n"),
    );
    return res;
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      upstream: { type: "string" },
      profile: { type: "string", default: "instant" },
      profiles: { type: "string", default: PROFILES.join(",") },
      pin: { type: "boolean", default: true },
      requests: { type: "string", default: "20000" },
      "llm-requests": { type: "string", default: "6000" },
      "agentic-requests": { type: "string", default: "3000" },
      concurrency: { type: "string", default: "64" },
      accounts: { type: "string", default: "500" },
      rounds: { type: "string", default: "3" },
    },
  });
  if (values.role === "stub") return runStubRole(values.profile ?? "instant");
  if (values.role === "bare") return runBareRole(values.upstream ?? "");
  const asked = (values.profiles ?? "").split(",").map((p) => p.trim());
  const profiles = asked.filter((p): p is Profile => (PROFILES as readonly string[]).includes(p));
  if (profiles.length === 0 || profiles.length !== asked.length) throw new Error(`--profiles takes ${PROFILES.join(", ")} (comma-separated), got ${JSON.stringify(values.profiles)}`);
  const dir = mkdtempSync(join(tmpdir(), "moat-bench-"));
  try {
    const cpus = availableParallelism();
    const pin = values.pin && hasTaskset();
    if (pin) spawnSync("taskset", ["-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
    const concurrency = Number(values.concurrency);
    const accounts = Number(values.accounts);
    process.stdout.write(
      `gateway bench: concurrency ${concurrency}, ${accounts} accounts; stub, bare proxy and moat (enforce mode, real engine, default policy, log and state on disk) in separate processes; ` +
        `${pin ? "load generator + stub pinned to CPU 0, each proxy to CPU 1 (moat gets one core)" : "not pinned (all processes share every core)"}\n`,
    );
    const [load1] = loadavg();
    if ((load1 ?? 0) > cpus / 2)
      process.stdout.write(`note: load average ${(load1 ?? 0).toFixed(1)} on ${cpus} CPUs before the run: other work on this machine will skew wall-clock numbers (CPU per request is steadier)\n`);
    const results: ProfileResult[] = [];
    for (const p of profiles) {
      const n = Number(p === "llm" ? values["llm-requests"] : p === "agentic" ? values["agentic-requests"] : values.requests);
      results.push(await runProfile(p, { n, rounds: Number(values.rounds), concurrency, accounts, pin, dir, cpus }));
    }
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    process.stdout.write(
      [
        `\nsummary (concurrency ${concurrency}; targets: added p99 < 2 ms, moat >= 70% of direct)`,
        "| profile | direct req/s | moat / direct | bare proxy / direct | added p50 | added p99 | moat CPU/request | bare proxy CPU/request | targets |",
        "|---|---|---|---|---|---|---|---|---|",
        ...results.map((r) => {
          const ratio = r.moat.rps / r.direct.rps;
          const p99 = r.moat.p99 - r.direct.p99;
          return `| ${r.label} | ${r.direct.rps.toFixed(0)} | ${pct(ratio)} | ${pct(r.bare.rps / r.direct.rps)} | ${ms(r.moat.p50 - r.direct.p50)} | ${ms(p99)} | ${r.moatCpuUs.toFixed(0)} µs | ${r.bareCpuUs.toFixed(0)} µs | ${verdictOf(r, p99, ratio)} |`;
        }),
        "",
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
