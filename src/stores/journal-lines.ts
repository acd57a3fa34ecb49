/**
 * Read a file as newline-terminated lines without holding it whole in one string (a journal may
 * be larger than V8's maximum string length), keeping byte offsets so a torn tail can be cut off
 * exactly.
 */
import { isUtf8 } from "node:buffer";
import { readSync } from "node:fs";

/** One line of the file. */
export interface FileLine {
  /** 1-based line number. */
  readonly lineNo: number;
  /** Line text without its newline, decoded as UTF-8 (invalid bytes become U+FFFD). */
  readonly text: string;
  /** False when the bytes are not valid UTF-8: the text is then not what was written. */
  readonly utf8: boolean;
  /** Byte offset where the line starts. */
  readonly start: number;
  /** Byte offset just past the line's newline (or past its last byte when unterminated). */
  readonly end: number;
  /** False only for a last line that has no newline: the possible torn write. */
  readonly terminated: boolean;
}

const CHUNK_BYTES = 1 << 22;
const NEWLINE = 0x0a;

/** Yield every line of the open file `fd` from offset 0, oldest first. `chunkBytes` is for tests. */
export function* readFileLines(fd: number, chunkBytes: number = CHUNK_BYTES): Generator<FileLine> {
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let position = 0;
  let lineNo = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunkBytes, position);
    if (n === 0) break;
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1 || nl >= n) break;
      const piece = chunk.subarray(from, nl);
      const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      lineNo++;
      const end = position + nl + 1;
      yield { lineNo, text: bytes.toString("utf8"), utf8: isUtf8(bytes), start: pendingStart, end, terminated: true };
      pendingStart = end;
      from = nl + 1;
    }
    if (from < n) pending.push(Buffer.from(chunk.subarray(from, n)));
    position += n;
  }
  if (pending.length > 0) {
    const bytes = Buffer.concat(pending);
    yield { lineNo: lineNo + 1, text: bytes.toString("utf8"), utf8: isUtf8(bytes), start: pendingStart, end: position, terminated: false };
  }
}
