/**
 * Small, pure readers of an incoming request: which API family it speaks, the moat key it carries,
 * the client address (X-Forwarded-For only from a trusted proxy), and whether it is a model exchange.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ApiFamily } from "./api-errors.ts";

/** Paths whose POSTs are model exchanges: fed to the engine, logged, and subject to every action. */
export const EXCHANGE_PATHS: Readonly<Record<string, ApiFamily>> = {
  "/v1/messages": "anthropic",
  "/v1/chat/completions": "openai",
};

const OPENAI_PREFIXES = ["/v1/chat/", "/v1/completions", "/v1/responses", "/v1/embeddings"];

/**
 * The API family of a request: by path where it is unambiguous (`/v1/messages…` is Anthropic,
 * `/v1/chat/completions` OpenAI), otherwise by how the client authenticates (Anthropic SDKs send
 * `x-api-key` and `anthropic-version`; OpenAI SDKs send `Authorization: Bearer`).
 */
export function familyOf(path: string, headers: IncomingHttpHeaders): ApiFamily {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (OPENAI_PREFIXES.some((p) => path.startsWith(p))) return "openai";
  if (headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined) return "anthropic";
  return "openai";
}

/** The moat key a client sent: `x-api-key`, else `Authorization: Bearer …`. */
export function clientKey(headers: IncomingHttpHeaders): string | null {
  const x = headers["x-api-key"];
  if (typeof x === "string" && x !== "") return x;
  const auth = headers["authorization"];
  if (typeof auth === "string") {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  return null;
}

function normalise(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice(7) : ip;
}

/**
 * The client's address. X-Forwarded-For is read only when the socket peer is a trusted proxy; then the
 * rightmost address that is not itself trusted is the client (anything left of it could be forged).
 */
export function clientIp(remote: string | undefined, headers: IncomingHttpHeaders, trusted: ReadonlySet<string>): string | null {
  if (remote === undefined) return null;
  const peer = normalise(remote);
  if (!trusted.has(peer)) return peer;
  const xff = headers["x-forwarded-for"];
  const chain = (Array.isArray(xff) ? xff.join(",") : (xff ?? "")).split(",").map((s) => normalise(s.trim())).filter((s) => s !== "");
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i];
    if (hop !== undefined && !trusted.has(hop)) return hop;
  }
  return peer;
}
