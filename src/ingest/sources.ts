/**
 * Resolving source arguments to concrete inputs: globs expanded, files checked, formats detected
 * by magic bytes first and extension second. Everything a user can get wrong here (a missing file,
 * a directory, a format moat cannot read) is reported at once as a `UserError`, before any reading.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../cli/user-error.ts";
import { expandGlob, isGlob } from "./glob.ts";

/** How a source's bytes are read. */
export type SourceFormat = "jsonl" | "gzip" | "parquet";

/** One concrete input: a file with a detected format, or standard input (format sniffed while reading). */
export type Source =
  | { readonly kind: "file"; /** Absolute path. */ readonly path: string; readonly format: SourceFormat; readonly size: number }
  | { readonly kind: "stdin" };

const JSON_EXT = /\.(jsonl|ndjson|json|jsonlines|log|txt)$/i;

/** Formats moat recognises but cannot read, with the advice to give. */
const FOREIGN_MAGIC: ReadonlyArray<readonly [number[], string]> = [
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd-compressed: decompress it first (zstd -d) or recompress with gzip"],
  [[0x42, 0x5a, 0x68], "bzip2-compressed: decompress it first (bunzip2) or recompress with gzip"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz-compressed: decompress it first (xz -d) or recompress with gzip"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive: unzip it and pass the .jsonl files inside"],
  [[0x04, 0x22, 0x4d, 0x18], "lz4-compressed: decompress it first (lz4 -d) or recompress with gzip"],
];

/** Sniff a format from a file's first bytes; `null` when the bytes say nothing. */
export function sniffFormat(head: Uint8Array): SourceFormat | "foreign" | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return "parquet";
  if (foreignMagic(head) !== null) return "foreign";
  return null;
}

function foreignMagic(head: Uint8Array): string | null {
  for (const [magic, advice] of FOREIGN_MAGIC) {
    if (magic.every((b, i) => head[i] === b)) return advice;
  }
  return null;
}

/**
 * Expand and check source arguments. `-` means standard input (at most once). A glob that matches
 * nothing, a missing path, a directory, or an unreadable format throws a `UserError`.
 */
export function resolveSources(args: readonly string[], cwd: string = process.cwd()): Source[] {
  if (args.length === 0) {
    throw new UserError("NO_INPUT", "no input given: pass one or more log files, globs (quoted, e.g. 'logs/*.jsonl.gz') or - for standard input");
  }
  const out: Source[] = [];
  let stdin = false;
  for (const arg of args) {
    if (arg === "-") {
      if (stdin) throw new UserError("STDIN_TWICE", "standard input (-) was given twice: pass it once");
      stdin = true;
      out.push({ kind: "stdin" });
      continue;
    }
    let paths = [arg];
    if (isGlob(arg) && !exists(resolve(cwd, arg))) {
      paths = expandGlob(arg, cwd);
      if (paths.length === 0) {
        throw new UserError("NO_MATCH", `no file matches ${JSON.stringify(arg)}: check the pattern and the current directory (${cwd})`);
      }
    }
    for (const path of paths) out.push(checkFile(path, resolve(cwd, path)));
  }
  return out;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Check one file; `path` is what the user wrote (for messages), `full` what is opened. */
function checkFile(path: string, full: string): Source {
  let size: number;
  try {
    const st = statSync(full);
    if (st.isDirectory()) {
      throw new UserError("IS_DIRECTORY", `${path} is a directory: pass the files in it, e.g. '${path.replace(/\/$/, "")}/*.jsonl*' (plain and gzipped)`);
    }
    size = st.size;
  } catch (e: unknown) {
    if (e instanceof UserError) throw e;
    throw new UserError("NOT_FOUND", `cannot open ${path}: no such file; check the path (a glob must match at least one file)`);
  }
  const head = readHead(path, full);
  const sniffed = sniffFormat(head);
  if (sniffed === "foreign") {
    throw new UserError("UNREADABLE_FORMAT", `${path} is ${foreignMagic(head) ?? "in an unknown format"}`);
  }
  if (sniffed !== null) return { kind: "file", path: full, format: sniffed, size };
  if (/\.(gz|parquet)$/i.test(path) && size > 0) {
    throw new UserError("UNREADABLE_FORMAT", `${path} is named like a ${path.endsWith("gz") ? "gzip" : "parquet"} file but its content is not one: check the file or rename it`);
  }
  const firstByte = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (firstByte === 0x5b) {
    throw new UserError("JSON_ARRAY", `${path} holds a JSON array, not one JSON object per line: convert it with jq -c '.[]' ${path} > events.jsonl`);
  }
  if (JSON_EXT.test(path) || firstByte === undefined || firstByte === 0x7b) return { kind: "file", path: full, format: "jsonl", size };
  throw new UserError("UNREADABLE_FORMAT", `${path} is not JSON lines, gzip or parquet: moat reads .jsonl/.ndjson (optionally .gz) and .parquet files`);
}

function readHead(path: string, full: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(full, "r");
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    throw new UserError("UNREADABLE", `cannot read ${path} (${code ?? "error"}): check its permissions`);
  }
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, 64, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
