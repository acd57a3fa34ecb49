/**
 * Builds realistic request bodies in both API shapes (contract §1): Anthropic Messages and OpenAI
 * Chat Completions, with system prompts, content blocks, tools and tool calls, thinking / reasoning
 * settings, plus the usage numbers a gateway logs (tokens, latency, status).
 */
import type { TrafficEvent } from "../core/model/traffic.ts";
import type { Rng } from "./rng.ts";

export type Api = "anthropic" | "openai";

/** Request parameters; together with model, system prompt and tools they form a client's fingerprint. */
export interface Params {
  readonly maxTokens: number;
  readonly temperature?: number;
  readonly topP?: number;
  /** Anthropic extended thinking budget; OpenAI shape maps it to reasoning_effort. */
  readonly thinkingBudget?: number;
  readonly stream?: boolean;
  /** OpenAI shape: legacy `max_tokens` instead of `max_completion_tokens`. */
  readonly legacyMaxTokens?: boolean;
}

export type Msg =
  | { readonly role: "user"; readonly text: string }
  | { readonly role: "assistant"; readonly text: string }
  | { readonly role: "tool_call"; readonly id: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> }
  | { readonly role: "tool_result"; readonly id: string; readonly content: string };

export interface ToolDef {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Everything about one exchange except who sent it and when. */
export interface ExchangeSpec {
  readonly api: Api;
  readonly model: string;
  readonly system?: string;
  readonly messages: readonly Msg[];
  readonly tools?: readonly ToolDef[];
  readonly params: Params;
  /** Anthropic shape: send user text as content blocks instead of a plain string. */
  readonly blocks?: boolean;
  /** Tokens the model produced (capped by max tokens). */
  readonly outputTokens: number;
  readonly status?: number;
}

/** Rough token count: ~4 characters a token for Latin text, ~1.5 for CJK-heavy text. */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (let i = 0; i < text.length; i += 7) if (text.charCodeAt(i) > 0x2e80) cjk++;
  const share = cjk / Math.max(1, Math.ceil(text.length / 7));
  return Math.max(1, Math.round((text.length / 4) * (1 - share) + (text.length / 1.5) * share));
}

function anthropicMessages(msgs: readonly Msg[], blocks: boolean): unknown[] {
  const out: { role: string; content: unknown }[] = [];
  for (const m of msgs) {
    if (m.role === "user") out.push({ role: "user", content: blocks ? [{ type: "text", text: m.text }] : m.text });
    else if (m.role === "assistant") out.push({ role: "assistant", content: blocks ? [{ type: "text", text: m.text }] : m.text });
    else if (m.role === "tool_call") out.push({ role: "assistant", content: [{ type: "tool_use", id: m.id, name: m.name, input: m.input }] });
    else out.push({ role: "user", content: [{ type: "tool_result", tool_use_id: m.id, content: m.content }] });
  }
  return out;
}

function openaiMessages(system: string | undefined, msgs: readonly Msg[], blocks: boolean): unknown[] {
  const out: unknown[] = [];
  if (system !== undefined) out.push({ role: "system", content: system });
  for (const m of msgs) {
    if (m.role === "user") out.push({ role: "user", content: blocks ? [{ type: "text", text: m.text }] : m.text });
    else if (m.role === "assistant") out.push({ role: "assistant", content: m.text });
    else if (m.role === "tool_call") {
      out.push({
        role: "assistant",
        content: null,
        tool_calls: [{ id: m.id, type: "function", function: { name: m.name, arguments: JSON.stringify(m.input) } }],
      });
    } else out.push({ role: "tool", tool_call_id: m.id, content: m.content });
  }
  return out;
}

function effortOf(budget: number): "low" | "medium" | "high" {
  return budget < 4000 ? "low" : budget < 16000 ? "medium" : "high";
}

/** The request body a client of this API would send. */
export function buildRequest(spec: ExchangeSpec): Record<string, unknown> {
  const p = spec.params;
  if (spec.api === "anthropic") {
    const body: Record<string, unknown> = { model: spec.model, max_tokens: p.maxTokens };
    if (spec.system !== undefined) body["system"] = spec.system;
    body["messages"] = anthropicMessages(spec.messages, spec.blocks === true);
    if (p.thinkingBudget !== undefined) body["thinking"] = { type: "enabled", budget_tokens: p.thinkingBudget };
    // The Messages API rejects temperature/top_p changes together with extended thinking.
    else {
      if (p.temperature !== undefined) body["temperature"] = p.temperature;
      if (p.topP !== undefined) body["top_p"] = p.topP;
    }
    if (spec.tools !== undefined) body["tools"] = spec.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema }));
    if (p.stream === true) body["stream"] = true;
    return body;
  }
  const body: Record<string, unknown> = { model: spec.model, messages: openaiMessages(spec.system, spec.messages, spec.blocks === true) };
  body[p.legacyMaxTokens === true ? "max_tokens" : "max_completion_tokens"] = p.maxTokens;
  if (p.thinkingBudget !== undefined) body["reasoning_effort"] = effortOf(p.thinkingBudget);
  if (p.temperature !== undefined) body["temperature"] = p.temperature;
  if (p.topP !== undefined) body["top_p"] = p.topP;
  if (spec.tools !== undefined) {
    body["tools"] = spec.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.schema } }));
  }
  if (p.stream === true) body["stream"] = true;
  return body;
}

/** Input tokens of a spec: system + every message + tool schemas. */
export function inputTokensOf(spec: ExchangeSpec): number {
  let n = spec.system === undefined ? 0 : estimateTokens(spec.system);
  for (const m of spec.messages) {
    if (m.role === "user" || m.role === "assistant") n += estimateTokens(m.text) + 4;
    else if (m.role === "tool_call") n += 20 + estimateTokens(JSON.stringify(m.input));
    else n += 8 + estimateTokens(m.content);
  }
  if (spec.tools !== undefined) n += spec.tools.length * 60;
  return n;
}

/** The gateway-side fields of an exchange (everything but ts / account / key / ip / user agent). */
export function exchangeFields(spec: ExchangeSpec, rng: Rng): Pick<TrafficEvent, "endpoint" | "model" | "request" | "status" | "input_tokens" | "output_tokens" | "latency_ms"> {
  const status = spec.status ?? 200;
  const input = inputTokensOf(spec);
  const ok = status === 200;
  const output = ok ? Math.max(1, Math.min(spec.params.maxTokens, Math.round(spec.outputTokens))) : 0;
  // Time to first token plus decode time; bigger models decode slower.
  const perToken = spec.model.includes("opus") ? 28 : spec.model.includes("haiku") ? 7 : 14;
  const latency = ok ? Math.round(250 + rng.exp(500) + input * 0.05 + output * perToken * rng.float(0.8, 1.25)) : rng.int(30, 400);
  return {
    endpoint: spec.api === "anthropic" ? "/v1/messages" : "/v1/chat/completions",
    model: spec.model,
    request: buildRequest(spec),
    status,
    input_tokens: input,
    output_tokens: output,
    latency_ms: latency,
  };
}
