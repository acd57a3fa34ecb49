/**
 * `FileStateStore`: the `StateStore` port on one local file, no server.
 *
 * Layout: an append-only JSON-lines journal (`journal-format.ts`), loaded fully into memory on
 * open; each change is one `fs.writeSync` of one line, made before memory is changed, so what a
 * call has returned is on the journal. Beside it: `<path>.lock` (one writer process, see
 * `file-lock.ts`), `<path>.tmp` (a snapshot being written by compaction) and `<path>.corrupt`
 * (lines that could not be read, kept for inspection).
 *
 * Durability (`fsync` option), the trade-off:
 * - `"never"` (default): a returned write is in the OS page cache. It survives the process being
 *   killed (`kill -9`, OOM, crash), not a kernel panic or power loss, which can lose the last
 *   few seconds of writes. Costs about a microsecond-scale syscall per write.
 * - `"always"`: `fdatasync` after every write, so a returned write survives power loss too; each
 *   write then waits for the disk (roughly 0.05–10 ms depending on the device), which limits
 *   how many decisions per second can be stored.
 * Compaction always syncs its snapshot and the directory before and after the atomic rename,
 * whatever the policy, because a lost snapshot would lose everything, not the last few writes.
 *
 * Crash behaviour: a torn last line (the process died inside a write) is cut off and counted in
 * `stats().tornLines`; it was never acknowledged. A corrupt line anywhere else is reported with
 * its line number in `stats().corrupt`, copied to `<path>.corrupt`, and the rest loads; the file
 * is then compacted so the bad line is not re-read forever.
 */
import { closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { acquireLock, type HeldLock } from "./file-lock.ts";
import { JOURNAL_HEADER, auditLine, checkHeader, decodeRecord, delLine, putLine } from "./journal-format.ts";
import { readFileLines } from "./journal-lines.ts";
import { StateStoreError, type AuditEntry, type StateStore } from "./state-store.ts";
import { StateTables, checkAuditEntry, checkLimit, checkName, deepFreeze, frozenFromJson, toJsonText } from "./state-tables.ts";
import { compactJournal, quarantineLines, syncDir, type CorruptLine, type QuarantinedLine } from "./journal-maintenance.ts";
import { errMessage } from "./os-errors.ts";

/** When a returned write is safe: see the module comment for the trade-off. */
export type FsyncPolicy = "always" | "never";

/** Options of `FileStateStore.open`. */
export interface FileStateStoreOptions {
  /**
   * Compact once at least this many journal records are superseded (overwritten or deleted
   * puts, deletes, unreadable lines) AND they are at least as many as the live records, so the
   * journal stays under about twice its compacted size and compaction cost is amortized O(1) per
   * write. Default 10 000. `Infinity` disables automatic compaction (`compact()` still works).
   */
  readonly compactAfter?: number;
  /** Default `"never"`. */
  readonly fsync?: FsyncPolicy;
}

/** What `stats()` reports: sizes, and what went wrong on open. */
export interface FileStateStoreStats {
  readonly path: string;
  readonly fsync: FsyncPolicy;
  /** Journal size in bytes. */
  readonly bytes: number;
  /** Journal record lines (excluding the header). */
  readonly records: number;
  readonly liveKeys: number;
  readonly auditEntries: number;
  /** Records that compaction would drop. */
  readonly superseded: number;
  /** Unterminated unreadable last lines cut off on open (0 or 1 per open). */
  readonly tornLines: number;
  /** Unreadable lines found on open, excluding the torn tail. */
  readonly corruptLines: number;
  /** The first few corrupt lines: line number (in the file as it was on open) and why. */
  readonly corrupt: readonly CorruptLine[];
  /** Where corrupt lines were copied, or null when there were none. */
  readonly quarantinedTo: string | null;
  readonly compactions: number;
  /** Automatic compactions that failed (the writes themselves succeeded); see `lastCompactionError`. */
  readonly compactionFailures: number;
  readonly lastCompactionError: string | null;
  /** Pid of the dead process whose stale lock was taken over on open, or null. */
  readonly tookOverLockFrom: number | null;
}

const DEFAULT_COMPACT_AFTER = 10_000;
const MAX_CORRUPT_REPORTED = 20;

/**
 * A durable `StateStore` in one JSON-lines file.
 *
 * @example
 * ```ts
 * const store = FileStateStore.open(".moat/state.jsonl", { fsync: "never" });
 * store.put("blocks", "acct_9", { reason: "campaign cmp_3" });
 * store.close(); // releases .moat/state.jsonl.lock
 * ```
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  readonly #lock: HeldLock;
  readonly #compactAfter: number;
  readonly #fsync: FsyncPolicy;
  readonly #tables = new StateTables();
  #fd: number;
  #bytes = 0;
  #records = 0;
  #closed = false;
  #nextAutoCompactAt: number;
  #tornLines = 0;
  #corruptLines = 0;
  readonly #corrupt: CorruptLine[] = [];
  #quarantinedTo: string | null = null;
  #compactions = 0;
  #compactionFailures = 0;
  #lastCompactionError: string | null = null;

  private constructor(path: string, lock: HeldLock, fd: number, compactAfter: number, fsync: FsyncPolicy) {
    this.#path = path;
    this.#lock = lock;
    this.#fd = fd;
    this.#compactAfter = compactAfter;
    this.#fsync = fsync;
    this.#nextAutoCompactAt = compactAfter;
  }

  /**
   * Open (creating it and its directory if missing) the journal at `path`, load it, and hold its lock until `close()`.
   * @throws StateStoreError `STORE_LOCKED` (another live process has it), `STORE_NOT_STATE_FILE`
   *   (the file is something else, or from a newer moat), `STORE_IO`, `STORE_BAD_ARGUMENT` (options).
   */
  static open(path: string, opts: FileStateStoreOptions = {}): FileStateStore {
    const compactAfter = opts.compactAfter ?? DEFAULT_COMPACT_AFTER;
    if (!(compactAfter === Infinity || (Number.isInteger(compactAfter) && compactAfter >= 1))) {
      throw new StateStoreError("STORE_BAD_ARGUMENT", `compactAfter must be an integer >= 1 or Infinity, got ${String(compactAfter)}`);
    }
    const fsync = opts.fsync ?? "never";
    if (fsync !== "always" && fsync !== "never") {
      throw new StateStoreError("STORE_BAD_ARGUMENT", `fsync must be "always" or "never", got ${JSON.stringify(fsync)}`);
    }
    const abs = resolve(path);
    ioCall(abs, "create the directory of", () => mkdirSync(dirname(abs), { recursive: true, mode: 0o700 }));
    const lock = acquireLock(`${abs}.lock`, `state file ${abs}`);
    let fd: number | undefined;
    try {
      removeLeftoverSnapshot(abs);
      fd = ioCall(abs, "open", () => openSync(abs, "a+", 0o600));
      closeSync(fd);
      fd = ioCall(abs, "open", () => openSync(abs, "r+"));
      const store = new FileStateStore(abs, lock, fd, compactAfter, fsync);
      store.#load();
      return store;
    } catch (e: unknown) {
      if (fd !== undefined) closeSync(fd);
      lock.release();
      throw e;
    }
  }

  get<T>(ns: string, key: string): T | undefined {
    this.#checkOpen();
    checkName(ns, "namespace");
    checkName(key, "key");
    return this.#tables.get(ns, key) as T | undefined;
  }

  put(ns: string, key: string, value: unknown): void {
    this.#checkOpen();
    checkName(ns, "namespace");
    checkName(key, "key");
    const json = toJsonText(value, `value for ${ns}/${key}`);
    const frozen = frozenFromJson(json);
    this.#append(putLine(ns, key, json));
    this.#tables.set(ns, key, frozen);
    this.#maybeCompact();
  }

  delete(ns: string, key: string): void {
    this.#checkOpen();
    checkName(ns, "namespace");
    checkName(key, "key");
    if (!this.#tables.has(ns, key)) return; // nothing to make durable
    this.#append(delLine(ns, key));
    this.#tables.remove(ns, key);
    this.#maybeCompact();
  }

  list<T>(ns: string): Array<[string, T]> {
    this.#checkOpen();
    checkName(ns, "namespace");
    return this.#tables.list<T>(ns);
  }

  appendAudit(entry: AuditEntry): void {
    this.#checkOpen();
    checkAuditEntry(entry);
    const json = toJsonText(entry, "audit entry");
    const frozen = frozenFromJson<AuditEntry>(json);
    this.#append(auditLine(json));
    this.#tables.addAudit(frozen);
  }

  listAudit(limit?: number): AuditEntry[] {
    this.#checkOpen();
    checkLimit(limit);
    return this.#tables.listAudit(limit);
  }

  /**
   * Rewrite the journal as a snapshot of the live state now (atomic: a crash leaves either the
   * old journal or the new one). Runs automatically; call it to shrink the file on demand.
   * @throws StateStoreError `STORE_IO` when the snapshot cannot be written (the old journal stays).
   */
  compact(): void {
    this.#checkOpen();
    const { fd, bytes } = compactJournal(this.#path, this.#tables);
    closeSync(this.#fd);
    this.#fd = fd;
    this.#bytes = bytes;
    this.#records = this.#tables.keyCount + this.#tables.auditCount;
    this.#compactions++;
    this.#nextAutoCompactAt = this.#compactAfter;
  }

  /** Sizes and open-time findings; cheap, for metrics and `moat serve` start-up logs. */
  stats(): FileStateStoreStats {
    return {
      path: this.#path,
      fsync: this.#fsync,
      bytes: this.#bytes,
      records: this.#records,
      liveKeys: this.#tables.keyCount,
      auditEntries: this.#tables.auditCount,
      superseded: this.#superseded(),
      tornLines: this.#tornLines,
      corruptLines: this.#corruptLines,
      corrupt: this.#corrupt.slice(),
      quarantinedTo: this.#quarantinedTo,
      compactions: this.#compactions,
      compactionFailures: this.#compactionFailures,
      lastCompactionError: this.#lastCompactionError,
      tookOverLockFrom: this.#lock.tookOverFrom,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#fsync === "always") fdatasyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
      this.#lock.release();
    }
  }

  #superseded(): number {
    return this.#records - this.#tables.keyCount - this.#tables.auditCount;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new StateStoreError("STORE_CLOSED", `state file ${this.#path} was closed; open it again with FileStateStore.open`);
    }
  }

  /** Write one line at the end of the journal, all or nothing. */
  #append(line: string): void {
    const buf = Buffer.from(line, "utf8");
    try {
      let done = 0;
      while (done < buf.length) done += writeSync(this.#fd, buf, done, buf.length - done, this.#bytes + done);
      if (this.#fsync === "always") fdatasyncSync(this.#fd);
    } catch (e: unknown) {
      // Cut a partial line off so the next record does not get glued onto it.
      try {
        ftruncateSync(this.#fd, this.#bytes);
      } catch {
        // the next open will count it as a corrupt line instead
      }
      throw new StateStoreError("STORE_IO", `could not write to state file ${this.#path}: ${errMessage(e)}; check free disk space and permissions`, { cause: e });
    }
    this.#bytes += buf.length;
    this.#records++;
  }

  #maybeCompact(): void {
    const superseded = this.#superseded();
    if (superseded < this.#nextAutoCompactAt || superseded < this.#tables.keyCount + this.#tables.auditCount) return;
    try {
      this.compact();
    } catch (e: unknown) {
      // The write that triggered this is already durable: report, do not fail it, and back off
      // so a full disk does not make every write pay for a doomed snapshot.
      this.#compactionFailures++;
      this.#lastCompactionError = errMessage(e);
      this.#nextAutoCompactAt = superseded + this.#compactAfter;
    }
  }

  #load(): void {
    let first = true;
    let validEnd = 0;
    let needNewline = false;
    const bad: QuarantinedLine[] = [];
    for (const line of readFileLines(this.#fd)) {
      if (first) {
        first = false;
        this.#checkHeaderLine(line.text, line.terminated);
        if (!line.terminated) break; // a torn header: the file was being created
        validEnd = line.end;
        continue;
      }
      const decoded: ReturnType<typeof decodeRecord> = line.utf8 ? decodeRecord(line.text) : { ok: false, reason: "invalid UTF-8" };
      if (decoded.ok) {
        const r = decoded.record;
        if (r.op === "put") this.#tables.set(r.ns, r.key, deepFreeze(r.value));
        else if (r.op === "del") this.#tables.remove(r.ns, r.key);
        else this.#tables.addAudit(deepFreeze(r.entry));
        this.#records++;
        validEnd = line.end;
        // A complete record whose newline never reached the file: keep it, finish the line.
        needNewline = !line.terminated;
      } else if (!line.terminated) {
        this.#tornLines++; // never acknowledged: the writer died inside writeSync
      } else {
        this.#corruptLines++;
        this.#records++;
        if (this.#corrupt.length < MAX_CORRUPT_REPORTED) this.#corrupt.push({ line: line.lineNo, reason: decoded.reason });
        bad.push({ line: line.lineNo, reason: decoded.reason, raw: line.text });
        validEnd = line.end;
      }
    }
    ioCall(this.#path, "truncate", () => ftruncateSync(this.#fd, validEnd));
    this.#bytes = validEnd;
    if (validEnd === 0) {
      this.#appendRaw(`${JOURNAL_HEADER}\n`);
      ioCall(this.#path, "sync", () => fdatasyncSync(this.#fd));
      syncDir(this.#path);
    } else if (needNewline) {
      this.#appendRaw("\n");
    }
    if (bad.length > 0) {
      this.#quarantinedTo = quarantineLines(this.#path, bad);
      this.compact();
    }
  }

  #appendRaw(text: string): void {
    const buf = Buffer.from(text, "utf8");
    ioCall(this.#path, "write", () => writeSync(this.#fd, buf, 0, buf.length, this.#bytes));
    this.#bytes += buf.length;
  }

  #checkHeaderLine(text: string, terminated: boolean): void {
    if (!terminated && JOURNAL_HEADER.startsWith(text)) return; // torn while being created
    const h = checkHeader(text);
    if (h.kind === "ok" && terminated) return;
    if (h.kind === "newer") {
      throw new StateStoreError("STORE_NOT_STATE_FILE", `state file ${this.#path} was written by a newer moat (format ${h.version}, this one reads ${JOURNAL_HEADER}); upgrade moat or use another path`);
    }
    throw new StateStoreError(
      "STORE_NOT_STATE_FILE",
      `${this.#path} exists but is not a moat state file (its first line is not ${JOURNAL_HEADER}); refusing to touch it. Point the state path at a new file or move this one away.`,
    );
  }
}

/** A `<path>.tmp` left by a process killed inside compaction: never renamed, so never live. */
function removeLeftoverSnapshot(path: string): void {
  try {
    unlinkSync(`${path}.tmp`);
  } catch {
    // usually absent; anything else there is overwritten by the next compaction or reported by it
  }
}

function ioCall<T>(path: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e: unknown) {
    throw new StateStoreError("STORE_IO", `could not ${what} state file ${path}: ${errMessage(e)}; check the path, free disk space and permissions`, { cause: e });
  }
}

