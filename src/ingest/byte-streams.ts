/**
 * Byte streams of a source: a plain file, a gzip file (streamed through zlib; concatenated members
 * are fine) or standard input (gzip sniffed from its first bytes). Bytes consumed are added to
 * `stats.bytesRead` as they are read. A stream that breaks part-way (truncated or corrupt gzip, a read
 * error) ends that source with a counted reason instead of failing the run.
 */
import { createReadStream } from "node:fs";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { UserError } from "../cli/user-error.ts";
import type { IngestStats } from "./stats.ts";
import { countBad } from "./stats.ts";
import { sniffFormat } from "./sources.ts";

const CHUNK = 1 << 20;

/** Chunks of a plain file. */
export async function* plainFileChunks(path: string, stats: IngestStats): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  yield* guarded(raw, stats, (c) => {
    stats.bytesRead += c.length;
  });
}

/** Decompressed chunks of a gzip file; `bytesRead` follows the compressed bytes. */
export async function* gzipFileChunks(path: string, stats: IngestStats): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  pipeline(raw, gunzip, () => {});
  let seen = 0;
  yield* guarded(gunzip, stats, () => {
    stats.bytesRead += raw.bytesRead - seen;
    seen = raw.bytesRead;
  });
  stats.bytesRead += raw.bytesRead - seen;
}

/** Chunks of standard input, gunzipped when it starts with the gzip magic. Parquet needs a file. */
export async function* stdinChunks(input: NodeJS.ReadableStream, stats: IngestStats): AsyncGenerator<Buffer> {
  const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  const head = toBuffer(first.value);
  const format = sniffFormat(head);
  if (format === "parquet") {
    throw new UserError("PARQUET_STDIN", "parquet cannot be read from standard input: pass the .parquet file's path instead of -");
  }
  async function* rest(): AsyncGenerator<Buffer> {
    stats.bytesRead += head.length;
    yield head;
    for (let r = await it.next(); r.done !== true; r = await it.next()) {
      const b = toBuffer(r.value);
      stats.bytesRead += b.length;
      yield b;
    }
  }
  if (format !== "gzip") {
    yield* guarded(rest(), stats, () => {});
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  pipeline(Readable.from(rest()), gunzip, () => {});
  yield* guarded(gunzip, stats, () => {});
}

function toBuffer(c: Buffer | string): Buffer {
  return typeof c === "string" ? Buffer.from(c, "utf8") : c;
}

/** Iterate a stream, turning a mid-stream failure into a counted reason that ends the source. */
async function* guarded(
  stream: AsyncIterable<Buffer | string>,
  stats: IngestStats,
  onChunk: (c: Buffer) => void,
): AsyncGenerator<Buffer> {
  try {
    for await (const c of stream) {
      const b = toBuffer(c);
      onChunk(b);
      yield b;
    }
  } catch (e: unknown) {
    if (e instanceof UserError) throw e;
    countBad(stats, streamFailureReason(e));
  }
}

function streamFailureReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : "";
  if (code === "Z_BUF_ERROR" || /unexpected end of file/i.test(message)) return "truncated_gzip";
  if (typeof code === "string" && code.startsWith("Z_")) return "corrupt_gzip";
  return "read_error";
}
