/**
 * The request path of `moat serve`: authenticate the moat key, read and check the body, decide *before*
 * forwarding (the live detector observes a new account's exchange first; a known account is decided from
 * the engine's current state and its exchange is fed after forwarding), then either answer in the API's
 * own error format (block, challenge, throttle) or forward (capped when degraded) and relay the response
 * (reasoning withheld when degraded). Every exchange is written to the traffic log once its response ends.
 */
import type { Socket } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isUtf8 } from "node:buffer";
import type { TrafficEvent } from "../core/model/traffic.ts";
import { errorReply, type ApiFamily, type ErrorReply } from "./api-errors.ts";
import type { GatewayContext } from "./context.ts";
import { degrades, rejects, type Decision, type DegradeCaps } from "./decision.ts";
import { capRequest } from "./degrade-request.ts";
import { ambiguousPath, clientIp, clientKey, EXCHANGE_PATHS, familyOf, normalisePath } from "./request-info.ts";
import { createTap, degradable, type ResponseTap, type Usage } from "./response-taps.ts";
import { clientHeaders, isEncoded, rawHeader, type Upstream, type UpstreamCall, type UpstreamHandler } from "./upstream.ts";
import type { KeyInfo } from "./config.ts";
import type { BodyBudget, BudgetRefusal } from "./body-budget.ts";
import { formatTimestamp } from "../contracts/timestamp.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const REASON_PHRASE = /^[\t\x20-\x7e]*$/;
const CLOSE: Readonly<Record<string, string>> = Object.freeze({ connection: "close" });
/** What a client gets when a degraded request's answer cannot be read (and so cannot be passed on). */
const UNREADABLE_ANSWER = "The upstream provider's answer could not be processed by the gateway. Try again shortly.";

/** The id of a request moat answers or forwards (`req_moat_<boot>_<n>`): in the log line and in moat's own errors. */
export function newRequestId(ctx: GatewayContext): string {
  return `req_moat_${ctx.bootId}_${ctx.nextSeq()}`;
}

/** Sends a JSON error reply and counts it. */
export function sendReply(ctx: GatewayContext, res: ServerResponse, reply: ErrorReply, extra: Record<string, string> = {}): void {
  ctx.metrics.inc("moat_responses_total", { code: String(reply.status) });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(reply.status, Object.assign({}, reply.headers, extra, { "content-length": Buffer.byteLength(reply.body) }));
  res.end(reply.body);
}

/** The error answer for an enforced rejecting decision. Messages stay generic on purpose: they must not teach an attacker where the line is. */
function rejection(family: ApiFamily, d: Decision, requestId: string): ErrorReply {
  if (d.action === "challenge")
    return errorReply(family, "verification_required", `Additional verification is required to keep using this API. Complete it at ${d.verificationUrl} and retry.`, {
      requestId,
      details: { verification_url: d.verificationUrl },
    });
  if (d.action === "throttle")
    return errorReply(family, "rate_limited", `Rate limit exceeded for this account. Retry after ${d.retryAfterS} seconds.`, { requestId, retryAfterS: d.retryAfterS });
  return errorReply(family, "blocked", "This account's access to the API has been suspended under the usage policy. Contact support if you think this is a mistake.", { requestId });
}

/**
 * Reads the request body up to `max` bytes; calls back once with the body, or answers the client itself when
 * the body is too large or would overrun the body budget. `hold` counts the bytes as they arrive; a declared
 * length must fit the budget before anything is read (it is not reserved). A client that sent
 * `expect: 100-continue` is told to go on only once the request is admitted.
 */
