/**
 * A small incremental Server-Sent Events parser and serializer. Bytes arrive in arbitrary chunks
 * (mid-line, mid-UTF-8 character); complete events come out with their raw text, so events the
 * gateway does not change are re-emitted byte for byte.
 */

/** One SSE event: `event` name (null when absent), joined `data`, and the exact text it came from. */
export interface SseEvent {
  readonly event: string | null;
  readonly data: string;
  readonly raw: string;
  /** Its `id:` and `retry:` lines as sent, each ending in "\n" ("" for none): a rewritten event carries them on. */
  readonly fields: string;
}

/** Feed chunks with `push`; each call returns the events completed by that chunk. Call `end` at the end. */
export class SseParser {
  private readonly decoder = new TextDecoder();
  /** Text received since the last complete event; it holds no event terminator. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The last 3 characters of `pending`: a terminator (at most 4 characters) may start there. */
  private tail = "";
  private lastByte = 0x0a;

  push(chunk: Uint8Array): SseEvent[] {
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
    const text = this.decoder.decode(chunk, { stream: true });
    if (text === "") return [];
    // Only the new text (and the few characters before it) can complete an event: a long event arriving in
    // many chunks is searched once per chunk, not rescanned from its start each time (that was quadratic).
    if (!TERMINATOR.test(this.tail + text)) {
      this.pending.push(text);
      this.pendingLength += text.length;
      this.tail = (this.tail + text).slice(-3);
      return [];
    }
    return this.drain(this.take() + text, false);
  }

  /**
   * True when nothing is pending: every byte pushed so far belonged to a complete event (and the last
   * one was a line break, so no UTF-8 character is cut). A caller may then skip a chunk that itself ends
   * an event, if it knows no event in it matters.
   */
  get idle(): boolean {
    return this.pendingLength === 0 && (this.lastByte === 0x0a || this.lastByte === 0x0d);
  }

  /** Flushes a trailing event not followed by a blank line (a stream cut short). */
  end(): SseEvent[] {
    return this.drain(this.take() + this.decoder.decode(), true);
  }

  private take(): string {
    const s = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    this.tail = "";
    return s;
  }

  private drain(text: string, final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let buf = text;
    for (;;) {
      const m = TERMINATOR.exec(buf);
      if (!m) break;
      const end = m.index + m[0].length;
      const ev = parseBlock(buf.slice(0, end));
      buf = buf.slice(end);
      if (ev) out.push(ev);
    }
    if (final) {
      if (buf.trim() !== "") {
        const ev = parseBlock(buf);
        if (ev) out.push(ev);
      }
    } else if (buf !== "") {
      this.pending.push(buf);
      this.pendingLength = buf.length;
      this.tail = buf.slice(-3);
    }
    return out;
  }
}

/** The blank line that ends an event. */
const TERMINATOR = /\r\n\r\n|\n\n|\r\r/;

function parseBlock(raw: string): SseEvent | null {
  let event: string | null = null;
  const data: string[] = [];
  let fields = "";
  let any = false;
  for (const line of raw.split(/\r\n|\n|\r/)) {
    if (line === "" || line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? "" : line.slice(i + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") {
      event = value;
      any = true;
    } else if (field === "data") {
      data.push(value);
      any = true;
    } else if (field === "id" || field === "retry") fields += `${line}\n`;
  }
  // Comment-only blocks (keep-alives) are passed through raw by callers that care; we keep them as events too.
  return { event: any ? event : null, data: data.join("\n"), raw, fields };
}

/** Serializes an event (used for events the gateway rewrote); `fields`: the original's `id:` / `retry:` lines. */
export function formatSse(event: string | null, data: string, fields = ""): string {
  return `${fields}${event !== null ? `event: ${event}\n` : ""}data: ${data}\n\n`;
}
