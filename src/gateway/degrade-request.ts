/**
 * Degrade, request side: caps what a degraded request may ask for before it is forwarded
 * (`max_tokens`, thinking budgets, reasoning effort, logprobs). Pure: takes the parsed body, returns a
 * new one and a list of what changed (for the decision log), never touching the original.
 */
import type { ApiFamily } from "./api-errors.ts";
import type { DegradeCaps } from "./decision.ts";

type Body = Record<string, unknown>;

/** Anthropic rejects a thinking budget under 1024 tokens; below that, thinking is turned off instead. */
const MIN_THINKING_BUDGET = 1024;
const EFFORT_ORDER = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;

export interface CappedRequest {
  readonly body: Body;
  /** Human-readable list of changes, e.g. `max_tokens 20000->2048`. */
  readonly changes: readonly string[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function capNumber(body: Body, field: string, cap: number, changes: string[]): void {
  const v = body[field];
  if (typeof v === "number" && v > cap) {
    body[field] = cap;
    changes.push(`${field} ${v}->${cap}`);
  }
}

/** Deletes `field` when present, and says so. */
function remove(body: Body, field: string, changes: string[]): void {
  if (body[field] === undefined) return;
  delete body[field];
  changes.push(`${field} removed`);
}

/** Caps `body[field].effort` (an object such as OpenAI's `reasoning` or Anthropic's `output_config`), copying that object. */
function capNestedEffort(body: Body, field: string, cap: string, changes: string[]): void {
  const o = body[field];
  if (!isRecord(o)) return;
  const e = capEffort(o["effort"], cap);
  if (e === null) return;
  changes.push(`${field}.effort ${String(o["effort"])}->${e}`);
  body[field] = Object.assign({}, o, { effort: e });
}

function capEffort(v: unknown, cap: string): string | null {
  if (typeof v !== "string") return null;
  const known = EFFORT_ORDER.indexOf(v as (typeof EFFORT_ORDER)[number]);
  // A level this list does not know (a new one) counts as above the cap: degrade fails closed.
  const have = known < 0 ? EFFORT_ORDER.length : known;
  const max = EFFORT_ORDER.indexOf(cap as (typeof EFFORT_ORDER)[number]);
  return have > max && max >= 0 ? cap : null;
}

/** Whether an assistant turn carries tool_use but no thinking block (what stripping thinking leaves behind). */
function hasToolUseWithoutThinking(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  return messages.some((m) => {
    if (!isRecord(m) || m["role"] !== "assistant" || !Array.isArray(m["content"])) return false;
    const blocks = m["content"] as unknown[];
    const types = blocks.map((b) => (isRecord(b) ? b["type"] : undefined));
    return types.includes("tool_use") && !types.includes("thinking") && !types.includes("redacted_thinking");
  });
}

function capAnthropic(body: Body, caps: DegradeCaps, changes: string[]): void {
  if (caps.maxTokens !== null) {
    // max_tokens is required by the API: one that is not a number becomes the cap.
    if (typeof body["max_tokens"] !== "number") {
      changes.push(`max_tokens ${JSON.stringify(body["max_tokens"])}->${caps.maxTokens}`);
      body["max_tokens"] = caps.maxTokens;
    }
    capNumber(body, "max_tokens", caps.maxTokens, changes);
  }
  // Effort given through output_config is capped like OpenAI's reasoning effort.
  if (caps.reasoningEffort !== null) capNestedEffort(body, "output_config", caps.reasoningEffort, changes);
  const thinking = body["thinking"];
  if (!isRecord(thinking) || thinking["type"] === "disabled") return;
  const off = (why: string): void => {
    body["thinking"] = { type: "disabled" };
    changes.push(`thinking off (${why})`);
  };
  // With thinking stripped from earlier responses, the client sends tool-use turns without their thinking
  // blocks, which the API refuses while thinking is on; turning it off keeps the conversation valid.
  if (caps.dropReasoning && hasToolUseWithoutThinking(body["messages"])) return off("tool turns without thinking");
  if (caps.thinkingBudget !== null && caps.thinkingBudget < MIN_THINKING_BUDGET) return off(`budget cap ${caps.thinkingBudget}`);
  const budget = thinking["budget_tokens"];
  if (typeof budget !== "number") {
    // Without a number moat cannot bound it (a string some servers coerce, an adaptive mode): off when a cap is set.
    if (caps.thinkingBudget !== null) off(`budget_tokens ${JSON.stringify(budget) ?? "absent"} is not a number`);
    return;
  }
  let cap = caps.thinkingBudget ?? budget;
  const maxTokens = body["max_tokens"];
  // The budget must stay below max_tokens, which may just have been capped.
  if (typeof maxTokens === "number" && cap >= maxTokens) cap = maxTokens - 1;
  if (cap < MIN_THINKING_BUDGET) return off(`budget would be ${cap}`);
  if (budget > cap) {
    body["thinking"] = Object.assign({}, thinking, { budget_tokens: cap });
    changes.push(`thinking.budget_tokens ${budget}->${cap}`);
  }
}

function capOpenAI(body: Body, caps: DegradeCaps, changes: string[]): void {
  // Several samples per request multiply what one degraded request yields (and slip past per-request throttles).
  if (body["n"] !== undefined && body["n"] !== 1) {
    changes.push(`n ${JSON.stringify(body["n"])}->1`);
    body["n"] = 1;
  }
  remove(body, "best_of", changes);
  if (caps.dropReasoning) remove(body, "include_reasoning", changes);
  // vLLM / SGLang chat templates switch thinking on through chat_template_kwargs.
  const kwargs = body["chat_template_kwargs"];
  if (caps.dropReasoning && isRecord(kwargs) && kwargs["enable_thinking"] !== undefined && kwargs["enable_thinking"] !== false) {
    body["chat_template_kwargs"] = Object.assign({}, kwargs, { enable_thinking: false });
    changes.push("chat_template_kwargs.enable_thinking false");
  }
  if (caps.maxTokens !== null) {
    // A limit that is not a number (a string some servers coerce, null for none) is no limit here.
    for (const f of ["max_tokens", "max_completion_tokens"])
      if (body[f] !== undefined && typeof body[f] !== "number") {
        changes.push(`${f} ${JSON.stringify(body[f])} removed`);
        delete body[f];
      }
    capNumber(body, "max_tokens", caps.maxTokens, changes);
    capNumber(body, "max_completion_tokens", caps.maxTokens, changes);
    // The API takes null for "no limit": a limit that is not a number is no limit, and gets the cap.
    if (typeof body["max_tokens"] !== "number" && typeof body["max_completion_tokens"] !== "number") {
      body["max_completion_tokens"] = caps.maxTokens;
      changes.push(`max_completion_tokens set ${caps.maxTokens}`);
    }
  }
  if (caps.reasoningEffort !== null) {
    const e = capEffort(body["reasoning_effort"], caps.reasoningEffort);
    if (e !== null) {
      changes.push(`reasoning_effort ${String(body["reasoning_effort"])}->${e}`);
      body["reasoning_effort"] = e;
    }
    capNestedEffort(body, "reasoning", caps.reasoningEffort, changes);
  }
  // OpenRouter-style reasoning budgets: bounded like a thinking budget.
  const rb = body["reasoning"];
  if (isRecord(rb) && rb["max_tokens"] !== undefined && caps.thinkingBudget !== null && !(typeof rb["max_tokens"] === "number" && rb["max_tokens"] <= caps.thinkingBudget)) {
    changes.push(`reasoning.max_tokens ${JSON.stringify(rb["max_tokens"])}->${caps.thinkingBudget}`);
    body["reasoning"] = Object.assign({}, rb, { max_tokens: caps.thinkingBudget });
  }
  if (caps.stripLogprobs) for (const f of ["logprobs", "top_logprobs", "prompt_logprobs"]) remove(body, f, changes);
}

/** Returns a capped copy of `body` for `family`. The input is not modified. */
export function capRequest(family: ApiFamily, body: Readonly<Body>, caps: DegradeCaps): CappedRequest {
  const out: Body = { ...body };
  const changes: string[] = [];
  if (family === "anthropic") capAnthropic(out, caps, changes);
  else capOpenAI(out, caps, changes);
  return { body: out, changes };
}