function readBody(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, family: ApiFamily, requestId: string, hold: BodyHold, cb: (body: Buffer) => void): void {
  const max = ctx.config.maxBodyBytes;
  const tooLarge = (): void => {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "too_large" });
    sendReply(ctx, res, errorReply(family, "too_large", `Request body is larger than this gateway accepts (${max} bytes). Send a smaller request.`, { requestId }), CLOSE);
  };
  const overBudget = (why: BudgetRefusal): void => {
    ctx.metrics.inc("moat_bad_requests_total", { reason: why === "account" ? "account_body_budget" : "body_budget" });
    const msg =
      why === "account"
        ? "Too many request bytes in flight for this account. Wait for earlier requests to finish, then retry."
        : "The gateway is holding as many request bytes as it allows right now. Retry shortly.";
    sendReply(ctx, res, errorReply(family, "overloaded", msg, { requestId, retryAfterS: 1 }), CLOSE);
  };
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) return tooLarge();
  if (declared > 0) {
    const refused = hold.fits(declared);
    if (refused !== null) return overBudget(refused);
  }
  if (ctx.awaitingContinue.has(req)) res.writeContinue();
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on("data", (c: Buffer) => {
    if (over) return;
    size += c.length;
    if (size > max) {
      over = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    const refused = hold.take(c.length);
    if (refused !== null) {
      over = true;
      chunks.length = 0;
      overBudget(refused);
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    if (!over) cb(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  });
  req.on("error", () => undefined);
}

/** The body bytes one request holds in the gateway's budget, given back once when the request ends. */
class BodyHold {
  private held = 0;
  private done = false;
  constructor(
    private readonly budget: BodyBudget,
    private readonly account: string,
  ) {}

  fits(bytes: number): BudgetRefusal | null {
    return this.budget.fits(this.account, bytes);
  }

  take(bytes: number): BudgetRefusal | null {
    if (this.done) return null;
    const refused = this.budget.take(this.account, bytes);
    if (refused === null) this.held += bytes;
    return refused;
  }

  release(): void {
    this.done = true;
    this.budget.give(this.account, this.held);
    this.held = 0;
  }
}

/** Handles one non-admin request. `t` is the arrival time (epoch ms) from the injected clock. */
export function handleProxy(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, t: number): void {
  const started = performance.now();
  const asSent = req.url ?? "/";
  const q = asSent.indexOf("?");
  const sentPath = q < 0 ? asSent : asSent.slice(0, q);
  // What is classified is what is forwarded: `/v1/chat/completions/` is that exchange, inspected as one.
  const path = normalisePath(sentPath);
  const url = path === sentPath ? asSent : path + (q < 0 ? "" : asSent.slice(q));
  const family = familyOf(path, req.headers);
  ctx.metrics.inc("moat_requests_total", { api: family });
  const requestId = newRequestId(ctx);
  if (ambiguousPath(sentPath)) {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "ambiguous_path" });
    return sendReply(ctx, res, errorReply(family, "invalid_request", "The request path has dot segments or encoded separators, which this gateway does not forward. Send the plain path.", { requestId }), CLOSE);
  }
  const key = clientKey(req.headers);
  const info = key !== null ? ctx.config.keys.get(key) : undefined;
  if (!info) {
    ctx.metrics.inc("moat_auth_failures_total");
    const msg = key === null ? "Missing API key: send your moat API key in the x-api-key header or as Authorization: Bearer <key>." : "Invalid API key: this key is not known to the gateway. Check the key you were issued.";
    // Refused before its body is read: close the connection rather than drain whatever the client sends.
    return sendReply(ctx, res, errorReply(family, "authentication", msg, { requestId }), CLOSE);
  }
  const upstream = ctx.upstreams[family];
  if (!upstream) {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "no_upstream" });
    return sendReply(ctx, res, errorReply(family, "not_found", `This gateway has no ${family} upstream configured; ${path} is not available here.`, { requestId }), CLOSE);
  }
  const exchange = req.method === "POST" && EXCHANGE_PATHS[path] === family;
  if (!exchange && !ctx.config.passThrough.allows(req.method ?? "GET", path)) {
    // Default deny: an endpoint moat cannot read would serve a throttled or degraded account unobserved.
    ctx.metrics.inc("moat_bad_requests_total", { reason: "unsupported_path" });
    return sendReply(
      ctx,
      res,
      errorReply(family, "not_found", `This gateway does not serve ${req.method ?? "GET"} ${path}. It serves POST /v1/messages and POST /v1/chat/completions, and forwards the other paths its operator allows.`, { requestId }),
      CLOSE,
    );
  }
  // One account may not hold the upstream pool: past its cap of requests in flight it gets a 429 at once.
  const account = info.accountId;
  const inflight = ctx.inflight.get(account) ?? 0;
  if (inflight >= ctx.config.maxConcurrentPerAccount) {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "too_many_concurrent" });
    return sendReply(
      ctx,
      res,
      errorReply(family, "rate_limited", `Too many requests in flight for this account (at most ${ctx.config.maxConcurrentPerAccount} at once). Retry after 1 seconds.`, { requestId, retryAfterS: 1 }),
      CLOSE,
    );
  }
  ctx.inflight.set(account, inflight + 1);
  // Given back once, when the response closes or, for a pipelined request still queued behind another one
  // (its response never gets a socket, nor a "close"), when the connection does.
  const socket = req.socket;
  let released = false;
  // Body bytes this request took from the budget: held until the exchange ends (the log line writes them then).
  const hold = new BodyHold(ctx.bodyBudget, account);
  const release = (): void => {
    if (released) return;
    released = true;
    socket.off("close", release);
    const n = (ctx.inflight.get(account) ?? 1) - 1;
    if (n <= 0) ctx.inflight.delete(account);
    else ctx.inflight.set(account, n);
    hold.release();
  };
  res.once("close", release);
  socket.once("close", release);
  readBody(ctx, req, res, family, requestId, hold, (body) => {
    // This runs from the request's "end" event, outside the server's own try/catch: a bug on one request must
    // answer 500 and be counted, never take the process (and every other account's traffic) down.
    try {
      if (exchange) exchangeRequest(ctx, req, res, { t, started, family, upstream, info, path, url, body, requestId });
      else passThrough(ctx, req, res, { t, family, upstream, info, path, url, body, requestId });
    } catch {
      ctx.metrics.inc("moat_bad_requests_total", { reason: "internal" });
      sendReply(ctx, res, errorReply(family, "internal", "The gateway hit an internal error on this request.", { requestId }));
    }
  });
}

