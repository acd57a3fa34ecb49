/**
 * `moat serve`: the gateway's composition root. Reads and validates the config and policy once, opens
 * the state store and traffic log in the data directory, builds the real engine and enricher, replays
 * the traffic log, listens, and shuts down cleanly on SIGINT/SIGTERM. See docs/gateway.md.
 */
import type { Command } from "commander";
import { accessSync, constants, lstatSync, mkdirSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { UserError } from "../user-error.ts";
import { ConfigError, listenersOverlap, loadGatewayConfig, type GatewayConfig } from "../../gateway/config.ts";
import { DEFAULT_POLICY_YAML } from "../../gateway/default-policy.ts";
import { loadPolicy, startGateway } from "../../gateway/gateway.ts";
import { PolicyError } from "../../gateway/policy.ts";
import { Engine } from "../../core/engine/engine.ts";
import { DigestContentMemo } from "../../gateway/content-digest-memo.ts";
import type { EngineConfigInput } from "../../core/engine/config.ts";
import type { AccountRecord } from "../../core/model/traffic.ts";
import { createEnricher } from "../../enrich/index.ts";
import { readAccounts } from "../../ingest/index.ts";
import { FileStateStore } from "../../stores/file-state-store.ts";
import { StateStoreError } from "../../stores/state-store.ts";
import { growYoungGenerationFast, noPretenuring, settleHeap } from "../heap-tuning.ts";
import { TrafficLogError, TrafficLogWriter, listTrafficLogFiles } from "../../stores/traffic-log.ts";
import { RotatingFile } from "../../stores/rotating-file.ts";
import { LOW_MAX_CONNECTIONS, processFdLimit } from "../../gateway/connection-cap.ts";

interface ServeOptions {
  config: string;
  mode?: string;
  port?: string;
  printPolicy?: boolean;
  check?: boolean;
}

/**
 * Runs `f`, turning the errors a user can fix (config, policy, state store, traffic log, and file-system
 * errors on `what`, when given) into one clear message instead of a stack trace.
 */
function userErrors<T>(f: () => T, what?: string, hint = "give a directory moat can create and write"): T {
  try {
    return f();
  } catch (e: unknown) {
    if (e instanceof ConfigError || e instanceof PolicyError) throw new UserError(e.code, e.message);
    if (e instanceof StateStoreError || e instanceof TrafficLogError) throw new UserError(e.code, e.message);
    const code = (e as { code?: unknown }).code;
    if (what !== undefined && typeof code === "string" && code.startsWith("E"))
      throw new UserError("SERVE_PATH", `${what}: ${e instanceof Error ? e.message : String(e)}; ${hint}`);
    throw e;
  }
}

/** Paths in the config that must exist before the gateway can start: checked with `--check` too. */
function checkPaths(config: GatewayConfig): void {
  if (config.accountsFile !== null) {
    const f = config.accountsFile;
    userErrors(() => accessSync(f, constants.R_OK), `config.accountsFile ${f}`, "give the path of a readable accounts JSONL file");
    if (!statSync(f).isFile()) throw new UserError("SERVE_PATH", `config.accountsFile ${f} is not a file; give the path of an accounts JSONL file`);
  }
  let st: Stats | undefined;
  try {
    st = statSync(config.dataDir);
  } catch {
    st = undefined; // created at start
  }
  if (st !== undefined && !st.isDirectory()) throw new UserError("SERVE_PATH", `config.dataDir ${config.dataDir} exists and is not a directory; give a directory path`);
  if (st === undefined) return;
  // Prompts and decisions live here: a directory anyone may write to, or files that point elsewhere, would let
  // another user read or redirect them.
  // A volume mounted 0777 (a Kubernetes emptyDir, a WSL drive) is common and not always the operator's to change:
  // warned about, not refused. The data files themselves must not point elsewhere.
  if ((st.mode & 0o002) !== 0)
    process.stderr.write(`moat serve: WARNING: config.dataDir ${config.dataDir} is writable by every user; other users could replace its files. Use a 0700 directory (or a subdirectory of this volume).\n`);
  for (const name of ["state.jsonl", "decisions.jsonl"]) {
    const p = join(config.dataDir, name);
    let l: Stats | undefined;
    try {
      l = lstatSync(p);
    } catch {
      continue;
    }
    if (l.isSymbolicLink()) throw new UserError("SERVE_PATH", `${p} is a symbolic link; moat writes prompts and decisions only to files it owns in dataDir. Remove the link`);
  }
}

function withFlags(c: GatewayConfig, o: ServeOptions): GatewayConfig {
  let out = c;
  if (o.mode !== undefined) {
    if (o.mode !== "shadow" && o.mode !== "enforce") throw new UserError("SERVE_BAD_MODE", `--mode must be shadow or enforce, got ${JSON.stringify(o.mode)}`);
    out = Object.assign({}, out, { mode: o.mode });
  }
  if (o.port !== undefined) {
    const p = Number(o.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UserError("SERVE_BAD_PORT", `--port must be an integer 0-65535, got ${JSON.stringify(o.port)}`);
    const al = out.adminListen;
    if (al !== null && p !== 0 && al.port === p && listenersOverlap(al.host, out.host))
      throw new UserError("SERVE_BAD_PORT", `--port ${p} is the admin API's port (config.admin.listen); give the client listener another one`);
    out = Object.assign({}, out, { port: p });
  }
  return out;
}

async function serve(o: ServeOptions): Promise<void> {
  if (o.printPolicy) {
    process.stdout.write(DEFAULT_POLICY_YAML);
    return;
  }
  const config = withFlags(
    userErrors(() => loadGatewayConfig(o.config, process.env)),
    o,
  );
  const policy = userErrors(() => loadPolicy(config.policyFile));
  let engine: Engine;
  const enricher = createEnricher();
  // Two generations: the older goes when the newer fills, so between half and all of the bound is held.
  const contentMemo = config.contentMemoEntries > 0 ? new DigestContentMemo(Math.ceil(config.contentMemoEntries / 2)) : null;
  try {
    engine = new Engine({ enricher, config: (config.engine ?? {}) as EngineConfigInput, ...(contentMemo !== null ? { contentMemo } : {}) });
  } catch (e: unknown) {
    throw new UserError("CONFIG_INVALID", `config.${e instanceof Error ? e.message : String(e)}`);
  }
  checkPaths(config);
  if (o.check) {
    process.stdout.write(`config ok: mode ${config.mode}, ${config.keys.size} keys, policy ${config.policyFile ?? "(built-in default)"} with ${policy.rules.length} rules\n`);
    return;
  }
  // Before the start-up replay, whose allocations would otherwise feed V8's pretenuring decisions too.
  noPretenuring();
  let accounts: AccountRecord[] = [];
  if (config.accountsFile !== null) {
    const r = await readAccounts(config.accountsFile);
    accounts = r.accounts;
    if (r.badLines > 0) process.stderr.write(`moat serve: ${r.badLines} bad lines in ${config.accountsFile} skipped (${JSON.stringify(r.badReasons)})\n`);
  }
  userErrors(() => mkdirSync(config.dataDir, { recursive: true, mode: 0o700 }), `config.dataDir ${config.dataDir}`);
  const store = userErrors(() => FileStateStore.open(join(config.dataDir, "state.jsonl")));
  const trafficDir = join(config.dataDir, "traffic");
  // Files past retention go before the replay reads them (the writer's open prunes them).
  const retainMs = config.trafficLogRetainHours !== null ? config.trafficLogRetainHours * 3_600_000 : undefined;
  const log = userErrors(() => TrafficLogWriter.open(trafficDir, { maxBytes: config.trafficLogMaxBytes, compress: config.trafficLogCompress, ...(retainMs !== undefined ? { retainMs } : {}) }));
  const replayFiles = userErrors(() => listTrafficLogFiles(trafficDir)).filter((f) => f !== log.stats().file);
  const dl = config.decisionLog;
  const decisions =
    dl !== null
      ? userErrors(
          () => RotatingFile.open(join(config.dataDir, "decisions.jsonl"), { maxBytes: dl.maxBytes, retainMs: dl.retainHours !== null ? dl.retainHours * 3_600_000 : null }),
          `${join(config.dataDir, "decisions.jsonl")}`,
          "the decision log must be a writable file in dataDir",
        )
      : null;
  // Load the ASN database now rather than on the first request.
  enricher.ip("8.8.8.8");
  const gw = await startGateway({
    config,
    detection: engine,
    store,
    trafficLog: log,
    replayFiles,
    accounts,
    ...(contentMemo !== null ? { contentMemo } : {}),
    trafficLogFiles: () => log.stats(),
    ...(decisions !== null ? { decisionSink: (line: string) => decisions.append(line) } : {}),
  }).catch((e: unknown) => {
    const code = (e as { code?: unknown }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      const admin = (e as { listener?: unknown }).listener === "admin.listen" && config.adminListen !== null;
      const [host, port, key] = admin && config.adminListen !== null ? [config.adminListen.host, config.adminListen.port, "admin.listen"] : [config.host, config.port, "listen"];
      throw new UserError(
        "SERVE_LISTEN",
        `cannot listen on ${host}:${port} (${String(code)}): ${code === "EADDRINUSE" ? `another process uses that port; stop it, or set ${key}.port${admin ? "" : " or --port"}` : code === "EACCES" ? "ports below 1024 need privileges; use a higher port" : `that address is not on this machine; check ${key}.host`}`,
      );
    }
    throw e;
  });
  // GC pauses are the gateway's latency tail: start-up garbage goes now, not in a mark-compact under the
  // first minute of traffic, and the young generation regains its size at once after idle periods.
  settleHeap();
  growYoungGenerationFast();
  const r = gw.replay;
  const st = store.stats();
  if (st.corruptLines > 0 || st.tornLines > 0)
    process.stderr.write(
      `moat serve: WARNING: ${st.corruptLines} unreadable line(s) in ${st.path}${st.tornLines > 0 ? ` and ${st.tornLines} torn last line` : ""} were set aside` +
        `${st.quarantinedTo !== null ? ` in ${st.quarantinedTo}` : ""}; decisions, overrides or counters written there are lost (first: ${st.corrupt.map((c) => `line ${c.line}: ${c.reason}`).join("; ") || "torn tail"}). Check the file, re-apply overrides if needed.\n`,
    );
  process.stderr.write(
    `moat serve: listening on ${gw.url} in ${config.mode} mode${gw.adminUrl !== null ? ` (admin API on ${gw.adminUrl})` : ""}; replayed ${r.events} exchanges from ${r.files} log files` +
      `${r.badLines > 0 ? ` (${r.badLines} bad lines skipped)` : ""}${r.badFiles > 0 ? ` (${r.badFiles} unreadable files)` : ""}` +
      `${r.engineErrors > 0 ? ` (the engine failed on ${r.engineErrors} of them: counted in moat_engine_errors_total)` : ""}\n`,
  );
  if (gw.maxConnections < LOW_MAX_CONNECTIONS)
    process.stderr.write(
      `moat serve: WARNING: at most ${gw.maxConnections} client connections at once; more are dropped. ${config.maxConnections !== null ? "Raise limits.maxConnections" : `It follows the open-file limit (${String(processFdLimit())}): raise that (ulimit -n, LimitNOFILE= in a systemd unit)`}.\n`,
    );
  if (log.stats().pruned > 0) process.stderr.write(`moat serve: deleted ${log.stats().pruned} traffic log files older than ${config.trafficLogRetainHours} hours (trafficLog.retainHours)\n`);
  const prune = (): void => {
    decisions?.prune();
    const p = log.prune();
    if (p.failed.length > 0) process.stderr.write(`moat serve: WARNING: could not delete ${p.failed.length} traffic log files past retention (${p.failed[0] ?? ""}); check the permissions of ${trafficDir}\n`);
  };
  prune();
  // Retention also holds through hours without traffic (the writer prunes when it rotates, which takes a request).
  const pruning = setInterval(prune, 10 * 60_000).unref();
  await new Promise<void>((resolve) => {
    let cut = false;
    const now = (): void => {
      if (cut) return;
      cut = true;
      process.stderr.write("moat serve: stopping now; requests still in flight are cut\n");
      gw.abort();
    };
    const stop = (): void => {
      clearInterval(pruning);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      // A second signal cuts the drain short (and later ones are ignored: Node's default would kill the process
      // before the log is closed and the counters saved).
      process.on("SIGINT", now);
      process.on("SIGTERM", now);
      let inFlight = 0;
      for (const n of gw.ctx.inflight.values()) inFlight += n;
      if (inFlight > 0 && config.shutdownGraceMs > 0)
        process.stderr.write(`moat serve: stopping: no new connections; waiting up to ${config.shutdownGraceMs / 1000} s for ${inFlight} request(s) in flight (signal again to stop now)\n`);
      void gw.close(config.shutdownGraceMs).then(() => {
        process.off("SIGINT", now);
        process.off("SIGTERM", now);
        log.close();
        store.close();
        decisions?.close();
        process.stderr.write("moat serve: stopped\n");
        resolve();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
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
    .action(async (o: ServeOptions) => serve(o));
}
