/**
 * An append-only JSONL file with rotation and retention, for records that must not grow or stay without bound
 * (the gateway's `decisions.jsonl`). Lines go to `<path>`; it is renamed `<path>.<UTC time of its last line>`
 * and a new `<path>` begun before a line would take it past `maxBytes`, and when a line arrives on a later UTC
 * day than the file's first. A rotated file is deleted once its last line is more than `retainMs` old; so is
 * the live file's content (rotated, then deleted) when nothing was written to it for that long. Retention runs
 * at open, at each rotation, and on `prune` (which the gateway calls periodically, for quiet periods).
 * Each line is one `writeSync` (nothing held in memory); files are mode 0600.
 */
import { closeSync, fstatSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { compactUtc, parseCompactUtc } from "./compact-time.ts";
import { errCode } from "./os-errors.ts";

export interface RotatingFileOptions {
  /** Rotate before a line would take the file past this size. */
  readonly maxBytes: number;
  /** Delete what is older than this; null keeps everything. */
  readonly retainMs: number | null;
  /** Clock (epoch ms) for rotation and retention. Default `Date.now`. */
  readonly now?: () => number;
}

/** Rotated files are `<name>.20261123T031500123Z` (ms precision: see compact-time.ts). */
const stampOf = (t: number): string => compactUtc(t, true);
const STAMP_LENGTH = stampOf(0).length;
const DAY_MS = 86_400_000;


export class RotatingFile {
  readonly path: string;
  #fd: number;
  #size: number;
  /** UTC day (epoch days) of the live file's first line; its last line's time. */
  #firstDay: number;
  #lastWrite: number;
  #closed = false;
  private readonly now: () => number;

  private constructor(
    path: string,
    private readonly opts: RotatingFileOptions,
  ) {
    this.path = resolve(path);
    this.now = opts.now ?? Date.now;
    this.#fd = openSync(this.path, "a", 0o600);
    const st = fstatSync(this.#fd);
    this.#size = st.size;
    // A file left by an earlier run: its last line is as old as its last change.
    this.#lastWrite = st.size > 0 ? Math.min(st.mtimeMs, this.now()) : this.now();
    this.#firstDay = Math.floor(this.#lastWrite / DAY_MS);
  }

  /** Opens (or creates) `path` for appending and applies retention. Throws the OS error when it cannot be opened. */
  static open(path: string, opts: RotatingFileOptions): RotatingFile {
    const f = new RotatingFile(path, opts);
    f.prune();
    return f;
  }

  /** Appends `line` and a line break. Throws the OS error (disk full…); the caller counts it. */
  append(line: string): void {
    if (this.#closed) throw new Error(`${this.path} is closed`);
    const buf = Buffer.from(`${line}\n`, "utf8");
    const now = this.now();
    if (this.#size > 0 && (this.#size + buf.length > this.opts.maxBytes || Math.floor(now / DAY_MS) !== this.#firstDay)) this.rotate();
    writeSync(this.#fd, buf);
    if (this.#size === 0) this.#firstDay = Math.floor(now / DAY_MS);
    this.#size += buf.length;
    this.#lastWrite = now;
  }

  /** Rotated files, oldest first (full paths). */
  rotated(): string[] {
    const dir = dirname(this.path);
    const base = basename(this.path);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.startsWith(`${base}.`) && n.length === base.length + 1 + STAMP_LENGTH && !Number.isNaN(parseCompactUtc(n.slice(base.length + 1))))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Applies retention; returns how many files were deleted. Never throws (what cannot go is tried next time). */
  prune(): number {
    if (this.opts.retainMs === null || this.#closed) return 0;
    const before = this.now() - this.opts.retainMs;
    // Nothing written for the whole retention: the live file's lines are all past it too.
    if (this.#size > 0 && this.#lastWrite <= before) this.rotate(false);
    let removed = 0;
    for (const p of this.rotated()) {
      if (parseCompactUtc(p.slice(this.path.length + 1)) > before) continue;
      try {
        unlinkSync(p);
        removed++;
      } catch {
        // permissions: left for the next prune
      }
    }
    return removed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  /**
   * Renames the live file after its last line's time and begins a new one. If either step fails the lines keep
   * going to the file that is open (whatever its name now), and rotation is tried again after another `maxBytes`.
   */
  private rotate(thenPrune = true): void {
    let target = `${this.path}.${stampOf(this.#lastWrite)}`;
    // Another file with that stamp (two rotations in one millisecond): the stamp moves on by a millisecond.
    const taken = new Set(this.rotated());
    for (let t = this.#lastWrite + 1; taken.has(target); t++) target = `${this.path}.${stampOf(t)}`;
    let renamed = true;
    try {
      renameSync(this.path, target);
    } catch (e: unknown) {
      // The live file is gone (deleted by hand): begin a new one below. Anything else: keep writing here.
      if (errCode(e) !== "ENOENT") {
        this.#size = 0;
        return;
      }
      renamed = false;
    }
    let fd: number;
    try {
      fd = openSync(this.path, "a", 0o600);
    } catch {
      // Put the name back (lines go on into the open file, under the name rotation and retention expect) and
      // try again after another maxBytes.
      if (renamed) {
        try {
          renameSync(target, this.path);
        } catch {
          // both names taken or gone: the next rotation's ENOENT branch opens a new file
        }
      }
      this.#size = 0;
      return;
    }
    closeSync(this.#fd);
    this.#fd = fd;
    this.#size = 0;
    if (thenPrune) this.prune();
  }
}
