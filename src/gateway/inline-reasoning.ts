/**
 * Reasoning written into the answer's text itself. Open-weight reasoning models served without a reasoning
 * parser (DeepSeek-R1, QwQ, Qwen3 on a plain vLLM, llama.cpp or TGI) answer `<think>…</think>` followed by
 * the answer, in the ordinary `content` / `text`; templates that pre-fill `<think>` in the prompt leave only the
 * closing tag in the answer. A degraded request must lose that text too, or degrade withholds nothing from
 * such an upstream.
 *
 * Modes (per upstream, `upstreams.<api>.inlineReasoning`):
 * - `think-tags` (the default): text that opens, after optional whitespace, with `<think>`, `<thinking>` or
 *   `<reasoning>` (in any case, with `name=value` attributes or not, up to 128 characters: `<think budget="512">`)
 *   is reasoning up to the matching closing tag (all of it when the tag never closes, as when `max_tokens` cut
 *   the thinking short). A tag anywhere else is left alone: an answer may talk about tags.
 * - `prefilled`: everything before the first `</think>` is reasoning (an opening tag included, if any), and a
 *   whole answer without one is withheld: what vLLM's DeepSeek-R1 parser does for templates that pre-fill it.
 * - `off`: text is never touched.
 *
 * The filter is incremental: a stream's text arrives in deltas split anywhere, including inside a tag. It
 * holds back only what it cannot decide yet (leading whitespace and a partial opening tag, at most
 * {@link MAX_HELD} characters, or a partial closing tag inside reasoning) and gives it back at the end.
 */

export type InlineReasoningMode = "think-tags" | "prefilled" | "off";
export const INLINE_REASONING_MODES: readonly InlineReasoningMode[] = ["think-tags", "prefilled", "off"];

/** An opening tag's start (`<think`, then `>` or attributes) and its closing tag. */
const OPENING: readonly (readonly [open: string, close: string])[] = [
  ["<think", "</think>"],
  ["<thinking", "</thinking>"],
  ["<reasoning", "</reasoning>"],
];
/** Each closing tag, found in any case. */
const CLOSING: Readonly<Record<string, RegExp>> = Object.fromEntries(OPENING.map(([, close]) => [close, new RegExp(close.replace("/", "\\/"), "i")]));
/** An opening tag with attributes longer than this is not taken for one (and nothing more is held waiting for its `>`). */
const MAX_TAG = 128;
/** What may stand between a tag's name and its `>`: `name=value` attributes (quoted or not), then whitespace. */
const ATTRIBUTES = /^(?:\s+[A-Za-z_:][-\w:.]*\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))*\s*$/;

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * Reads an opening tag at the start of `text`: its length and closing tag; "more" when `text` may still become one
 * (a prefix of a tag name, or attributes whose `>` has not come yet); null when it is not one. Names are matched
 * ASCII-blind to case, in place: lowering the text could change its length (`İ`) and so the tag's.
 */
function openingTag(text: string): { length: number; close: string } | "more" | null {
  const n = Math.min(text.length, MAX_TAG);
  let more = false;
  for (const [open, close] of OPENING) {
    let i = 0;
    // `| 0x20` lowers an ASCII letter; the name's letters are lower case, its `<` is compared as it is.
    while (i < open.length && i < n && (i === 0 ? text.charCodeAt(0) : text.charCodeAt(i) | 0x20) === open.charCodeAt(i)) i++;
    if (i < open.length) {
      if (i === text.length) more = true;
      continue;
    }
    if (text.length === open.length) {
      more = true;
      continue;
    }
    const next = text.charCodeAt(open.length);
    if (next === 62 /* > */) return { length: open.length + 1, close };
    if (!isSpace(next)) continue;
    // Attributes: the tag ends at the first `>` outside quotes, and what comes before it must be attributes.
    let quote = 0;
    let end = -1;
    for (let j = open.length; j < n; j++) {
      const c = text.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 62) {
        end = j;
        break;
      }
    }
    if (end < 0) {
      if (text.length < MAX_TAG) more = true;
      continue;
    }
    if (ATTRIBUTES.test(text.slice(open.length, end))) return { length: end + 1, close };
  }
  return more ? "more" : null;
}
/** Leading whitespace held while waiting for a tag; past this much it is let through (the tag is still looked for after it). */
const MAX_HELD = 256;

