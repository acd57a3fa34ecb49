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
}

/** Feed chunks with `push`; each call returns the events completed by that chunk. Call `end` at the end. */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buf = "";
  private lastByte = 0x0a;

  push(chunk: Uint8Array): SseEvent[] {
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
    this.buf += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /**
   * True when nothing is pending: every byte pushed so far belonged to a complete event (and the last
   * one was a line break, so no UTF-8 character is cut). A caller may then skip a chunk that itself ends
   * an event, if it knows no event in it matters.
   */
  get idle(): boolean {
    return this.buf === "" && (this.lastByte === 0x0a || this.lastByte === 0x0d);
  }

  /** Flushes a trailing event not followed by a blank line (a stream cut short). */
  end(): SseEvent[] {
    this.buf += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n\r\n|\n\n|\r\r/.exec(this.buf);
      if (!m) break;
      const end = m.index + m[0].length;
      const raw = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      const ev = parseBlock(raw);
      if (ev) out.push(ev);
    }
    if (final && this.buf.trim() !== "") {
      const ev = parseBlock(this.buf);
      this.buf = "";
      if (ev) out.push(ev);
    }
    return out;
  }
}

function parseBlock(raw: string): SseEvent | null {
  let event: string | null = null;
  const data: string[] = [];
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
    }
  }
  // Comment-only blocks (keep-alives) are passed through raw by callers that care; we keep them as events too.
  return { event: any ? event : null, data: data.join("\n"), raw };
}

/** Serializes an event (used for events the gateway rewrote). */
export function formatSse(event: string | null, data: string): string {
  return `${event !== null ? `event: ${event}\n` : ""}data: ${data}\n\n`;
}
