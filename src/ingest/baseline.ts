/**
 * The scan benchmark's baseline: the least work any reader must do, namely read the file's lines and
 * `JSON.parse` each one (no validation, no ordering). Benchmarks report moat's ingest and scan speed
 * as a ratio to this, measured in the same run on the same machine.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/**
 * Read `path` (plain or gzip JSONL) line by line and `JSON.parse` every non-blank line.
 * Returns the number of lines that parsed.
 */
export async function readAndParseBaseline(path: string): Promise<number> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  let parsed = 0;
  for await (const line of rl) {
    if (line.length === 0) continue;
    try {
      JSON.parse(line);
      parsed++;
    } catch {
      // The baseline only measures; bad lines are the real reader's business.
    }
  }
  return parsed;
}
