/**
 * Splitting a byte stream into text lines with bounded memory. A line longer than the limit is skipped
 * as it streams past (never buffered whole) and counted `line_too_long`; a line that is not valid UTF-8
 * is counted `binary`. Blank lines are counted in `lines` but are neither events nor bad.
 */
import { isUtf8 } from "node:buffer";
import type { IngestStats } from "./stats.ts";
import { countBad } from "./stats.ts";

/**
 * Lines above this many bytes are bad, not a crash. 40 MiB holds every exchange `moat serve` logs (its request
 * bodies are capped at 32 MiB, `MAX_GATEWAY_BODY_BYTES`), so a scan reads back everything the gateway wrote.
 */
export const MAX_LINE_BYTES = 40 * 1024 * 1024;

/** The largest request body the gateway may be configured to accept (and log): well under `MAX_LINE_BYTES`. */
export const MAX_GATEWAY_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Turn chunks of bytes into batches of non-blank, valid UTF-8 lines (without the line ending). One batch
 * per input chunk keeps the per-line cost free of promise overhead.
 */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  stats: IngestStats,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<string[]> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let first = true;

  const emit = (buf: Buffer, out: string[]) => {
    stats.lines++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    let start = 0;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    if (isBlank(buf, start, end)) return;
    const view = buf.subarray(start, end);
    if (!isUtf8(view)) {
      countBad(stats, "binary");
      return;
    }
    out.push(view.toString("utf8"));
  };

  for await (const chunk of chunks) {
    const out: string[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (skipping) {
        if (nl >= 0) {
          skipping = false;
          stats.lines++;
          first = false;
        }
      } else if (pendingLen + (end - pos) > maxLineBytes) {
        countBad(stats, "line_too_long");
        pending = [];
        pendingLen = 0;
        if (nl < 0) skipping = true;
        else {
          stats.lines++;
          first = false;
        }
      } else if (nl < 0) {
        pending.push(chunk.subarray(pos));
        pendingLen += chunk.length - pos;
      } else if (pendingLen > 0) {
        pending.push(chunk.subarray(pos, end));
        emit(Buffer.concat(pending, pendingLen + end - pos), out);
        pending = [];
        pendingLen = 0;
      } else {
        emit(chunk.subarray(pos, end), out);
      }
      if (nl < 0) break;
      pos = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (skipping) stats.lines++;
  if (pendingLen > 0) {
    const out: string[] = [];
    emit(Buffer.concat(pending, pendingLen), out);
    if (out.length > 0) yield out;
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
