/**
 * The gateway's traffic log: contract §1 JSON lines in rotating files, the same format
 * `moat scan` reads, so a day of `moat serve` can be scanned offline as it is.
 *
 * Files are `traffic-YYYYMMDDTHHMMSSZ-<seq>.jsonl` (UTC creation time from the injected clock,
 * then a sequence number unique in the directory). A writer starts a new file when it opens
 * (never appending to a file a killed process may have left with a torn last line), when the
 * UTC hour of `now()` changes, and before a line would take the file past `maxBytes`.
 *
 * Each line is one `fs.writeSync` with no user-space buffer: after a crash nothing is lost beyond
 * what the OS had not yet written, and at worst the last line of the last file is torn, which a
 * contract reader counts as one bad line. Files are created mode 0600 (they hold prompts).
 *
 * Retention (`retainMs`): the files hold prompts, so they are kept for a bounded time. A file holds only
 * lines from the UTC hour it was created in (the writer rotates when the hour changes), so it is deleted
 * once that hour ended (and it was last written) more than `retainMs` ago: by the writer when it opens and when it rotates, and by
 * `prune` (which the gateway calls periodically, for the hours without traffic).
 */
import { close, closeSync, createReadStream, createWriteStream, existsSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, promises as fsp, readdirSync, statSync, unlinkSync, writeSync, writevSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { TrafficEvent } from "../core/model/traffic.ts";
import { compactUtc, parseCompactUtc } from "./compact-time.ts";
import { errCode, errMessage, pidAlive } from "./os-errors.ts";

/** Options of `TrafficLogWriter.open`. */
export interface TrafficLogOptions {
  /** Rotate before a line would take the file past this size. Default 256 MiB. */
  readonly maxBytes?: number;
  /** Clock for file names and hourly rotation, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Delete files whose hour ended more than this long ago (see the module comment). Default: keep every file. */
  readonly retainMs?: number;
  /**
   * Gzip each file once it is rotated out (in the background, in libuv's pool): `X.jsonl` becomes `X.jsonl.gz`,
   * which every reader of the log reads (`moat scan`, the gateway's start-up replay). Default false.
   */
  readonly compress?: boolean;
  /**
   * Called when background work on a file rotated out failed: its sync to disk (its lines are in the OS's
   * buffers, as every line is until then) or its compression (the plain file is kept). Default: a line on stderr.
   */
  readonly onBackgroundError?: (file: string, what: BackgroundWork, error: Error) => void;
}

/** What a writer does to a file rotated out, off the event loop. */
export type BackgroundWork = "sync" | "compress";

/** What one `prune` did. */
export interface PruneResult {
  /** Files deleted. */
  readonly removed: number;
  /** Files past retention that could not be deleted, with why (the next prune tries again). */
  readonly failed: readonly string[];
}

/** Totals since `open`, and the file being written. */
export interface TrafficLogStats {
  /** Lines written by this writer, over all its files. */
  readonly lines: number;
  /** Bytes written by this writer, over all its files. */
  readonly bytes: number;
  /** Path of the current file. */
  readonly file: string;
  /** Files this writer has created (1 + rotations). */
  readonly files: number;
  /** Files past retention this writer has deleted. */
  readonly pruned: number;
  /** Files rotated out whose background sync failed (see `TrafficLogOptions.onBackgroundError`). */
  readonly syncFailures: number;
  /** Files rotated out that were compressed (`TrafficLogOptions.compress`), and that could not be (kept plain). */
  readonly compressed: number;
  readonly compressFailures: number;
}

/** Stable codes of `TrafficLogError`. */
export type TrafficLogErrorCode = "TRAFFIC_LOG_BAD_OPTION" | "TRAFFIC_LOG_BAD_EVENT" | "TRAFFIC_LOG_CLOSED" | "TRAFFIC_LOG_IO";

/** The error the traffic log throws; the message says what was wrong and what to do. */
export class TrafficLogError extends Error {
  constructor(
    readonly code: TrafficLogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TrafficLogError";
  }
}

/** Default rotation size: 256 MiB. */
export const DEFAULT_TRAFFIC_LOG_MAX_BYTES = 256 * 1024 * 1024;

const HOUR_MS = 3_600_000;
const FILE_RE = /^traffic-(\d{8}T\d{6}Z)-(\d+)\.jsonl(?:\.gz)?$/;
const CREATE_ATTEMPTS = 100;
/** zlib's fastest level: ~530 MB/s on the bench's agent traffic against ~250 MB/s at the default 6, for two thirds of its ratio. */
const GZIP_LEVEL = 1;

/**
 * Appends contract §1 lines to rotating files in one directory. Not shared between processes:
 * give each gateway process its own writer (they may share the directory; names never collide).
 *
 * @example
 * ```ts
 * const log = TrafficLogWriter.open(".moat/traffic");
 * log.append({ ts: new Date().toISOString(), account_id: "acct_1", prompt: "hi" });
 * log.close();
 * listTrafficLogFiles(".moat/traffic"); // [".moat/traffic/traffic-20260422T000440Z-000001.jsonl"]
 * ```
 */
export class TrafficLogWriter {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #retainMs: number | null;
  #pruned = 0;
  #fd: number;
  #file: string;
  #seq: number;
  #hour: number;
  #fileBytes = 0;
  #lines = 0;
  #bytes = 0;
  #files = 1;
  #closed = false;
  #syncFailures = 0;
  #compressed = 0;
  #compressFailures = 0;
  readonly #compress: boolean;
  /** Files rotated out and closed, waiting to be compressed one at a time; `#compressing` while one is. */
  readonly #toCompress: string[] = [];
  #compressing: Promise<void> | null = null;
  /** Files rotated out whose sync and close are still in libuv's pool. */
  #pendingCloses = 0;
  readonly #onBackgroundError: (file: string, what: BackgroundWork, error: Error) => void;

  private constructor(dir: string, maxBytes: number, now: () => number, retainMs: number | null, compress: boolean, onBackgroundError: (file: string, what: BackgroundWork, error: Error) => void) {
    this.#onBackgroundError = onBackgroundError;
    this.#compress = compress;
    this.#dir = dir;
    this.#maxBytes = maxBytes;
    this.#now = now;
    this.#retainMs = retainMs;
    const t = now();
    const created = createFile(dir, t, nextSeq(dir));
    this.#fd = created.fd;
    this.#file = created.file;
    this.#seq = created.seq;
    this.#hour = Math.floor(t / HOUR_MS);
  }

  /**
   * Create `dir` if needed (mode 0700) and start a new file in it.
   * @throws TrafficLogError `TRAFFIC_LOG_BAD_OPTION`, `TRAFFIC_LOG_IO`
   */
  static open(dir: string, opts: TrafficLogOptions = {}): TrafficLogWriter {
    const maxBytes = opts.maxBytes ?? DEFAULT_TRAFFIC_LOG_MAX_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new TrafficLogError("TRAFFIC_LOG_BAD_OPTION", `traffic log maxBytes must be a positive integer, got ${String(maxBytes)}`);
    }
    const retainMs = opts.retainMs ?? null;
    if (retainMs !== null && !(Number.isFinite(retainMs) && retainMs > 0)) {
      throw new TrafficLogError("TRAFFIC_LOG_BAD_OPTION", `traffic log retainMs must be a positive number of milliseconds, got ${String(retainMs)}`);
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e: unknown) {
      throw new TrafficLogError("TRAFFIC_LOG_IO", `could not create traffic log directory ${dir}: ${errMessage(e)}; check the path and permissions`, { cause: e });
    }
    settleCompression(dir);
    const w = new TrafficLogWriter(dir, maxBytes, opts.now ?? Date.now, retainMs, opts.compress === true, opts.onBackgroundError ?? reportBackgroundError);
    w.prune();
    return w;
  }

  /**
   * Deletes the files past retention (never the one being written). Does nothing without `retainMs`.
   * Never throws: a file that cannot be deleted is reported in `failed` and tried again next time.
   */
  prune(): PruneResult {
    if (this.#retainMs === null || this.#closed) return { removed: 0, failed: [] };
    const r = pruneTrafficLog(this.#dir, this.#now() - this.#retainMs, this.#file);
    this.#pruned += r.removed;
    return r;
  }

  /**
   * Write one exchange as one line.
   *
   * `requestJson`, when given, is the JSON text of the request (the client's body as it arrived): it is
   * written as the line's `request` as it is, instead of serialising a parsed object a second time (a
   * reader parses the same value), and `ev.request` may then be left out (the gateway does not keep the
   * parsed body alive until the response ends). Text with a line break (JSON allows them between tokens)
   * is parsed and written on one line.
   * @throws TrafficLogError `TRAFFIC_LOG_BAD_EVENT` (not a contract §1 event: nothing written),
   *   `TRAFFIC_LOG_CLOSED`, `TRAFFIC_LOG_IO` (disk full…: the partial line is not left behind).
   */
  append(ev: TrafficEvent, requestJson?: Buffer): void {
    if (this.#closed) throw new TrafficLogError("TRAFFIC_LOG_CLOSED", `traffic log in ${this.#dir} was closed; open a new TrafficLogWriter`);
    const parts =
      requestJson === undefined
        ? [Buffer.from(`${eventLine(ev)}\n`, "utf8")]
        : isOneLine(requestJson)
          ? splicedLine(ev, requestJson)
          : [Buffer.from(`${eventLine(ev.request !== undefined ? ev : Object.assign({}, ev, { request: parsedRequest(requestJson) }))}\n`, "utf8")];
    let size = 0;
    for (const p of parts) size += p.length;
    const t = this.#now();
    const hour = Math.floor(t / HOUR_MS);
    if (hour !== this.#hour || (this.#fileBytes > 0 && this.#fileBytes + size > this.#maxBytes)) this.#rotate(t, hour);
    try {
      // A long line goes in one gathered write of its parts: copying a 30 KB body into a line buffer cost a third
      // of the append (23-27 against 16-18 µs). A short one is copied (from Node's buffer pool) and written whole.
      // A short write, which a regular file gives only when it runs out of room, finishes from one buffer.
      let done = parts.length === 1 || size <= GATHER_ABOVE ? 0 : writevSync(this.#fd, parts, this.#fileBytes);
      if (done < size) {
        const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
        while (done < size) done += writeSync(this.#fd, buf, done, size - done, this.#fileBytes + done);
      }
    } catch (e: unknown) {
      try {
        ftruncateSync(this.#fd, this.#fileBytes);
      } catch {
        // a reader counts a torn line as one bad line; nothing more to do
      }
      throw new TrafficLogError("TRAFFIC_LOG_IO", `could not write to traffic log ${this.#file}: ${errMessage(e)}; check free disk space`, { cause: e });
    }
    this.#fileBytes += size;
    this.#bytes += size;
    this.#lines++;
  }

  /** Totals since `open` and the current file. */
  stats(): TrafficLogStats {
    return {
      lines: this.#lines,
      bytes: this.#bytes,
      file: this.#file,
      files: this.#files,
      pruned: this.#pruned,
      syncFailures: this.#syncFailures,
      compressed: this.#compressed,
      compressFailures: this.#compressFailures,
    };
  }

  /** Sync and close the current file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    finish(this.#fd);
  }

  /**
   * `finish` off the event loop, for a file rotated out: syncing up to `maxBytes` of dirty pages took 60–120 ms
   * on the main thread (the gateway stalled at every rotation, which heavy traffic reaches every few seconds).
   * Nothing writes to the file any more; it is closed once synced, or once the sync fails (reported: the lines
   * are in the OS's buffers, as every line is until then).
   */
  #finishInBackground(fd: number, file: string): void {
    this.#pendingCloses++;
    fdatasync(fd, (err) => {
      try {
        if (err) {
          this.#syncFailures++;
          this.#report(file, "sync", err);
        }
      } finally {
        close(fd, () => {
          this.#pendingCloses--;
          if (this.#compress) {
            this.#toCompress.push(file);
            this.#compressNext();
          }
        });
      }
    });
  }

  /** Hands a background failure to the reporter, which may throw: from an fs callback that would take the process down. */
  #report(file: string, what: BackgroundWork, e: Error): void {
    try {
      this.#onBackgroundError(file, what, e);
    } catch {
      // the failure is counted; a reporter that throws changes nothing else
    }
  }

  /** Compresses the files waiting, one at a time (a burst of rotations must not start a gzip each). */
  #compressNext(): void {
    if (this.#compressing !== null) return;
    const file = this.#toCompress.shift();
    if (file === undefined) return;
    this.#compressing = gzipFile(file).then(
      () => void this.#compressed++,
      (e: unknown) => {
        this.#compressFailures++;
        this.#report(file, "compress", e instanceof Error ? e : new Error(String(e)));
      },
    );
    void this.#compressing.then(() => {
      this.#compressing = null;
      this.#compressNext();
    });
  }

  /** Resolves once no rotated file is waiting to be synced into compression or being compressed (tests wait on it). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#compressing !== null) await this.#compressing;
      // A file whose sync and close are still in libuv's pool joins the queue from their callback.
      await new Promise((r) => setTimeout(r, 2));
      if (this.#compressing === null && this.#toCompress.length === 0 && this.#pendingCloses === 0) return;
    }
  }

  #rotate(t: number, hour: number): void {
    const created = createFile(this.#dir, t, Math.max(this.#seq + 1, nextSeq(this.#dir)));
    this.#finishInBackground(this.#fd, this.#file);
    this.#fd = created.fd;
    this.#file = created.file;
    this.#seq = created.seq;
    this.#hour = hour;
    this.#fileBytes = 0;
    this.#files++;
    this.prune();
  }
}

/**
 * Deletes the traffic log files in `dir` whose UTC hour ended, and which were last changed, at or before `before`
 * (epoch ms), except `keep` (a full path). See the module comment for why a file's hour bounds its lines. Never throws.
 */
export function pruneTrafficLog(dir: string, before: number, keep: string | null = null): PruneResult {
  let files: Array<{ name: string; stamp: string; seq: number }>;
  try {
    files = parsedFiles(dir);
  } catch (e: unknown) {
    return { removed: 0, failed: [errMessage(e)] };
  }
  let removed = 0;
  const failed: string[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    const created = parseCompactUtc(f.stamp);
    if (Number.isNaN(created) || path === keep) continue;
    const hourEnd = (Math.floor(created / HOUR_MS) + 1) * HOUR_MS;
    if (hourEnd > before) continue;
    try {
      // The name says when the file began by the writer's clock; the last change says when its last line was
      // written. Both must be past retention, so a clock set wrong when the file was named never deletes it early.
      if (statSync(path).mtimeMs > before) continue;
      unlinkSync(path);
      removed++;
    } catch (e: unknown) {
      if (errCode(e) === "ENOENT") continue;
      failed.push(`${path}: ${errMessage(e)}`);
    }
  }
  return { removed, failed };
}

/**
 * The traffic log files in `dir` (written by `TrafficLogWriter`, also `.jsonl.gz` if compressed
 * later), oldest first: by the UTC time in the name, then by sequence number. Full paths.
 * A directory that does not exist has no files.
 */
export function listTrafficLogFiles(dir: string): string[] {
  const files = parsedFiles(dir);
  // A file being compressed has both forms for a moment (the complete `.gz` is renamed into place before the plain
  // file goes): list it once, so no reader takes its lines twice.
  const names = new Set(files.map((f) => f.name));
  return files
    .filter((f) => !names.has(`${f.name}.gz`))
    .sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.seq - b.seq || (a.name < b.name ? -1 : 1)))
    .map((f) => join(dir, f.name));
}

/**
 * The temporary name this process's compression writes `file`'s gzip under: hidden (a glob such as `traffic/*`
 * skips it) and marked with the process's id and token, so an open in another process leaves it alone while
 * this one lives. Exported for tests.
 */
export function compressingName(file: string): string {
  return join(dirname(file), `.${basename(file)}.gz.${process.pid}-${PROCESS_TOKEN}.tmp`);
}
const COMPRESSING_RE = /^\.(traffic-.*\.jsonl)\.gz\.(\d+)-([0-9a-f]+)\.tmp$/;
/**
 * Tells this process's temporary files from those of an earlier process with the same id (in a container, moat
 * may be process 1 on every start): a leftover of a killed process must go, or its partial gzip of prompts would
 * outlive retention.
 */
const PROCESS_TOKEN = randomBytes(6).toString("hex");

/**
 * Gzips a closed file rotated out: written aside (`compressingName`), synced, given the plain file's modification
 * time (retention counts from the last line), renamed to `X.jsonl.gz`, then the plain file goes. A failure leaves
 * the plain file and removes the temporary one. A file pruned meanwhile is not brought back.
 */
async function gzipFile(file: string): Promise<void> {
  const tmp = compressingName(file);
  try {
    const st = await fsp.stat(file);
    await pipeline(createReadStream(file), createGzip({ level: GZIP_LEVEL }), createWriteStream(tmp, { mode: 0o600 }));
    const fh = await fsp.open(tmp, "r+");
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fsp.utimes(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
    if (!existsSync(file)) {
      // Retention deleted it while it was being compressed: its .gz must not bring it back.
      await fsp.rm(tmp, { force: true });
      return;
    }
    await fsp.rename(tmp, `${file}.gz`);
  } catch (e: unknown) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  // The .gz is complete: if the plain file cannot go now, readers list the .gz alone and the next open removes it.
  await fsp.rm(file, { force: true }).catch(() => undefined);
}

/**
 * Finishes what stopped processes left of compressions (at open): a temporary gzip whose process is gone (or is
 * an earlier process with this one's id) was not complete and goes; one whose process lives is that process's
 * work in progress (another writer may share the directory) and stays. A plain file whose `.gz` exists was
 * compressed (the `.gz` is renamed into place only once complete) and goes too.
 */
function settleCompression(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const present = new Set(names);
  for (const name of names) {
    const m = COMPRESSING_RE.exec(name);
    const pid = Number(m?.[2]);
    const leftover = m !== null && (pid === process.pid ? m[3] !== PROCESS_TOKEN : !pidAlive(pid));
    const plainTwin = FILE_RE.test(name) && !name.endsWith(".gz") && present.has(`${name}.gz`);
    if (!leftover && !plainTwin) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // the next open tries again; a reader lists the .gz alone meanwhile
    }
  }
}

/** The file name for creation time `t` (epoch ms) and sequence `seq`. */
export function trafficLogFileName(t: number, seq: number): string {
  return `traffic-${compactUtc(t, false)}-${String(seq).padStart(6, "0")}.jsonl`;
}

function parsedFiles(dir: string): Array<{ name: string; stamp: string; seq: number }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: unknown) {
    if (errCode(e) === "ENOENT") return [];
    throw new TrafficLogError("TRAFFIC_LOG_IO", `could not list traffic log directory ${dir}: ${errMessage(e)}`, { cause: e });
  }
  const out: Array<{ name: string; stamp: string; seq: number }> = [];
  for (const name of names) {
    const m = FILE_RE.exec(name);
    if (m?.[1] !== undefined && m[2] !== undefined) out.push({ name, stamp: m[1], seq: Number(m[2]) });
  }
  return out;
}