interface Exchange {
  readonly t: number;
  readonly started: number;
  readonly family: ApiFamily;
  readonly upstream: Upstream;
  readonly info: KeyInfo;
  readonly path: string;
  readonly url: string;
  readonly body: Buffer;
  readonly requestId: string;
}

function exchangeRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, x: Exchange): void {
  const { family, requestId } = x;
  let parsed: unknown;
  try {
    parsed = JSON.parse(x.body.toString("utf8"));
  } catch (e: unknown) {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "bad_json" });
    return sendReply(ctx, res, errorReply(family, "invalid_request", `Request body is not valid JSON (${e instanceof Error ? e.message : String(e)}). Send a JSON object.`, { requestId }));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    ctx.metrics.inc("moat_bad_requests_total", { reason: "not_object" });
    return sendReply(ctx, res, errorReply(family, "invalid_request", "Request body must be a JSON object.", { requestId }));
  }
  const request = parsed as Record<string, unknown>;
  // What the log line keeps until the response ends: everything but the parsed body (the raw bytes are
  // spliced in). A long stream must not hold the parsed object graph: it would outlive young-generation
  // collections and be copied (and promoted) by each one, which is the gateway's GC pause.
  const meta: Mutable<TrafficEvent> = { ts: formatTimestamp(x.t), request_id: requestId, account_id: x.info.accountId, api_key_id: x.info.keyId };
  if (x.info.orgId !== null) meta.org_id = x.info.orgId;
  const ip = clientIp(req.socket.remoteAddress, req.headers, ctx.config.trustedProxies);
  if (ip !== null) meta.ip = ip;
  const ua = req.headers["user-agent"];
  if (ua !== undefined) meta.user_agent = ua;
  meta.endpoint = x.path;
  if (typeof request["model"] === "string") meta.model = request["model"];

  // Copies of `meta` are made with Object.assign, not `{ ...meta, more }`: see `decisionHead` (decide.ts).
  const event: Mutable<TrafficEvent> = Object.assign({}, meta);
  event.request = request;
  const decision = ctx.detector.observe({ t: x.t, event }, x.info.orgId, requestId);
  ctx.metrics.decideSeconds.add((performance.now() - x.started) / 1000);

  // The log must read back as UTF-8 (a scan counts other lines as bad): a body that is not is logged as the JSON
  // moat parsed from it. Decided now, so that `log` below keeps these bytes and nothing else of the request: a
  // closure that named `request` would keep its whole object graph until the response ends (up to ~20 times
  // the body's size for a body of many small objects, which the body budget does not see).
  let logBody: Buffer | null = x.body;
  if (!isUtf8(x.body)) {
    try {
      logBody = Buffer.from(JSON.stringify(request));
    } catch {
      logBody = null;
    }
  }
  const started = x.started;
  const log = (status: number, usage: Usage | null): void => {
    const line: Mutable<TrafficEvent> = Object.assign({}, meta);
    line.status = status;
    line.latency_ms = Math.round((performance.now() - started) * 100) / 100;
    if (usage?.input != null) line.input_tokens = usage.input;
    if (usage?.output != null) line.output_tokens = usage.output;
    try {
      if (logBody === null) throw new Error("request not serialisable");
      ctx.trafficLog.append(line, logBody);
    } catch {
      ctx.metrics.inc("moat_traffic_log_errors_total");
    }
  };

  if (rejects(decision)) {
    ctx.metrics.inc("moat_enforced_total", { action: decision.action });
    const reply = rejection(family, decision, requestId);
    // Logged before the answer leaves: a client that saw the answer implies the exchange is on disk.
    log(reply.status, null);
    return sendReply(ctx, res, reply);
  }
  let out = x.body;
  let caps: DegradeCaps | null = null;
  if (degrades(decision)) {
    ctx.metrics.inc("moat_enforced_total", { action: "degrade" });
    caps = decision.caps;
    const capped = capRequest(family, request, caps);
    // Always the body moat read, re-serialised: the client's own bytes could say something else to another
    // parser (a duplicate key read first, bytes that are not UTF-8).
    try {
      out = Buffer.from(JSON.stringify(capped.body));
    } catch {
      ctx.metrics.inc("moat_bad_requests_total", { reason: "too_deep" });
      log(400, null);
      return sendReply(ctx, res, errorReply(family, "invalid_request", "The request body is nested too deeply for this gateway. Send a flatter JSON body.", { requestId }));
    }
  }
  forward(ctx, req, res, x.upstream, x.url, out, family, caps, requestId, log);
}

