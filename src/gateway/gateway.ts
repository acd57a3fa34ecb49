/**
 * Builds and starts a gateway from already-opened parts: validated config, a detection engine, a state
 * store and a traffic sink. Replays the traffic log first (so the engine knows everything that was
 * logged before a restart), restores overrides, standing decisions, buckets and counters from the store,
 * then listens. `moat serve` (src/cli/commands/serve.ts) opens the real parts; tests and the bench pass
 * in-memory ones.
 */
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { StateStore } from "../stores/state-store.ts";
import type { AccountRecord } from "../core/model/traffic.ts";
import type { GatewayConfig } from "./config.ts";
import { readConfigFile } from "./config.ts";
import type { ContentMemoStats, GatewayContext, TrafficLogFileStats, TrafficSink } from "./context.ts";
import { timeCampaignRuns, type LiveDetection } from "./timed-detection.ts";
import type { Decision } from "./decision.ts";
import { DEFAULT_POLICY_YAML } from "./default-policy.ts";
import { LiveDetector } from "./live-detector.ts";
import { Metrics } from "./metrics.ts";
import { OverrideBook } from "./overrides.ts";
import { compilePolicy, type CompiledPolicy } from "./policy.ts";
import { handleAdmin } from "./admin-api.ts";
import { handleProxy, newRequestId, sendReply } from "./proxy.ts";
import { replayTrafficLog, type ReplayStats } from "./recovery.ts";
import { Upstream } from "./upstream.ts";
import { errorReply } from "./api-errors.ts";
import { BodyBudget } from "./body-budget.ts";
import { parse as parseYaml } from "yaml";
import { resolveEngineConfig } from "../core/engine/config.ts";
import { formatTimestamp } from "../contracts/timestamp.ts";
import { defaultMaxConnections, processFdLimit } from "./connection-cap.ts";

const COUNTERS_NS = "counters";
/** Counters and buckets are snapshotted this often (and at shutdown); decisions are written as they change. */
const SNAPSHOT_EVERY_MS = 5_000;
/**
 * How often the engine is asked to forget idle accounts (`limits.forgetIdleAccountsAfterHours`), and how many it
 * looks at each time (~1 ms of the event loop; a million accounts in ~33 minutes). What a pass finds is forgotten
 * at its end, in one call that costs about the largest group the accounts leave (see `Engine.forgetIdle`).
 */
const FORGET_EVERY_MS = 10_000;
const FORGET_BUDGET = 5_000;

/** Reads and compiles the policy file, or the built-in default policy when `file` is null. */
export function loadPolicy(file: string | null): CompiledPolicy {
  if (file === null) return compilePolicy(parseYaml(DEFAULT_POLICY_YAML), "default-policy");
  return compilePolicy(readConfigFile(file), file);
}

export interface GatewayOptions {
  readonly config: GatewayConfig;
  /**
   * The engine (or a fake). `advance(t)`, when present, is called on a timer so campaign runs happen between
   * requests; `runs()`, when present, lets the gateway time them (`moat_campaign_run_seconds`).
   */
  readonly detection: LiveDetection;
  readonly store: StateStore;
  readonly trafficLog: TrafficSink;
  /** Traffic-log files to replay before listening (oldest first). */
  readonly replayFiles?: readonly string[];
  readonly accounts?: readonly AccountRecord[];
  /** Wall clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
  /** Where to append every decision (`decisionLog: true`), if anywhere. */
  readonly decisionSink?: (line: string) => void;
  /** The engine's content memo, for its gauges. */
  readonly contentMemo?: ContentMemoStats;
  /** The traffic log's background work on rotated files (sync, compression), for its gauges. */
  readonly trafficLogFiles?: () => TrafficLogFileStats;
}

