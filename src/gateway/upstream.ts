/**
 * Forwarding to a provider: one keep-alive connection pool per upstream (no TLS/TCP handshake per request
 * on the hot path), client headers passed on minus hop-by-hop and credentials, and the provider key added
 * here so it never travels back toward the client.
 *
 * The pool is undici's (the HTTP/1.1 client of Node's own fetch): against `http.Agent` + `http.request` it
 * took a bare Node hop from 52-53 to 40-42 µs of CPU per request (zero-latency stub, same load; see
 * docs/gateway-performance.md, session 6), and it hands over the raw header list and body chunks with no
 * per-request stream objects.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { Pool, type Dispatcher } from "undici";
import type { ApiFamily } from "./api-errors.ts";
import type { UpstreamTarget } from "./config.ts";

/** Hop-by-hop headers (RFC 9110 §7.6.1): never forwarded in either direction. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"];

// Hop-by-hop plus what moat owns: the client's credentials (replaced by the provider key), content-length
// (the body may be rewritten), accept-encoding (moat reads bodies, so identity), and the client's own OpenAI
// organisation and project (the SDK sends them from OPENAI_ORG_ID / OPENAI_PROJECT_ID): the request goes out
// on moat's provider account, and the customer's ids must not reach the provider.
const DROP_REQUEST = new Set([...HOP_BY_HOP, "host", "content-length", "authorization", "x-api-key", "accept-encoding", "cookie", "expect", "openai-organization", "openai-project"]);

// Hop-by-hop again, plus provider account identifiers: the client talks to moat's operator, not to the
// provider account behind it.
const DROP_RESPONSE = new Set([
  ...HOP_BY_HOP,
  "openai-organization",
  "openai-project",
  "anthropic-organization-id",
]);

/** Headers to send upstream for a client request. `contentLength` is of the (possibly rewritten) body. */
export function upstreamHeaders(family: ApiFamily, incoming: IncomingHttpHeaders, apiKey: string, contentLength: number | null): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const hop = connectionTokens(incoming["connection"]);
  for (const k in incoming) {
    const v = incoming[k];
    if (v !== undefined && !DROP_REQUEST.has(k) && (hop === null || !hop.has(k))) out[k] = v;
  }
  if (family === "anthropic") out["x-api-key"] = apiKey;
  else out["authorization"] = `Bearer ${apiKey}`;
  out["accept-encoding"] = "identity";
  if (contentLength !== null) out["content-length"] = contentLength;
  return out;
}

/**
 * Response headers to pass to the client, from the upstream response's raw header list (names as the
 * provider sent them, repeated headers kept), as the flat `[name, value, …]` list `writeHead` takes.
 * Working on the raw list spares building the response's header object. `rewrites`: the body will
 * change, so its length is not known.
 */
export function clientHeaders(raw: readonly string[], rewrites: boolean): string[] {
  const out: string[] = [];
  const hop = connectionTokens(rawHeader(raw, "connection"));
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const k = name.toLowerCase();
    if (DROP_RESPONSE.has(k) || (rewrites && k === "content-length") || (hop !== null && hop.has(k))) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * Header names listed in a `Connection` header (RFC 9110 §7.6.1: hop-by-hop for this connection only, never
 * forwarded), lower-cased; null when there are none beyond the usual keep-alive / close.
 */
function connectionTokens(v: string | string[] | undefined): Set<string> | null {
  if (v === undefined) return null;
  // What nearly every client and provider sends: nothing to drop (checked first: this runs twice per exchange).
  if (typeof v === "string" && (v === "keep-alive" || v === "close" || v === "Keep-Alive")) return null;
  let out: Set<string> | null = null;
  for (const t of (Array.isArray(v) ? v.join(",") : v).split(",")) {
    const k = t.trim().toLowerCase();
    if (k === "" || k === "keep-alive" || k === "close") continue;
    (out ??= new Set()).add(k);
  }
  return out;
}

/**
 * Whether a response's body is encoded: any `Content-Encoding` value, in any of its header lines, other than
 * `identity` (a second line must not hide a gzip behind a first `identity`).
 */
export function isEncoded(raw: readonly string[]): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length !== 16 || name.toLowerCase() !== "content-encoding") continue;
    for (const v of (raw[i + 1] as string).split(",")) {
      const t = v.trim().toLowerCase();
      if (t !== "" && t !== "identity") return true;
    }
  }
  return false;
}