function passThrough(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, x: Omit<Exchange, "started">): void {
  const d = ctx.detector.passThrough(x.info.accountId, x.info.orgId, x.path, x.t, x.requestId);
  // Not an exchange: no throttle tokens are spent, but a blocked or challenged account is refused everywhere.
  if (!d.shadow && (d.action === "block" || d.action === "challenge")) {
    ctx.metrics.inc("moat_enforced_total", { action: d.action });
    return sendReply(ctx, res, rejection(x.family, d, x.requestId));
  }
  forward(ctx, req, res, x.upstream, x.url, x.body, x.family, null, x.requestId, () => undefined);
}

/** Forwards to the upstream and relays its answer through a tap; `done` gets the final status and usage once. */
function forward(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  url: string,
  body: Buffer,
  family: ApiFamily,
  caps: DegradeCaps | null,
  requestId: string,
  done: (status: number, usage: Usage | null) => void,
): void {
  const hasBody = body.length > 0 || (req.method !== "GET" && req.method !== "HEAD");
  const relay = new Relay(ctx, res, family, caps, requestId, done);
  // A pipelined request queued behind another never gets its response's "close" when the connection goes: the
  // socket's tells the relay (removed when the exchange ends, so keep-alive sockets do not collect listeners).
  // Attached before the call: undici may report a refused call synchronously, and the exchange then ends at once.
  relay.socket = req.socket;
  req.socket.once("close", relay.onClientClose);
  relay.call = upstream.send(req.method ?? "GET", url, req.headers, hasBody ? body : null, relay);
  res.on("close", relay.onClientClose);
  res.on("drain", relay.onDrain);
}