export interface Gateway {
  /** `http://host:port` the gateway listens on. */
  readonly url: string;
  readonly port: number;
  readonly ctx: GatewayContext;
  readonly replay: ReplayStats;
  /** `http://host:port` of the admin API's own listener (`admin.listen`); null when it shares the client listener. */
  readonly adminUrl: string | null;
  /** Client connections held at once (`limits.maxConnections`, or the default derived from the open-file limit). */
  readonly maxConnections: number;
  /**
   * Stops listening, lets requests in flight finish for up to `graceMs` (0, the default: cuts them at once),
   * then snapshots counters and buckets and closes upstream pools (not the store or log: their owner closes them).
   * While it drains, answers on connections still open say `connection: close`. `abort()` cuts a drain short.
   */
  close(graceMs?: number): Promise<void>;
  /** During `close(graceMs)`: stop waiting, cut what is still in flight now. */
  abort(): void;
  /**
   * Asks the engine to forget accounts idle for `limits.forgetIdleAccountsAfterHours` that it holds for nothing,
   * looking at every account; returns how many it forgot. The gateway does this at start, after the replay, and
   * then a slice of the accounts at a time, every 10 seconds.
   */
  forgetIdleAccounts(): number;
}

/** Connections the admin API's own listener holds at once. */
const ADMIN_MAX_CONNECTIONS = 256;

const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

function decisionLine(d: Decision, t: number, requestId: string | undefined, passThrough: string | undefined): string {
  return JSON.stringify({
    ts: formatTimestamp(t),
    request_id: requestId ?? null,
    pass_through: passThrough,
    account_id: d.accountId,
    action: d.action,
    shadow: d.shadow,
    failed_open: d.failedOpen,
    source: d.source,
    rule: d.rule,
    verdict: d.verdict,
    score: d.score,
    campaign_id: d.campaignId,
    limited: d.action === "throttle" ? d.limited : undefined,
    reasons: d.reasons.slice(0, 4).map((r) => r.code),
  });
}