/** The first value of header `name` (lower case) in a raw header list, or undefined. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] as string).length === name.length && (raw[i] as string).toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** What the request path hears back from one upstream call; each call gets exactly one `onEnd` or `onError`. */
export interface UpstreamHandler {
  /** Status and raw header list (`[name, value, …]`, as the provider sent them) of the final response. */
  onResponse(status: number, rawHeaders: string[], statusText: string): void;
  /** A body chunk. Return false to stop reading until `UpstreamCall.resume()`. */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  /** The call failed: before any response (connect, timeout) or, when `afterResponse`, mid-body. */
  onError(err: Error, afterResponse: boolean): void;
}

/** A started upstream call. */
export interface UpstreamCall {
  /** Stops the call (the client went away); the handler then hears `onError`. */
  abort(): void;
  /** Reads on after `onData` returned false. */
  resume(): void;
}

/** undici's handler for one call: adapts its callbacks to `UpstreamHandler` (a class: no closures per call). */
class Call implements Dispatcher.DispatchHandlers, UpstreamCall {
  private abortFn: ((err?: Error) => void) | null = null;
  private resumeFn: (() => void) | null = null;
  private aborted = false;
  private responded = false;

  constructor(private readonly h: UpstreamHandler) {}

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortFn?.(new Error("the client closed the connection"));
  }

  resume(): void {
    this.resumeFn?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.aborted) abort(new Error("the client closed the connection"));
    else this.abortFn = abort;
  }

  onHeaders(status: number, raw: Buffer[] | string[] | null, resume: () => void, statusText?: string): boolean {
    // Informational answers (100 Continue…) are not the response.
    if (status < 200) return true;
    this.responded = true;
    this.resumeFn = resume;
    const names: string[] = [];
    if (raw) for (const v of raw) names.push(typeof v === "string" ? v : v.toString("latin1"));
    this.h.onResponse(status, names, statusText ?? "");
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.h.onData(chunk);
  }

  onComplete(): void {
    this.h.onEnd();
  }

  onError(err: Error): void {
    this.h.onError(err, this.responded);
  }
}

/**
 * undici pool settings: `connections` bounds fan-out to the provider; no pipelining (one request per
 * connection at a time, as providers expect). The bench's bare hop uses the same.
 */
export const UPSTREAM_POOL = { connections: 512, pipelining: 1, keepAliveTimeout: 30_000 } as const;

/** One configured provider endpoint with its own connection pool. */
export class Upstream {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly family: ApiFamily,
    private readonly target: UpstreamTarget,
    timeoutMs: number,
  ) {
    // The timeouts are idle limits: for the response's headers, then between body chunks.
    this.pool = new Pool(target.url.origin, Object.assign({}, UPSTREAM_POOL, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs }));
    this.basePath = target.url.pathname.replace(/\/+$/, "");
  }

  /** Starts a call with `body` (null: none) and reports to `h`. */
  send(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer | null, h: UpstreamHandler): UpstreamCall {
    const call = new Call(h);
    const out = upstreamHeaders(this.family, headers, this.target.apiKey, body === null ? null : body.length);
    const flat: string[] = [];
    for (const k in out) {
      const v = out[k];
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) flat.push(k, x);
      else flat.push(k, String(v));
    }
    try {
      this.pool.dispatch({ method: method as Dispatcher.HttpMethod, path: this.basePath + path, headers: flat, body }, call);
    } catch (e: unknown) {
      // undici refuses some requests synchronously (a header it will not send): same path as a failed call.
      queueMicrotask(() => call.onError(e instanceof Error ? e : new Error(String(e))));
    }
    return call;
  }

  close(): void {
    void this.pool.destroy().catch(() => undefined);
  }
}
