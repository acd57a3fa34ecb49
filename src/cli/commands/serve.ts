/**
 * `moat serve`: the gateway's composition root. Reads and validates the config and policy once, opens
 * the state store and traffic log in the data directory, builds the real engine and enricher, replays
 * the traffic log, listens, and shuts down cleanly on SIGINT/SIGTERM. See docs/gateway.md.
 *
 * The gateway runs on a worker thread of this process whose young generation is set larger than Node's
 * default (`--young-generation`, default 96 MB: two 32 MB semi-spaces instead of 16 MB). The reason is the
 * latency tail. With the default size the young generation is collected every ~0.2 s under load, so the state
 * of requests in flight and of each account's last few exchanges lives through two collections and is promoted.
 * That fills the old generation, and V8 then runs a mark-compact every few seconds (6-36 ms of pause each).
 * Twice the room lets that state die young: no mark-compact at all in the LLM-like bench, added p99 from 3-10 ms
 * down to under 2 ms (docs/gateway.md, "Session 5"). V8 reads that size only when a heap is created, so a running
 * process cannot change its own; a worker gets its own heap, and it stays one process, so `kill -9`,
 * signals and the exit code behave as before. `--young-generation 0` runs on the main thread with Node's defaults.
 */
import type { Command } from "commander";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { UserError } from "../user-error.ts";
import { ConfigError, loadGatewayConfig, type GatewayConfig } from "../../gateway/config.ts";
import { DEFAULT_POLICY_YAML } from "../../gateway/default-policy.ts";
import { loadPolicy, startGateway } from "../../gateway/gateway.ts";
import { PolicyError } from "../../gateway/policy.ts";
import { Engine } from "../../core/engine/engine.ts";
import type { EngineConfigInput } from "../../core/engine/config.ts";
import type { AccountRecord } from "../../core/model/traffic.ts";
import { createEnricher } from "../../enrich/index.ts";
import { readAccounts } from "../../ingest/index.ts";
import { FileStateStore } from "../../stores/file-state-store.ts";
import { StateStoreError } from "../../stores/state-store.ts";
import { TrafficLogWriter, listTrafficLogFiles } from "../../stores/traffic-log.ts";

export interface ServeOptions {
  config: string;
  mode?: string;
  port?: string;
  printPolicy?: boolean;
  check?: boolean;
  /** MB of young generation for the gateway's thread; "0": the main thread, Node's defaults. */
  youngGeneration?: string;
}

/** Default `--young-generation` (MB): V8 splits it into two semi-spaces and a large-object space (32 MB each). */
export const DEFAULT_YOUNG_GENERATION_MB = 96;

/** What the gateway's worker thread reports to the main thread. */
export type ServeWorkerMessage = { readonly kind: "error"; readonly message: string; readonly code: string | null; readonly user: boolean };

function userErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (e: unknown) {
    if (e instanceof ConfigError || e instanceof PolicyError) throw new UserError(e.code, e.message);
    if (e instanceof StateStoreError) throw new UserError(e.code, e.message);
    throw e;
  }
}