/** See the module comment. Resolves once the server listens. */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { config, store } = opts;
  const now = opts.now ?? Date.now;
  const metrics = new Metrics();
  const detection = timeCampaignRuns(opts.detection, metrics.campaignRuns, metrics.campaignRunBlocks);
  metrics.restore(store.get(COUNTERS_NS, "all"));
  const accounts = new Map<string, AccountRecord>();
  for (const rec of opts.accounts ?? []) accounts.set(rec.account_id, rec);
  // Keys name accounts (and orgs) too: an account known only from its key still gets its org.
  for (const k of config.keys.values())
    if (!accounts.has(k.accountId)) accounts.set(k.accountId, k.orgId !== null ? { account_id: k.accountId, org_id: k.orgId } : { account_id: k.accountId });
  for (const rec of accounts.values()) detection.upsertAccount(rec);

  // Verify marks made through the admin API reach the engine and the policy at once.
  const overrides = new OverrideBook(store, (state, action) => {
    if (state.target !== "account" || (action !== "verify" && action !== "unverify")) return;
    // Not in the middle of a campaign run: it would judge the account with two records (finished at once here).
    detector.flush();
    const rec = Object.assign({}, accounts.get(state.id) ?? { account_id: state.id }, { verified: state.verified });
    accounts.set(state.id, rec);
    detection.upsertAccount(rec);
    detector.forget(state.id);
  });
  const policy = loadPolicy(config.policyFile);
  const sink = opts.decisionSink;
  const engineNow = detection.now?.bind(detection);
  const engineClock = engineNow ? { now: engineNow, runEveryMs: resolveEngineConfig(config.engine ?? {}).clusterEveryMs } : undefined;
  const detector = new LiveDetector({
    detection,
    store,
    metrics,
    overrides,
    policy,
    mode: config.mode,
    verificationUrl: config.verificationUrl,
    accounts,
    ...(engineClock ? { engineClock } : {}),
    ...(sink
      ? {
          onDecision: (d: Decision, t: number, id: string | undefined, passThrough?: string) => {
            // The decision log is a record, not the request path: a full disk there must not fail requests.
            try {
              sink(decisionLine(d, t, id, passThrough));
            } catch {
              metrics.inc("moat_decision_log_errors_total");
            }
          },
        }
      : {}),
  });

  // The replay feeds the engine itself: its campaign runs happen before listening, and are not request-path stalls.
  const replay = await replayTrafficLog(opts.replayFiles ?? [], opts.detection, config.upstreamTimeoutMs + 60_000, (a) => detector.remember(a));
  metrics.inc("moat_replayed_events_total", undefined, replay.events);
  metrics.inc("moat_replay_bad_lines_total", undefined, replay.badLines);
  metrics.inc("moat_engine_errors_total", undefined, replay.engineErrors);
  // Verification marks are applied after the replay: the past was judged with what was known then.
  for (const o of overrides.list()) {
    if (o.target !== "account" || !o.verified) continue;
    const rec = accounts.get(o.id) ?? { account_id: o.id };
    const v = Object.assign({}, rec, { verified: true });
    accounts.set(o.id, v);
    detection.upsertAccount(v);
  }

  const upstreams = {
    anthropic: config.upstreams.anthropic ? new Upstream("anthropic", config.upstreams.anthropic, config.upstreamTimeoutMs) : null,
    openai: config.upstreams.openai ? new Upstream("openai", config.upstreams.openai, config.upstreamTimeoutMs) : null,
  };
  let seq = 0;
  const ctx: GatewayContext = {
    config,
    detection,
    detector,
    overrides,
    store,
    metrics,
    trafficLog: opts.trafficLog,
    upstreams,
    now,
    startedAt: now(),
    bootId: randomBytes(4).toString("hex"),
    nextSeq: () => ++seq,
    inflight: new Map(),
    awaitingContinue: new WeakSet(),
    bodyBudget: new BodyBudget(config.maxBufferedBytes, config.maxBufferedBytesPerAccount),
    contentMemo: opts.contentMemo ?? null,
    trafficLogFiles: opts.trafficLogFiles ?? null,
    reloadPolicy: () => {
      const p = loadPolicy(config.policyFile);
      detector.policy = p;
      return { rules: p.rules.length, file: config.policyFile };
    },
  };
  // requestTimeout bounds receiving a request (a client trickling a 32 MiB body holds its memory meanwhile);
  // the answer's own time is bounded by the upstream timeouts and the stalled-reader timeout (proxy.ts).
  // 503 while stopping: a load balancer's health check on a connection still open takes moat out of rotation.
  const healthz = (res: http.ServerResponse): void => {
    res.writeHead(draining ? 503 : 200, { "content-type": "application/json" });
    res.end(draining ? '{"status":"stopping"}' : '{"status":"ok"}');
  };
  const onAdmin = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (ctx.awaitingContinue.has(req)) res.writeContinue();
    // The admin API reads the engine: let it see every exchange decided so far.
    detector.flush();
    handleAdmin(ctx, req, res);
  };
  // With a listener of its own, the admin API is not served to clients: /admin/ paths are then just paths moat does not forward.
  const adminHere = config.adminListen === null;
  // Set by `close(graceMs)`: requests still arriving on open connections are served, and the connection then closes.
  let draining = false;
  let closing: Promise<void> | null = null;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (draining && refuseWhileDraining(req, res)) return;
    try {
      const url = req.url ?? "/";
      if (url === "/healthz") return healthz(res);
      if (adminHere && url.startsWith("/admin/")) return onAdmin(req, res);
      handleProxy(ctx, req, res, now());
    } catch {
      // A bug on one request must not take the process down: answer 500 and count it.
      ctx.metrics.inc("moat_bad_requests_total", { reason: "internal" });
      sendReply(ctx, res, errorReply("openai", "internal", "The gateway hit an internal error on this request.", { requestId: newRequestId(ctx) }));
    }
  };
  const server = http.createServer(
    {
      keepAliveTimeout: 65_000,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      // How often Node looks for requests over those limits (30 s by default, so a 120 s limit could take 150 s).
      connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(config.requestTimeoutMs / 4))),
      noDelay: true,
    },
    onRequest,
  );
  // File descriptors for moat's own upstream connections and files stay free however many clients connect.
  server.maxConnections = config.maxConnections ?? defaultMaxConnections(processFdLimit());
  server.on("drop", () => metrics.inc("moat_connections_dropped_total"));
  // `expect: 100-continue`: Node would tell the client to send its body before moat has looked at the request;
  // with this listener the proxy says it only once the request is admitted (key, path, concurrency, budget).
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    ctx.awaitingContinue.add(req);
    onRequest(req, res);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // What Node itself would answer: 408 when the request took longer than requestTimeoutMs, 431 for headers
    // over the limit, 400 for anything else it could not parse.
    const [reason, status] =
      err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ["request_timeout", "408 Request Timeout"]
        : err.code === "HPE_HEADER_OVERFLOW"
          ? ["headers_too_large", "431 Request Header Fields Too Large"]
          : ["bad_http", "400 Bad Request"];
    metrics.inc("moat_bad_requests_total", { reason });
    // Not into the middle of an answer already under way on this connection (a pipelined request timing out
    // behind a stream): as Node's own handler, write only when no response has started, else just close.
    const current = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (socket.writable && !current?.headersSent) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });

  const snapshot = (): void => {
    try {
      store.put(COUNTERS_NS, "all", metrics.snapshot());
      detector.persistBuckets();
    } catch {
      metrics.inc("moat_store_errors_total");
    }
  };
  const timer = setInterval(() => {
    snapshot();
    try {
      // Queued exchanges first: a campaign run must see every exchange before its time (and is stepped, not run at once).
      detector.tick(now());
    } catch {
      metrics.inc("moat_engine_errors_total");
    }
  }, SNAPSHOT_EVERY_MS);
  timer.unref();

  // Memory follows active accounts: the engine forgets idle ones it holds for nothing, and gets back the records
  // moat keeps of them (sign-up facts, verification), for when they return.
  const forgetIdleAccounts = (budget = Number.POSITIVE_INFINITY): number => {
    if (config.forgetIdleAccountsMs === null) return 0;
    let ids: readonly string[];
    try {
      ids = detector.forgetIdle(config.forgetIdleAccountsMs, budget);
      for (const id of ids) {
        const rec = accounts.get(id);
        if (rec) detection.upsertAccount(rec);
      }
    } catch {
      metrics.inc("moat_engine_errors_total");
      return 0;
    }
    if (ids.length > 0) metrics.inc("moat_engine_accounts_forgotten_total", undefined, ids.length);
    return ids.length;
  };
  forgetIdleAccounts();
  const forgetting = setInterval(() => forgetIdleAccounts(FORGET_BUDGET), FORGET_EVERY_MS).unref();

  // The admin API's own listener: few connections (operators and scrapers), the same request limits.
  const adminServer =
    config.adminListen === null
      ? null
      : http.createServer({ requestTimeout: config.requestTimeoutMs, headersTimeout: Math.min(60_000, config.requestTimeoutMs) }, (req, res) => {
          if (draining && refuseWhileDraining(req, res)) return;
          try {
            if (req.url === "/healthz") return healthz(res);
            onAdmin(req, res);
          } catch {
            metrics.inc("moat_bad_requests_total", { reason: "internal" });
            if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
            res.end('{"error":{"code":"internal","message":"The admin API hit an internal error on this request."}}');
          }
        });
  if (adminServer !== null) adminServer.maxConnections = ADMIN_MAX_CONNECTIONS;
  // Open connections, for a graceful stop (see `endWhenAnswered`).
  const sockets = new Set<net.Socket>();
  for (const srv of [server, adminServer])
    srv?.on("connection", (sock: net.Socket) => {
      sockets.add(sock);
      sock.once("close", () => sockets.delete(sock));
    });
  const listen = (srv: http.Server, port: number, host: string, what: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      srv.once("error", (e: NodeJS.ErrnoException) => reject(Object.assign(e, { listener: what })));
      srv.listen(port, host, () => resolve());
    });
  try {
    await listen(server, config.port, config.host, "listen");
  } catch (e: unknown) {
    clearInterval(timer);
    clearInterval(forgetting);
    throw e;
  }
  if (adminServer !== null && config.adminListen !== null) {
    try {
      await listen(adminServer, config.adminListen.port, config.adminListen.host, "admin.listen");
    } catch (e: unknown) {
      server.close();
      clearInterval(timer);
      clearInterval(forgetting);
      throw e;
    }
  }
  const port = (server.address() as AddressInfo).port;
  let cutDrain = (): void => undefined;
  metrics.watchEventLoop();
  return {
    url: urlOf(config.host, port),
    port,
    ctx,
    replay,
    maxConnections: server.maxConnections,
    adminUrl: adminServer !== null && config.adminListen !== null ? urlOf(config.adminListen.host, (adminServer.address() as AddressInfo).port) : null,
    abort: () => cutDrain(),
    forgetIdleAccounts: () => forgetIdleAccounts(),
    // A second call gets the first one's promise (its drain is not cut short).
    close: (graceMs = 0) => (closing ??= stop(graceMs)),
  };

  async function stop(graceMs: number): Promise<void> {
    clearInterval(timer);
    clearInterval(forgetting);
    metrics.stopWatching();
    draining = true;
    // Both listeners stop accepting (net's close: http's would also close the connections it deems idle, which
    // includes one whose answer is still being written to a slow client). Each connection then ends once it
    // has nothing left to send: at once when idle, after its answer otherwise (checked every 100 ms, for
    // answers that end later), and whatever is still open after `graceMs` is cut.
    const closed = Promise.all([server, adminServer].map((srv) => (srv === null ? Promise.resolve() : new Promise<void>((resolve) => net.Server.prototype.close.call(srv, () => resolve())))));
    if (graceMs > 0) {
      const idle = (): void => {
        for (const sock of sockets) endWhenAnswered(sock);
      };
      idle();
      const sweep = setInterval(idle, 100);
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, graceMs);
          cutDrain = resolve;
        }),
      ]);
      clearInterval(sweep);
      clearTimeout(deadline);
    }
    server.closeAllConnections();
    adminServer?.closeAllConnections();
    await closed;
    // http's own close too, for its timers (the listeners are already closed).
    server.close();
    adminServer?.close();
    // An answer cut just now logs its exchange from its own "close" event, which may come after the listener's:
    // wait for those (at most 2 s) so that the owner does not close the traffic log under them.
    for (let i = 0; i < 200 && ctx.inflight.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    upstreams.anthropic?.close();
    upstreams.openai?.close();
    detector.flush();
    snapshot();
  }
}

/**
 * During a drain: a request that crossed moat's end of its connection on the wire is dropped unread (true):
 * its answer could not be sent, so it must have no effect (the client sees a reset and may retry it safely).
 * Any other request is served, and its connection closes after the answer.
 */
function refuseWhileDraining(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.socket.writableEnded) {
    req.socket.destroy();
    return true;
  }
  res.shouldKeepAlive = false;
  return false;
}

/** During a drain: ends a connection once it has nothing left to send (Node closes it itself after an answer that says `connection: close`). */
function endWhenAnswered(sock: net.Socket): void {
  const res = (sock as { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (res === null || res === undefined) {
    // Idle: what is still queued (the end of an answer already handed over) is sent, then the connection is
    // closed outright (a client that keeps its side open does not hold the drain until its deadline).
    sock.destroySoon();
    return;
  }
  if (!res.headersSent) res.shouldKeepAlive = false;
  else if (!endAfterAnswer.has(res)) {
    endAfterAnswer.add(res);
    // Looked at again then: a pipelined request's answer may be next on this connection.
    res.once("finish", () => endWhenAnswered(sock));
  }
}
const endAfterAnswer = new WeakSet<http.ServerResponse>();