function nextSeq(dir: string): number {
  let max = 0;
  for (const f of parsedFiles(dir)) max = Math.max(max, f.seq);
  return max + 1;
}

/** Create a new file exclusively; another writer in the same directory may race for the name. */
function createFile(dir: string, t: number, seq: number): { fd: number; file: string; seq: number } {
  for (let s = seq; s < seq + CREATE_ATTEMPTS; s++) {
    const file = join(dir, trafficLogFileName(t, s));
    try {
      return { fd: openSync(file, "wx", 0o600), file, seq: s };
    } catch (e: unknown) {
      if (e !== null && typeof e === "object" && "code" in e && e.code === "EEXIST") continue;
      throw new TrafficLogError("TRAFFIC_LOG_IO", `could not create traffic log file ${file}: ${errMessage(e)}; check the directory is writable`, { cause: e });
    }
  }
  throw new TrafficLogError("TRAFFIC_LOG_IO", `could not find a free traffic log file name in ${dir} after ${CREATE_ATTEMPTS} tries; is another writer creating files in a loop?`);
}

/** Serialize a contract §1 event, refusing what a reader would count as a bad line. */
function eventLine(ev: TrafficEvent): string {
  checkEvent(ev);
  return serialise(ev);
}

let lastGoodTs: string | null = null;

