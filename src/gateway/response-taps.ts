/**
 * Response side of the proxy: a "tap" sees every upstream body chunk on its way to the client. It
 * always reads token usage (for the traffic log) and, for a degraded request, withholds reasoning:
 * Anthropic `thinking` / `redacted_thinking` blocks (JSON and SSE, with later block indexes renumbered),
 * OpenAI `reasoning_content` / `reasoning` / `reasoning_details` and `logprobs`, and reasoning written into the
 * answer's text (`<think>…</think>`, see inline-reasoning.ts) in either API.
 * Pass-through taps return chunks unchanged (byte for byte); degrading taps rewrite them.
 */
import type { ApiFamily } from "./api-errors.ts";
import type { DegradeCaps } from "./decision.ts";
import { SseParser, formatSse, type SseEvent } from "./sse.ts";
import { InlineReasoningFilters, type InlineReasoningMode } from "./inline-reasoning.ts";

export interface Usage {
  input: number | null;
  output: number | null;
}

/** Sees every body chunk; returns what to send on. */
export interface ResponseTap {
  /** True when the tap may change bytes (the client must not get the upstream content-length). */
  readonly rewrites: boolean;
  /**
   * True when the tap sends nothing before the body's end (a degraded JSON answer, rewritten whole): the
   * response head waits until then too, so an answer the tap cannot read can still become a 502.
   */
  readonly holdsHead: boolean;
  /** After `end`: the body could not be read, and nothing of it may reach the client. */
  readonly unreadable: boolean;
  push(chunk: Buffer): Buffer | string;
  end(): Buffer | string;
  usage(): Usage;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const THINKING = new Set(["thinking", "redacted_thinking"]);
// Official and OpenAI-compatible servers' names for reasoning text (DeepSeek, vLLM, OpenRouter, others).
const OPENAI_REASONING_FIELDS = ["reasoning_content", "reasoning", "reasoning_details", "reasoning_text", "thinking"];
/** Content parts that carry reasoning, in servers that send `content` as an array of typed parts. */
const REASONING_PARTS = new Set(["thinking", "reasoning", "redacted_thinking"]);

// Bodies bigger than this are not kept for usage parsing: usage is then simply unknown.
const MAX_CAPTURE = 4 * 1024 * 1024;
/**
 * A degraded request's JSON answer is held whole (to drop its reasoning), so its size is bounded: degrade caps
 * the answer's tokens, and a provider's answer past this is not something moat can pass on safely (502).
 */
export const MAX_DEGRADED_BODY = 32 * 1024 * 1024;

function readUsage(family: ApiFamily, u: unknown, into: Usage): void {
  if (!isObj(u)) return;
  if (family === "anthropic") {
    into.input = num(u["input_tokens"]) ?? into.input;
    into.output = num(u["output_tokens"]) ?? into.output;
  } else {
    into.input = num(u["prompt_tokens"]) ?? into.input;
    into.output = num(u["completion_tokens"]) ?? into.output;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/**
 * The top-level `usage` object of a JSON response body, read from its tail without parsing the whole
 * body (both APIs put `usage` last; a long answer costs a full parse ~1 µs per KB). Returns undefined
 * when the key is not found where a key can be (after `{` or `,`) or its object does not parse: the
 * caller then parses the whole body.
 */
export function usageFromTail(buf: Buffer): unknown {
  const i = buf.lastIndexOf('"usage"');
  if (i <= 0) return undefined;
  let p = i - 1;
  while (p > 0 && (buf[p] === 0x20 || buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x09)) p--;
  if (buf[p] !== OPEN && buf[p] !== 0x2c) return undefined;
  const start = buf.indexOf(OPEN, i + 7);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let k = start; k < buf.length; k++) {
    const c = buf[k];
    if (inString) {
      if (c === BACKSLASH) k++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) {
      try {
        return JSON.parse(buf.toString("utf8", start, k + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Removes reasoning (and logprobs) from a parsed response body or OpenAI stream chunk, in place. Returns true if
 * it changed. `inline`: the filters for reasoning written into the text (null when the upstream's mode is `off`);
 * a whole body is given fresh ones, a stream keeps its own across chunks (`streaming`).
 */
export function stripJsonResponse(family: ApiFamily, body: Obj, caps: DegradeCaps, inline: InlineReasoningFilters | null = null, streaming = false): boolean {
  let changed = false;
  if (family === "anthropic") {
    const content = body["content"];
    if (caps.dropReasoning && Array.isArray(content)) {
      let kept = content.filter((b) => !(isObj(b) && THINKING.has(String(b["type"]))));
      let edited = kept.length !== content.length;
      if (inline !== null) {
        // Reasoning in the text (see `InlineReasoningFilters.textKey`); a block left empty goes.
        const shown: unknown[] = [];
        for (const [i, b] of kept.entries()) {
          if (isObj(b) && b["type"] === "text" && typeof b["text"] === "string") {
            const seen = inline.push(inline.textKey(i), b["text"], !inline.perMessage);
            if (seen !== b["text"]) {
              edited = true;
              if (seen === "") continue;
              b["text"] = seen;
            }
          }
          shown.push(b);
        }
        kept = shown;
      }
      if (edited) {
        body["content"] = kept;
        changed = true;
      }
    }
    return changed;
  }
  const choices = body["choices"];
  if (!Array.isArray(choices)) return false;
  for (const c of choices) {
    if (!isObj(c)) continue;
    // A finishing chunk without a delta still carries out what the inline filter held back.
    if (streaming && inline !== null && c["finish_reason"] != null && c["delta"] === undefined) c["delta"] = {};
    let inlineCut = false;
    for (const part of ["message", "delta"]) {
      const m = c[part];
      if (caps.dropReasoning && isObj(m)) {
        for (const f of OPENAI_REASONING_FIELDS)
          if (f in m) {
            delete m[f];
            changed = true;
          }
        const content = m["content"];
        if (inline !== null) {
          // The choice's text; at its end (a whole body, or the chunk that finishes it) whatever was held back comes out.
          const last = !streaming || c["finish_reason"] != null;
          if (typeof content === "string" || last) {
            const text = typeof content === "string" ? content : "";
            const seen = inline.push(num(c["index"]) ?? 0, text, last);
            if (seen !== text) {
              if (seen === "" && streaming) delete m["content"];
              else m["content"] = seen;
              changed = true;
              inlineCut = seen.length < text.length;
            }
          }
        }
        if (Array.isArray(content)) {
          const kept = content.filter((p) => !(isObj(p) && REASONING_PARTS.has(String(p["type"]))));
          if (kept.length !== content.length) {
            m["content"] = kept;
            changed = true;
          }
        }
      }
    }
    // Logprobs list every token of the text, the withheld reasoning's too: they go with it, whatever the policy says of logprobs.
    if ((caps.stripLogprobs || inlineCut) && c["logprobs"] !== undefined && c["logprobs"] !== null) {
      c["logprobs"] = null;
      changed = true;
    }
  }
  return changed;
}

/** Non-streaming JSON: pass chunks through (or hold them when degrading) and parse the whole body at the end. */
class JsonTap implements ResponseTap {
  readonly rewrites: boolean;
  readonly holdsHead: boolean;
  unreadable = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly u: Usage = { input: null, output: null };

  constructor(
    private readonly family: ApiFamily,
    private readonly caps: DegradeCaps | null,
    private readonly inline: InlineReasoningMode,
  ) {
    this.rewrites = caps !== null;
    this.holdsHead = caps !== null;
  }

  push(chunk: Buffer): Buffer | string {
    this.size += chunk.length;
    if (this.caps !== null) {
      // A degraded answer is held whole to be rewritten; one past this size is not read (and fails closed).
      if (this.size > MAX_DEGRADED_BODY) {
        this.unreadable = true;
        this.chunks = [];
      } else this.chunks.push(chunk);
      return "";
    }
    if (this.size <= MAX_CAPTURE) this.chunks.push(chunk);
    return chunk;
  }

  end(): Buffer | string {
    if (this.unreadable) return "";
    const whole = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [];
    if (this.caps === null && this.size <= MAX_CAPTURE) {
      // Pass-through: only usage is wanted, and it is at the end.
      const u = usageFromTail(whole);
      if (isObj(u)) {
        readUsage(this.family, u, this.u);
        return "";
      }
    }
    let body: unknown;
    try {
      body = this.caps !== null || this.size <= MAX_CAPTURE ? JSON.parse(whole.toString("utf8")) : undefined;
    } catch {
      body = undefined;
    }
    if (isObj(body)) readUsage(this.family, body["usage"], this.u);
    if (this.caps === null) return "";
    // Degrading, and the body is not a JSON object moat can read: send nothing rather than unread bytes.
    if (!isObj(body)) {
      this.unreadable = true;
      return "";
    }
    const inline = this.caps.dropReasoning && this.inline !== "off" ? new InlineReasoningFilters(this.inline) : null;
    return stripJsonResponse(this.family, body, this.caps, inline) ? JSON.stringify(body) : whole;
  }

  usage(): Usage {
    return this.u;
  }
}

/** SSE: read usage from the events; when degrading, drop or rewrite reasoning events. */
class SseTap implements ResponseTap {
  readonly rewrites: boolean;
  readonly holdsHead = false;
  readonly unreadable = false;
  private readonly parser = new SseParser();
  private readonly u: Usage = { input: null, output: null };
  /** Anthropic: upstream indexes of dropped blocks, ascending. */
  private readonly dropped: number[] = [];
  /** Reasoning written into the text, per choice (OpenAI) or text block (Anthropic); null when not filtered. */
  private readonly inline: InlineReasoningFilters | null;
  /** Anthropic: upstream indexes of text blocks (the ones the inline filters read). */
  private readonly textBlocks = new Set<number>();

  constructor(
    private readonly family: ApiFamily,
    private readonly caps: DegradeCaps | null,
    inline: InlineReasoningMode,
  ) {
    this.rewrites = caps !== null;
    this.inline = caps?.dropReasoning && inline !== "off" ? new InlineReasoningFilters(inline) : null;
  }

  push(chunk: Buffer): Buffer | string {
    if (this.caps === null) {
      // Pass-through reads only usage: whole events without the word are not even decoded.
      if (!(this.parser.idle && endsEvent(chunk) && chunk.indexOf("usage") < 0)) for (const ev of this.parser.push(chunk)) this.watch(ev);
      return chunk;
    }
    return this.rewrite(this.parser.push(chunk));
  }

  end(): Buffer | string {
    const events = this.parser.end();
    if (this.caps === null) {
      for (const ev of events) this.watch(ev);
      return "";
    }
    return this.rewrite(events);
  }

  usage(): Usage {
    return this.u;
  }

  /** Pass-through: only parse events that can carry usage. */
  private watch(ev: SseEvent): void {
    if (this.family === "anthropic") {
      if (ev.event === "message_start" || ev.event === "message_delta") this.parse(ev);
    } else if (ev.data.includes('"usage"')) this.parse(ev);
  }

  private parse(ev: SseEvent): Obj | null {
    if (ev.data === "" || ev.data === "[DONE]") return null;
    let d: unknown;
    try {
      d = JSON.parse(ev.data);
    } catch {
      return null;
    }
    if (!isObj(d)) return null;
    if (this.family === "anthropic") {
      if (d["type"] === "message_start" && isObj(d["message"])) readUsage("anthropic", d["message"]["usage"], this.u);
      if (d["type"] === "message_delta") readUsage("anthropic", d["usage"], this.u);
    } else readUsage("openai", d["usage"], this.u);
    return d;
  }

  private rewrite(events: SseEvent[]): string {
    let out = "";
    for (const ev of events) {
      const d = this.parse(ev);
      if (d === null) {
        out += ev.raw;
        continue;
      }
      const r = this.family === "anthropic" ? this.rewriteAnthropic(d) : this.rewriteOpenAI(d);
      if (r === "keep") out += ev.raw;
      else if (Array.isArray(r)) for (const [name, e] of r) out += formatSse(name, JSON.stringify(e), name === ev.event ? ev.fields : "");
      else if (r !== "drop") out += formatSse(ev.event, JSON.stringify(r), ev.fields);
    }
    return out;
  }

  /** An event as it is, dropped, rewritten, or replaced by several (named) events. */
  private rewriteAnthropic(event: Obj): Obj | "keep" | "drop" | [string, Obj][] {
    let d = event;
    const t = d["type"];
    if (t !== "content_block_start" && t !== "content_block_delta" && t !== "content_block_stop") return "keep";
    const index = num(d["index"]);
    if (index === null) return "keep";
    if (t === "content_block_start" && this.caps?.dropReasoning) {
      const cb = d["content_block"];
      if (isObj(cb) && THINKING.has(String(cb["type"]))) {
        this.dropped.push(index);
        return "drop";
      }
      if (isObj(cb) && cb["type"] === "text") {
        this.textBlocks.add(index);
        // Anthropic starts a text block empty, but a compatible server may start it with text: that is the text's start.
        if (this.inline !== null && typeof cb["text"] === "string" && cb["text"] !== "") {
          const seen = this.inline.push(this.inline.textKey(index), cb["text"], false);
          if (seen !== cb["text"]) d = Object.assign({}, d, { content_block: Object.assign({}, cb, { text: seen }) });
        }
      }
    }
    if (this.dropped.includes(index)) return "drop";
    const before = this.dropped.filter((i) => i < index).length;
    const renumbered = (e: Obj): Obj | "keep" => (before === 0 ? (e === event ? "keep" : e) : Object.assign({}, e, { index: index - before }));
    if (this.inline !== null && this.textBlocks.has(index)) {
      const delta = d["delta"];
      if (t === "content_block_delta" && isObj(delta) && delta["type"] === "text_delta" && typeof delta["text"] === "string") {
        const seen = this.inline.push(this.inline.textKey(index), delta["text"], false);
        if (seen === "") return "drop";
        if (seen !== delta["text"]) return renumbered(Object.assign({}, d, { delta: Object.assign({}, delta, { text: seen }) }));
      } else if (t === "content_block_stop" && !this.inline.perMessage) {
        // Text held back at the block's start (whitespace, a partial tag that never became one) goes out before its end.
        const held = this.inline.end(index);
        if (held !== "") {
          const shown = { type: "content_block_delta", index: index - before, delta: { type: "text_delta", text: held } };
          return [
            ["content_block_delta", shown],
            ["content_block_stop", before === 0 ? d : Object.assign({}, d, { index: index - before })],
          ];
        }
      }
    }
    return renumbered(d);
  }

  private rewriteOpenAI(d: Obj): Obj | "keep" | "drop" {
    if (!this.caps || !stripJsonResponse("openai", d, this.caps, this.inline, true)) return "keep";
    const choices = Array.isArray(d["choices"]) ? d["choices"] : [];
    // A chunk that carried only reasoning is dropped whole: an empty delta still leaks reasoning length and timing.
    // Members left null (`{"content": null}`, as some servers send beside reasoning) carry nothing either.
    const useful = choices.some((c) => isObj(c) && (c["finish_reason"] != null || (isObj(c["delta"]) && Object.values(c["delta"]).some((v) => v != null))));
    if (!useful && d["usage"] == null) return "drop";
    return d;
  }
}

/** True when a chunk ends with a blank line (`\n\n`, `\r\n\r\n` or `\r\r`): the end of an event. */
function endsEvent(c: Buffer): boolean {
  const n = c.length;
  if (n < 2) return false;
  const a = c[n - 1];
  const b = c[n - 2];
  return (a === 0x0a && (b === 0x0a || (b === 0x0d && n >= 4 && c[n - 3] === 0x0a && c[n - 4] === 0x0d))) || (a === 0x0d && b === 0x0d);
}

/** Any other body (not JSON, not SSE): passed through untouched, nothing read. */
const PASS: ResponseTap = {
  rewrites: false,
  holdsHead: false,
  unreadable: false,
  push: (c) => c,
  end: () => "",
  usage: () => ({ input: null, output: null }),
};

/**
 * Picks a tap for an upstream response. `caps` non-null means the request is degraded and its
 * response must lose its reasoning; error responses (status >= 400) are never rewritten.
 */
export function createTap(family: ApiFamily, contentType: string | undefined, status: number, caps: DegradeCaps | null, inline: InlineReasoningMode = "off"): ResponseTap {
  const ct = (contentType ?? "").toLowerCase();
  const c = status < 400 ? caps : null;
  if (ct.startsWith("text/event-stream")) return new SseTap(family, c, inline);
  if (ct.includes("json")) return new JsonTap(family, c, inline);
  return PASS;
}

/** Whether a degrading tap can read a successful answer of this content type (JSON or SSE); if not, degrade fails closed. */
export function degradable(contentType: string | undefined): boolean {
  const ct = (contentType ?? "").toLowerCase();
  return ct.startsWith("text/event-stream") || ct.includes("json");
}
