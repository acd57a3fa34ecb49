/**
 * A local stand-in for the Anthropic and OpenAI APIs, for the gateway's tests and bench: real HTTP on
 * 127.0.0.1, JSON and SSE answers shaped like the providers' (Anthropic thinking / redacted_thinking
 * blocks with signatures, OpenAI `reasoning_content` deltas, logprobs, usage), provider-key checks,
 * and a record of what reached it (to prove caps were applied and the client's moat key never arrived).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown> | null;
}

export interface UpstreamStub {
  readonly url: string;
  /** Requests received, oldest first (empty in `light` mode). */
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

export interface StubOptions {
  readonly anthropicKey?: string;
  readonly openaiKey?: string;
  /** Bench mode: keep nothing, answer a small fixed JSON (or, for `"stream": true`, a short SSE stream) as fast as possible. */
  readonly light?: boolean;
  /** Light mode only: answer like an LLM API instead of at once (see `LlmTiming`). */
  readonly timing?: LlmTiming;
  /** Port on 127.0.0.1 (default: any free one). */
  readonly port?: number;
  /** Keep every request in `requests` (default true; false for a stub that runs a long time). */
  readonly record?: boolean;
}

/**
 * How slowly a light stub answers, to stand in for an LLM API. A JSON answer comes `firstByteMs` after the
 * request; a stream's first event comes after `firstByteMs`, then `chunks` more events `chunkGapMs` apart.
 * Real APIs take hundreds of ms to the first token and seconds to a full answer, with tokens tens of ms
 * apart; the bench uses values well below those (`LLM_LIKE`), so moat's share of the time is overstated.
 */
export interface LlmTiming {
  readonly firstByteMs: number;
  readonly chunkGapMs: number;
  readonly chunks: number;
}

/** The bench's LLM-like profile: 50 ms to the first byte; streams send 8 more events 5 ms apart (90 ms in all). */
export const LLM_LIKE: LlmTiming = { firstByteMs: 50, chunkGapMs: 5, chunks: 8 };

const THOUGHT = "Let me work through this step by step. 17*23 = 17*20 + 17*3 = 340 + 51 = 391.";
const ANSWER = "The answer is 391.";

function sse(res: http.ServerResponse, events: Array<[string | null, unknown]>): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": "req_stub_stream" });
  // Written in small pieces so clients see real chunking (events split across TCP writes).
  for (const [name, data] of events) {
    const text = `${name !== null ? `event: ${name}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
    const mid = Math.floor(text.length / 2);
    res.write(text.slice(0, mid));
    res.write(text.slice(mid));
  }
  res.end();
}

function anthropic(body: Record<string, unknown>, res: http.ServerResponse): void {
  const thinking = (body["thinking"] as { type?: string } | undefined)?.type === "enabled";
  const model = String(body["model"] ?? "claude-stub");
  const usage = { input_tokens: 21, output_tokens: thinking ? 120 : 12 };
  const blocks: Array<Record<string, unknown>> = [];
  if (thinking) {
    blocks.push({ type: "thinking", thinking: THOUGHT, signature: "sig_abc" });
    blocks.push({ type: "redacted_thinking", data: "ENCRYPTED" });
  }
  blocks.push({ type: "text", text: ANSWER });
  if (!body["stream"]) {
    res.writeHead(200, { "content-type": "application/json", "request-id": "req_stub_json" });
    res.end(JSON.stringify({ id: "msg_stub", type: "message", role: "assistant", model, content: blocks, stop_reason: "end_turn", stop_sequence: null, usage }));
    return;
  }
  const ev: Array<[string, unknown]> = [
    ["message_start", { type: "message_start", message: { id: "msg_stub", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 21, output_tokens: 1 } } }],
    ["ping", { type: "ping" }],
  ];
  blocks.forEach((b, index) => {
    if (b["type"] === "thinking") {
      ev.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } }]);
      for (const part of THOUGHT.match(/.{1,20}/g) ?? []) ev.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: part } }]);
      ev.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: "sig_abc" } }]);
    } else if (b["type"] === "redacted_thinking") {
      ev.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "redacted_thinking", data: "ENCRYPTED" } }]);
    } else {
      ev.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
      for (const part of ANSWER.split(" ")) ev.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: `${part} ` } }]);
    }
    ev.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  ev.push(["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }]);
  ev.push(["message_stop", { type: "message_stop" }]);
  sse(res, ev);
}

function openai(body: Record<string, unknown>, res: http.ServerResponse): void {
  const reasoning = body["reasoning_effort"] !== undefined || String(body["model"] ?? "").includes("reason");
  // Like an open-weight reasoning model behind a server without a reasoning parser: the thinking is in the text.
  const inline = String(body["model"] ?? "").includes("r1");
  const answer = inline ? `<think>\n${THOUGHT}\n</think>\n\n${ANSWER}` : ANSWER;
  const logprobs = body["logprobs"] === true;
  const model = String(body["model"] ?? "gpt-stub");
  const usage = { prompt_tokens: 30, completion_tokens: reasoning ? 140 : 12, total_tokens: reasoning ? 170 : 42 };
  const lp = logprobs ? { content: [{ token: "The", logprob: -0.01, bytes: [84, 104, 101], top_logprobs: [] }] } : null;
  if (!body["stream"]) {
    const message: Record<string, unknown> = { role: "assistant", content: answer, refusal: null };
    if (reasoning) message["reasoning_content"] = THOUGHT;
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_stub_json", "openai-organization": "org-provider-secret" });
    res.end(JSON.stringify({ id: "chatcmpl-stub", object: "chat.completion", created: 1, model, choices: [{ index: 0, message, logprobs: lp, finish_reason: "stop" }], usage }));
    return;
  }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
    id: "chatcmpl-stub",
    object: "chat.completion.chunk",
    created: 1,
    model,
    choices: [{ index: 0, delta, logprobs: logprobs && delta["content"] ? lp : null, finish_reason: finish }],
    ...extra,
  });
  const ev: Array<[null, unknown]> = [[null, chunk({ role: "assistant", content: "" })]];
  if (reasoning) for (const part of THOUGHT.match(/.{1,20}/g) ?? []) ev.push([null, chunk({ reasoning_content: part })]);
  for (const part of inline ? (answer.match(/.{1,7}/gs) ?? []) : ANSWER.split(" ").map((w) => `${w} `)) ev.push([null, chunk({ content: part })]);
  ev.push([null, chunk({}, "stop")]);
  if ((body["stream_options"] as { include_usage?: boolean } | undefined)?.include_usage) ev.push([null, { id: "chatcmpl-stub", object: "chat.completion.chunk", created: 1, model, choices: [], usage }]);
  ev.push([null, "[DONE]"]);
  sse(res, ev);
}