/** Throws what a contract reader would count as a bad line. `requestGiven`: the request comes as JSON text beside `ev`. */
function checkEvent(ev: TrafficEvent, requestGiven = false): void {
  const e = ev as unknown as Record<string, unknown> | null;
  if (e === null || typeof e !== "object" || Array.isArray(e)) throw badEvent("is not an object");
  const ts = e["ts"];
  if (typeof ts !== "string" || (ts !== lastGoodTs && Number.isNaN(Date.parse(ts)))) throw badEvent(`has no RFC 3339 "ts" (got ${JSON.stringify(ts)})`);
  // Lines come many to a millisecond under load, with the same timestamp: the last good one is not parsed again.
  lastGoodTs = ts;
  if (typeof e["account_id"] !== "string" || e["account_id"].length === 0) throw badEvent('has no "account_id"');
  if (!requestGiven && e["request"] === undefined && e["prompt"] === undefined) throw badEvent('has neither "request" nor "prompt" (contract §1 needs one)');
}

function serialise(e: object): string {
  try {
    return JSON.stringify(e);
  } catch (err: unknown) {
    throw badEvent(`cannot be serialized as JSON (${errMessage(err)})`);
  }
}

/** The request object in `requestJson` (multi-line JSON text, rare). */
function parsedRequest(requestJson: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(requestJson.toString("utf8"));
  } catch (err: unknown) {
    throw badEvent(`has a request that is not JSON (${errMessage(err)})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badEvent("has a request that is not a JSON object");
  return v as Record<string, unknown>;
}

function isOneLine(buf: Buffer): boolean {
  return buf.indexOf(0x0a) < 0 && buf.indexOf(0x0d) < 0;
}

const LINE_END = Buffer.from("}\n");

/** Lines longer than this (bytes) are written from their parts (see `append`). */
const GATHER_ABOVE = 8192;

/** The line's parts: the event's members, then `"request":` and the request's JSON text as it is, then the newline. */
function splicedLine(ev: TrafficEvent, requestJson: Buffer): Buffer[] {
  checkEvent(ev, true);
  let head: string;
  if (ev.request === undefined) head = serialise(ev);
  else {
    const { request: _request, ...rest } = ev;
    head = serialise(rest);
  }
  // `head` is `{…}` with at least ts and account_id: reopen it for one more member.
  return [Buffer.from(`${head.slice(0, -1)},"request":`, "utf8"), requestJson, LINE_END];
}

function badEvent(what: string): TrafficLogError {
  return new TrafficLogError("TRAFFIC_LOG_BAD_EVENT", `traffic event ${what}; nothing was written. Build events as contract §1 describes.`);
}

function reportBackgroundError(file: string, what: BackgroundWork, e: Error): void {
  process.stderr.write(
    what === "sync"
      ? `moat: could not sync rotated traffic log file ${file} to disk: ${e.message}. Its lines are in the OS's buffers; check the disk.\n`
      : `moat: could not compress rotated traffic log file ${file}: ${e.message}. It stays as it is (uncompressed); check free disk space.\n`,
  );
}

function finish(fd: number): void {
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