const enum State {
  /** At the start: deciding whether the text opens with a tag. */
  Start,
  /** Inside reasoning: dropping text until the closing tag. */
  Inside,
  /** Just after the closing tag: dropping the whitespace that separated reasoning from the answer. */
  After,
  /** The answer: everything passes. */
  Pass,
}

/** One text's filter (one choice of an OpenAI answer, one text block of an Anthropic one). */
export class InlineReasoningFilter {
  private state: State;
  /** Start: text held back; Inside: the last characters, which may begin the closing tag. */
  private held = "";
  private close: string;

  constructor(mode: Exclude<InlineReasoningMode, "off">) {
    this.state = mode === "prefilled" ? State.Inside : State.Start;
    this.close = "</think>";
  }

  /** Feeds the next piece of text; returns what the client may see of it (possibly ""). */
  push(piece: string): string {
    switch (this.state) {
      case State.Pass:
        return piece;
      case State.Start:
        return this.start(piece);
      case State.Inside:
        return this.inside(piece);
      case State.After:
        return this.after(piece);
    }
  }

  /** The text ended: returns what was held back and may be shown (a start that never became a tag). */
  end(): string {
    const out = this.state === State.Start ? this.held : "";
    this.held = "";
    this.state = State.Pass;
    return out;
  }

  private start(piece: string): string {
    const text = this.held + piece;
    const lead = text.length - text.trimStart().length;
    const rest = text.slice(lead);
    // Tags are matched in any case (`<Think>`), in place (see `openingTag`).
    const tag = rest === "" ? "more" : openingTag(rest);
    if (tag !== null && tag !== "more") {
      this.close = tag.close;
      this.state = State.Inside;
      this.held = "";
      return this.inside(rest.slice(tag.length));
    }
    if (rest === "") {
      // Only whitespace so far: held up to a bound, then let through, still looking for a tag after it.
      if (text.length <= MAX_HELD) {
        this.held = text;
        return "";
      }
      this.held = "";
      return text;
    }
    if (tag === "more") {
      this.held = text;
      return "";
    }
    this.held = "";
    this.state = State.Pass;
    return text;
  }

  private inside(piece: string): string {
    const text = this.held + piece;
    // A case-blind search that keeps positions (lowering the text could change its length).
    const at = text.search(CLOSING[this.close] as RegExp);
    if (at < 0) {
      // Keep only what may be the start of the closing tag, split across pieces.
      const keep = Math.min(text.length, this.close.length - 1);
      this.held = text.slice(text.length - keep);
      return "";
    }
    this.held = "";
    this.state = State.After;
    return this.after(text.slice(at + this.close.length));
  }

  private after(piece: string): string {
    const rest = piece.trimStart();
    if (rest === "") return "";
    this.state = State.Pass;
    return rest;
  }
}

/** Filters keyed by position (choice index, content block index), created on first use. */
export class InlineReasoningFilters {
  private readonly byKey = new Map<number, InlineReasoningFilter>();
  /**
   * `prefilled`: an Anthropic answer's text blocks are one text (reasoning ends at the first `</think>` of the
   * message, and blocks after it are the answer); `think-tags`: each text block is a text of its own.
   */
  readonly perMessage: boolean;

  constructor(private readonly mode: Exclude<InlineReasoningMode, "off">) {
    this.perMessage = mode === "prefilled";
  }

  /** The filter key of an Anthropic text block (see `perMessage`). */
  textKey(blockIndex: number): number {
    return this.perMessage ? -1 : blockIndex;
  }

  /** The next piece of text `key`; with `last`, the text ends here and anything held back comes out too. */
  push(key: number, piece: string, last: boolean): string {
    let f = this.byKey.get(key);
    if (f === undefined) {
      f = new InlineReasoningFilter(this.mode);
      this.byKey.set(key, f);
    }
    const out = f.push(piece);
    return last ? out + f.end() : out;
  }

  /** Ends text `key` (if it was seen): what was held back and may be shown. */
  end(key: number): string {
    return this.byKey.get(key)?.end() ?? "";
  }
}