function withFlags(c: GatewayConfig, o: ServeOptions): GatewayConfig {
  let out = c;
  if (o.mode !== undefined) {
    if (o.mode !== "shadow" && o.mode !== "enforce") throw new UserError("SERVE_BAD_MODE", `--mode must be shadow or enforce, got ${JSON.stringify(o.mode)}`);
    out = { ...out, mode: o.mode };
  }
  if (o.port !== undefined) {
    const p = Number(o.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UserError("SERVE_BAD_PORT", `--port must be an integer 0-65535, got ${JSON.stringify(o.port)}`);
    out = { ...out, port: p };
  }
  return out;
}

function youngGenerationMb(o: ServeOptions): number {
  if (o.youngGeneration === undefined) return DEFAULT_YOUNG_GENERATION_MB;
  const mb = Number(o.youngGeneration);
  if (!Number.isInteger(mb) || mb < 0 || mb > 4096)
    throw new UserError("SERVE_BAD_YOUNG_GENERATION", `--young-generation must be a whole number of MB from 0 to 4096 (0: Node's defaults), got ${JSON.stringify(o.youngGeneration)}`);
  return mb;
}

async function serve(o: ServeOptions): Promise<void> {
  if (o.printPolicy) {
    process.stdout.write(DEFAULT_POLICY_YAML);
    return;
  }
  const young = youngGenerationMb(o);
  if (o.check || young === 0) return runServe(o, signalled());
  return serveOnWorker(o, young);
}

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
function signalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/**
 * Runs `runServe` on a worker thread with a `young`-MB young generation (see the module comment). SIGINT and
 * SIGTERM reach the main thread only: they are passed on as a "stop" message. A start-up error comes back as a
 * message and is thrown here, so the CLI reports it as it would from the main thread.
 */
async function serveOnWorker(o: ServeOptions, young: number): Promise<void> {
  const worker = new Worker(new URL("./serve-worker.mjs", import.meta.url), { workerData: o, resourceLimits: { maxYoungGenerationSizeMb: young } });
  let reported: ServeWorkerMessage | null = null;
  let crashed: Error | null = null;
  worker.on("message", (m: ServeWorkerMessage) => (reported = m));
  worker.on("error", (e: Error) => (crashed = e));
  void signalled().then(() => worker.postMessage("stop"));
  const code = await new Promise<number>((resolve) => worker.on("exit", resolve));
  const r = reported as ServeWorkerMessage | null;
  if (r !== null) throw r.user ? new UserError(r.code ?? "SERVE_FAILED", r.message) : new Error(r.message);
  if (crashed !== null) throw crashed;
  if (code !== 0) throw new Error(`the gateway's thread stopped with exit code ${code}`);
}

/** The gateway itself, on whichever thread: returns once `stopped` resolves and everything is closed. */
export async function runServe(o: ServeOptions, stopped: Promise<void>): Promise<void> {
  const config = withFlags(
    userErrors(() => loadGatewayConfig(o.config, process.env)),
    o,
  );
  const policy = userErrors(() => loadPolicy(config.policyFile));
  let engine: Engine;
  const enricher = createEnricher();
  try {
    engine = new Engine({ enricher, config: (config.engine ?? {}) as EngineConfigInput });
  } catch (e: unknown) {
    throw new UserError("CONFIG_INVALID", `config.${e instanceof Error ? e.message : String(e)}`);
  }
  if (o.check) {
    process.stdout.write(`config ok: mode ${config.mode}, ${config.keys.size} keys, policy ${config.policyFile ?? "(built-in default)"} with ${policy.rules.length} rules\n`);
    return;
  }
  let accounts: AccountRecord[] = [];
  if (config.accountsFile !== null) {
    const r = await readAccounts(config.accountsFile);
    accounts = r.accounts;
    if (r.badLines > 0) process.stderr.write(`moat serve: ${r.badLines} bad lines in ${config.accountsFile} skipped (${JSON.stringify(r.badReasons)})\n`);
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = userErrors(() => FileStateStore.open(join(config.dataDir, "state.jsonl")));
  const trafficDir = join(config.dataDir, "traffic");
  const replayFiles = listTrafficLogFiles(trafficDir);
  const log = TrafficLogWriter.open(trafficDir, { maxBytes: config.trafficLogMaxBytes });
  const decisionFd = config.decisionLog ? openSync(join(config.dataDir, "decisions.jsonl"), "a", 0o600) : null;
  // Load the ASN database now rather than on the first request.
  enricher.ip("8.8.8.8");
  const gw = await startGateway({
    config,
    detection: engine,
    store,
    trafficLog: log,
    replayFiles,
    accounts,
    ...(decisionFd !== null ? { decisionSink: (line: string) => void writeSync(decisionFd, `${line}\n`) } : {}),
  });
  const r = gw.replay;
  process.stderr.write(
    `moat serve: listening on ${gw.url} in ${config.mode} mode; replayed ${r.events} exchanges from ${r.files} log files` +
      `${r.badLines > 0 ? ` (${r.badLines} bad lines skipped)` : ""}${r.badFiles > 0 ? ` (${r.badFiles} unreadable files)` : ""}` +
      `${r.engineErrors > 0 ? ` (the engine failed on ${r.engineErrors} of them: counted in moat_engine_errors_total)` : ""}\n`,
  );
  await stopped;
  await gw.close();
  log.close();
  store.close();
  if (decisionFd !== null) closeSync(decisionFd);
  process.stderr.write("moat serve: stopped\n");
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("Run the gateway in front of the Anthropic / OpenAI APIs: log every exchange, detect campaigns live, act by policy.")
    .option("-c, --config <file>", "gateway config, YAML or JSON (see docs/gateway.md)", "moat.yaml")
    .option("--mode <mode>", "override the config's mode: shadow (decide and log only) or enforce")
    .option("--port <port>", "override the config's listen port")
    .option("--print-policy", "print the built-in default policy (a starting point for your own) and exit")
    .option("--check", "validate the config and policy, then exit")
    .option("--young-generation <MB>", `young-generation size of the gateway's thread; larger keeps GC pauses short under load (0: run on the main thread with Node's defaults)`, String(DEFAULT_YOUNG_GENERATION_MB))
    .action(async (o: ServeOptions) => serve(o));
}
