/**
 * Forwarding to a provider: one keep-alive agent per upstream (no TLS/TCP handshake per request on the hot
 * path), client headers passed on minus hop-by-hop and credentials, and the provider key added here so it
 * never travels back toward the client.
 */
import http from "node:http";
import https from "node:https";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { ApiFamily } from "./api-errors.ts";
import type { UpstreamTarget } from "./config.ts";

/** Hop-by-hop headers (RFC 9110 §7.6.1): never forwarded in either direction. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"];

// Hop-by-hop plus what moat owns: the client's credentials (replaced by the provider key), content-length
// (the body may be rewritten) and accept-encoding (moat reads bodies, so identity).
const DROP_REQUEST = new Set([...HOP_BY_HOP, "host", "content-length", "authorization", "x-api-key", "accept-encoding", "cookie", "expect"]);

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
  for (const k in incoming) {
    const v = incoming[k];
    if (v !== undefined && !DROP_REQUEST.has(k)) out[k] = v;
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
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const k = name.toLowerCase();
    if (DROP_RESPONSE.has(k) || (rewrites && k === "content-length")) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/** The first value of header `name` (lower case) in a raw header list, or undefined. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] as string).length === name.length && (raw[i] as string).toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** One configured provider endpoint with its own connection pool. */
export class Upstream {
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly basePath: string;

  constructor(
    readonly family: ApiFamily,
    private readonly target: UpstreamTarget,
    private readonly timeoutMs: number,
  ) {
    const isHttps = target.url.protocol === "https:";
    this.mod = isHttps ? https : http;
    // keepAlive: reuse sockets; maxSockets bounds fan-out to the provider; scheduling "lifo" keeps the hot sockets warm.
    // noDelay: a request goes out as headers + body in separate writes; Nagle + delayed ACK would hold the second for ~40 ms.
    this.agent = new this.mod.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: "lifo", noDelay: true } as http.AgentOptions);
    this.basePath = target.url.pathname.replace(/\/+$/, "");
  }

  /** Starts a request; the caller writes the body and handles the response and errors. */
  request(method: string, path: string, headers: IncomingHttpHeaders, bodyLength: number | null): http.ClientRequest {
    const u = this.target.url;
    const req = this.mod.request({
      agent: this.agent,
      protocol: u.protocol,
      hostname: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port || (u.protocol === "https:" ? 443 : 80),
      method,
      path: this.basePath + path,
      headers: upstreamHeaders(this.family, headers, this.target.apiKey, bodyLength),
      timeout: this.timeoutMs,
    });
    req.on("timeout", () => req.destroy(new Error(`upstream did not answer within ${this.timeoutMs} ms`)));
    return req;
  }

  close(): void {
    this.agent.destroy();
  }
}