const LIGHT_CHUNK = (delta: string): string => `data: {"id":"chatcmpl-stub","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${delta}"},"finish_reason":null}]}\n\n`;
const LIGHT_LAST = `data: {"id":"chatcmpl-stub","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}}\n\ndata: [DONE]\n\n`;

/** Light mode: a fixed JSON answer, or for a streaming request a short OpenAI-shaped SSE stream, paced by `timing`. */
function lightAnswer(res: http.ServerResponse, stream: boolean, timing: LlmTiming | undefined): void {
  const first = timing?.firstByteMs ?? 0;
  if (!stream) {
    const send = (): void => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(LIGHT_BODY) });
      res.end(LIGHT_BODY);
    };
    if (first > 0) setTimeout(send, first);
    else send();
    return;
  }
  const chunks = timing?.chunks ?? 4;
  let sent = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (sent === 0) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    if (sent < chunks) {
      res.write(LIGHT_CHUNK(`word${sent} `));
      sent++;
      if (timing && timing.chunkGapMs > 0) setTimeout(next, timing.chunkGapMs);
      else next();
    } else res.end(LIGHT_LAST);
  };
  if (first > 0) setTimeout(next, first);
  else next();
}

const LIGHT_BODY = JSON.stringify({ id: "chatcmpl-stub", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: ANSWER }, finish_reason: "stop" }], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } });

/** Starts the stub on 127.0.0.1 (random port). */
export async function startUpstreamStub(opts: StubOptions = {}): Promise<UpstreamStub> {
  const requests: StubRequest[] = [];
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (opts.light) {
        const stream = chunks.length > 0 && Buffer.concat(chunks).includes('"stream":true');
        return lightAnswer(res, stream, opts.timing);
      }
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      let body: Record<string, unknown> | null = null;
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      if (opts.record !== false) requests.push({ method: req.method ?? "GET", path, headers: req.headers, body });
      const isAnthropic = path.startsWith("/v1/messages") || (path === "/v1/models" && req.headers["x-api-key"] !== undefined);
      const presented = isAnthropic ? req.headers["x-api-key"] : String(req.headers["authorization"] ?? "").replace(/^Bearer /, "");
      const expected = isAnthropic ? opts.anthropicKey : opts.openaiKey;
      if (expected !== undefined && presented !== expected) {
        res.writeHead(401, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${String(presented).slice(0, 6)}****`, type: "authentication_error" } }));
      }
      if (req.method === "POST" && path === "/v1/messages" && body) return anthropic(body, res);
      if (req.method === "POST" && path === "/v1/messages/count_tokens") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ input_tokens: 21 }));
      }
      if (req.method === "POST" && path === "/v1/chat/completions" && body) return openai(body, res);
      if (req.method === "GET" && path === "/v1/models") {
        res.writeHead(200, { "content-type": "application/json", "x-stub": "models" });
        return void res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-stub", object: "model", created: 1, owned_by: "stub" }] }));
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `stub has no route ${req.method} ${path}`, type: "invalid_request_error" } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