/**
 * Relays one upstream answer to the client through a tap: one object per call, with the two listeners the
 * client's response needs (close, drain). `tap` stays null when there is no body to relay (the provider
 * refused moat's key).
 */
class Relay implements UpstreamHandler {
  call: UpstreamCall | null = null;
  socket: Socket | null = null;
  private status = 502;
  private tap: ResponseTap | null = null;
  private finished = false;
  /** The response head while the tap holds it (see `ResponseTap.holdsHead`). */
  private held: { status: number; statusText: string; headers: string[] } | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly res: ServerResponse,
    private readonly family: ApiFamily,
    private readonly caps: DegradeCaps | null,
    private readonly requestId: string,
    private readonly done: (status: number, usage: Usage | null) => void,
  ) {}

  /** The client went away before the end: stop the upstream work too. */
  readonly onClientClose = (): void => {
    if (!this.res.writableFinished) {
      // Finished first (with the usage read so far): the abort below reports an error, which is the client's
      // doing, not the provider's.
      this.finish(this.status, this.tap?.usage() ?? null);
      this.call?.abort();
    }
  };

  readonly onDrain = (): void => {
    this.clearStall();
    this.call?.resume();
  };

  /** Set while the client is not reading (the relay paused the upstream for it). */
  private stall: NodeJS.Timeout | null = null;

  /**
   * A client that stops reading holds an upstream connection: after the upstream idle timeout without a drain,
   * both ends are cut (counted), so paused streams cannot pile up and take the pool.
   */
  private readonly onStall = (): void => {
    this.stall = null;
    this.ctx.metrics.inc("moat_bad_requests_total", { reason: "stalled_reader" });
    this.call?.abort();
    this.res.destroy();
    this.finish(this.status, this.tap?.usage() ?? null);
  };

  /**
   * Answers the client with a 502 instead of the provider's answer (counted by `reason`); `drop` stops reading
   * that answer (after undici's own callback has returned), else it is drained.
   */
  private answer502(reason: string, message: string, drop: boolean): void {
    this.ctx.metrics.inc("moat_upstream_errors_total", { reason });
    sendReply(this.ctx, this.res, errorReply(this.family, "upstream_unavailable", message, { requestId: this.requestId }));
    this.finish(502, null);
    if (drop) queueMicrotask(() => this.call?.abort());
  }

  private clearStall(): void {
    if (this.stall !== null) {
      clearTimeout(this.stall);
      this.stall = null;
    }
  }

  onResponse(status: number, raw: string[], statusText: string): void {
    const { family } = this;
    this.status = status;
    // The provider refused moat's own key: never relay that body (it can echo part of the key) and never
    // blame the client's key for it. The body is drained.
    if (status === 401) return this.answer502("upstream_auth", "The upstream provider refused the gateway's credentials. The gateway operator must fix the provider key.", false);
    const encoded = isEncoded(raw);
    const contentType = rawHeader(raw, "content-type");
    if (this.caps !== null && status < 300) {
      // Fail closed, and drop the call: moat asks for identity, and a provider that compresses anyway, or answers
      // in a form the degrading taps cannot read (text/plain…), would carry reasoning past the degrade.
      const unreadable = encoded ? "encoding" : degradable(contentType) ? null : "content_type";
      if (unreadable !== null) return this.answer502(unreadable, UNREADABLE_ANSWER, true);
    }
    const tap = encoded ? createTap(family, "application/octet-stream", status, null) : createTap(family, contentType, status, this.caps, this.ctx.config.upstreams[family]?.inlineReasoning ?? "off");
    this.tap = tap;
    const headers = clientHeaders(raw, tap.rewrites);
    if (tap.holdsHead) {
      // Sent with the rewritten body at the end (or replaced by a 502 if the body cannot be read).
      this.held = { status, statusText, headers };
      return;
    }
    this.writeHead(status, statusText, headers);
  }

  /** The response head, counted. */
  private writeHead(status: number, statusText: string, headers: string[]): void {
    this.ctx.metrics.inc("moat_responses_total", { code: String(status) });
    // The provider's reason phrase is kept: Node knows none for some codes (529 would go out as "unknown").
    // Only a phrase Node can write (printable ASCII): anything else would throw here and reset the client.
    if (statusText !== "" && REASON_PHRASE.test(statusText)) this.res.writeHead(status, statusText, headers);
    else this.res.writeHead(status, headers);
  }

  onData(chunk: Buffer): boolean {
    if (this.tap === null || this.finished) return true;
    const o = this.tap.push(chunk);
    if (this.held !== null && this.tap.unreadable) {
      // Past the bound of a held answer: the 502 goes now and the call is dropped (it may never end).
      this.held = null;
      this.answer502("unreadable_body", UNREADABLE_ANSWER, true);
      return true;
    }
    if (o.length === 0 || this.res.write(o)) return true;
    if (this.stall === null) this.stall = setTimeout(this.onStall, this.ctx.config.upstreamTimeoutMs);
    return false;
  }

  onEnd(): void {
    if (this.tap === null) return;
    const tail = this.tap.end();
    const held = this.held;
    if (held !== null) {
      this.held = null;
      // Fail closed: a degraded answer that is not a JSON object moat can read is not passed on, not even empty.
      if (this.tap.unreadable) return this.answer502("unreadable_body", UNREADABLE_ANSWER, false);
      held.headers.push("content-length", String(Buffer.byteLength(tail)));
      this.writeHead(held.status, held.statusText, held.headers);
    }
    // Log first, then send the last bytes: once the client has the whole answer, the exchange is on disk.
    this.finish(this.status, this.tap.usage());
    if (tail.length > 0) this.res.end(tail);
    else this.res.end();
  }

  onError(err: Error, afterResponse: boolean): void {
    const { ctx, res } = this;
    if (this.finished) {
      // Already answered (a fail-closed 502 that dropped the call): leave that reply alone.
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (afterResponse && res.headersSent) {
      res.destroy();
      this.finish(this.status, this.tap?.usage() ?? null);
      return;
    }
    // Before the answer's head, or while a held head waited for the body (see `held`): the client still gets a 502.
    const code = (err as { code?: unknown }).code;
    const timedOut = code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT";
    ctx.metrics.inc("moat_upstream_errors_total", { reason: timedOut ? "timeout" : afterResponse ? "reset" : "connect" });
    const msg = timedOut
      ? "The upstream provider did not answer in time. Try again shortly."
      : afterResponse
        ? "The upstream provider's answer broke off. Try again shortly."
        : "The upstream provider could not be reached. Try again shortly.";
    if (!res.headersSent) sendReply(ctx, res, errorReply(this.family, "upstream_unavailable", msg, { requestId: this.requestId }));
    else res.destroy();
    this.finish(502, null);
  }

  private finish(status: number, usage: Usage | null): void {
    this.clearStall();
    if (this.finished) return;
    this.finished = true;
    this.socket?.off("close", this.onClientClose);
    this.done(status, usage);
  }
}
