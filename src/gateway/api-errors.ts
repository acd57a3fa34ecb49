/**
 * Error responses in each API's own format, so the official SDKs surface them as their usual typed
 * errors (Anthropic `RateLimitError` / `PermissionDeniedError`, OpenAI the same names) with a readable
 * message and a stable code.
 *
 * - Anthropic: `{"type":"error","error":{"type":"rate_limit_error","message":…,"details":{"error_code":…}},"request_id":…}`
 * - OpenAI:    `{"error":{"message":…,"type":…,"param":null,"code":…}}`
 */

/** Which API's conventions a request follows (chosen by path, then by auth header style). */
export type ApiFamily = "anthropic" | "openai";

export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "blocked"
  | "verification_required"
  | "rate_limited"
  | "not_found"
  | "too_large"
  | "upstream_unavailable"
  | "overloaded"
  | "internal";

interface KindSpec {
  readonly status: number;
  readonly anthropicType: string;
  readonly openaiType: string;
  readonly code: string;
}

const KINDS: Readonly<Record<ErrorKind, KindSpec>> = {
  invalid_request: { status: 400, anthropicType: "invalid_request_error", openaiType: "invalid_request_error", code: "invalid_request" },
  authentication: { status: 401, anthropicType: "authentication_error", openaiType: "invalid_request_error", code: "invalid_api_key" },
  blocked: { status: 403, anthropicType: "permission_error", openaiType: "permission_error", code: "account_blocked" },
  verification_required: { status: 403, anthropicType: "permission_error", openaiType: "permission_error", code: "verification_required" },
  rate_limited: { status: 429, anthropicType: "rate_limit_error", openaiType: "requests", code: "rate_limit_exceeded" },
  not_found: { status: 404, anthropicType: "not_found_error", openaiType: "invalid_request_error", code: "not_found" },
  too_large: { status: 413, anthropicType: "request_too_large", openaiType: "invalid_request_error", code: "request_too_large" },
  upstream_unavailable: { status: 502, anthropicType: "api_error", openaiType: "server_error", code: "upstream_unavailable" },
  overloaded: { status: 503, anthropicType: "overloaded_error", openaiType: "server_error", code: "gateway_overloaded" },
  internal: { status: 500, anthropicType: "api_error", openaiType: "server_error", code: "internal_error" },
};

export interface ErrorReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ErrorOptions {
  readonly requestId?: string;
  /** Seconds, sent as `retry-after` (and `retry-after-ms`, which both SDKs read first). */
  readonly retryAfterS?: number;
  /** Extra machine-readable details (e.g. `verification_url`). */
  readonly details?: Readonly<Record<string, string>>;
  /** OpenAI `param`: the request field at fault. */
  readonly param?: string;
}

/** Builds the status, headers and JSON body of an error in `family`'s format. */
export function errorReply(family: ApiFamily, kind: ErrorKind, message: string, opts: ErrorOptions = {}): ErrorReply {
  const k = KINDS[kind];
  const headers: Record<string, string> = { "content-type": "application/json" };
  // Each SDK reads its provider's header: Anthropic's `request-id`, OpenAI's `x-request-id` (err.requestID).
  if (opts.requestId) headers[family === "anthropic" ? "request-id" : "x-request-id"] = opts.requestId;
  if (opts.retryAfterS !== undefined) {
    headers["retry-after"] = String(opts.retryAfterS);
    headers["retry-after-ms"] = String(opts.retryAfterS * 1000);
  }
  // Block and step-up are final answers: tell SDKs not to retry them.
  if (kind === "blocked" || kind === "verification_required") headers["x-should-retry"] = "false";
  let body: unknown;
  if (family === "anthropic") {
    const error: Record<string, unknown> = { type: k.anthropicType, message };
    error["details"] = { error_code: k.code, ...(opts.details ?? {}) };
    body = { type: "error", error, ...(opts.requestId ? { request_id: opts.requestId } : {}) };
  } else {
    body = { error: { message, type: k.openaiType, param: opts.param ?? null, code: k.code, ...(opts.details ?? {}) } };
  }
  return { status: k.status, headers, body: JSON.stringify(body) };
}
