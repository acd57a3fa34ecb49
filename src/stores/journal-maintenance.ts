/**
 * The two rewrites a `FileStateStore` journal ever gets: compaction (replace it atomically with a
 * snapshot of the live state) and quarantine (copy unreadable lines aside before compaction drops
 * them, so nothing is silently lost).
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { JOURNAL_HEADER, auditLine, putLine } from "./journal-format.ts";
import { StateStoreError } from "./state-store.ts";
import type { StateTables } from "./state-tables.ts";
import { errMessage } from "./os-errors.ts";

/** An unreadable journal line: its 1-based number and why it could not be read. */
export interface CorruptLine {
  readonly line: number;
  readonly reason: string;
}

/** A corrupt line with its text, as copied to the quarantine file. */
export interface QuarantinedLine extends CorruptLine {
  readonly raw: string;
}

/** Snapshot writes are batched into buffers of about this size. */
const FLUSH_BYTES = 1 << 20;

/**
 * Write the live state of `tables` to `<path>.tmp`, sync it, rename it over `path` and sync the
 * directory. Returns the new file's descriptor (opened read-write; the caller writes at explicit
 * offsets) and size. On failure the old journal is untouched and the temp file removed.
 * @throws StateStoreError `STORE_IO`
 */
export function compactJournal(path: string, tables: StateTables): { fd: number; bytes: number } {
  const tmp = `${path}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w+", 0o600);
    const out = new ChunkWriter(fd);
    out.write(`${JOURNAL_HEADER}\n`);
    for (const [ns, key, value] of tables.entries()) out.write(putLine(ns, key, JSON.stringify(value)));
    for (const entry of tables.auditEntries()) out.write(auditLine(JSON.stringify(entry)));
    out.flush();
    fdatasyncSync(fd);
    renameSync(tmp, path);
    syncDir(path);
    return { fd, bytes: out.bytes };
  } catch (e: unknown) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw new StateStoreError("STORE_IO", `could not compact state file ${path}: ${errMessage(e)}; the journal is unchanged. Check free disk space.`, { cause: e });
  }
}

/**
 * Append `lines` to `<path>.corrupt` (JSON lines: `{"file","line","reason","raw"}`), synced.
 * Returns the quarantine path.
 * @throws StateStoreError `STORE_IO`
 */
export function quarantineLines(path: string, lines: readonly QuarantinedLine[]): string {
  const target = `${path}.corrupt`;
  let fd: number | undefined;
  try {
    fd = openSync(target, "a", 0o600);
    const out = new ChunkWriter(fd, null);
    for (const l of lines) out.write(`${JSON.stringify({ file: path, line: l.line, reason: l.reason, raw: l.raw })}\n`);
    out.flush();
    fdatasyncSync(fd);
    return target;
  } catch (e: unknown) {
    throw new StateStoreError(
      "STORE_IO",
      `${path} has ${lines.length} unreadable line(s) and they could not be copied to ${target}: ${errMessage(e)}; free disk space or fix permissions, then open again`,
      { cause: e },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * fsync the directory holding `path`, so a created or renamed entry survives power loss.
 * Best effort: some platforms cannot open a directory for syncing.
 */
export function syncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dirname(path), "r");
    fsyncSync(fd);
  } catch {
    // not supported here (e.g. Windows); the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Collects lines and writes them in large `writeSync` calls. `position: null` = append mode. */
class ChunkWriter {
  #parts: string[] = [];
  #pending = 0;
  bytes = 0;

  constructor(
    private readonly fd: number,
    private readonly start: number | null = 0,
  ) {}

  write(text: string): void {
    this.#parts.push(text);
    this.#pending += text.length;
    if (this.#pending >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#parts.length === 0) return;
    const buf = Buffer.from(this.#parts.join(""), "utf8");
    this.#parts = [];
    this.#pending = 0;
    let done = 0;
    while (done < buf.length) {
      const pos = this.start === null ? null : this.start + this.bytes + done;
      done += writeSync(this.fd, buf, done, buf.length - done, pos);
    }
    this.bytes += buf.length;
  }
}

