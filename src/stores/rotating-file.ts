/**
 * An append-only JSONL file with size rotation and retention, for records that must not grow without bound
 * (the gateway's `decisions.jsonl`). Lines go to `<path>`; before a line would take it past `maxBytes` it is
 * renamed `<path>.<UTC time>` (the time it was rotated, so also of its last line) and a new `<path>` begins.
 * Rotated files whose time is more than `retainMs` ago are deleted, at open and at each rotation, and by
 * `prune` (for quiet periods). Each line is one `writeSync` (nothing held in memory); files are mode 0600.
 */
import { closeSync, fstatSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface RotatingFileOptions {
  /** Rotate before a line would take the file past this size. */
  readonly maxBytes: number;
  /** Delete rotated files older than this; null keeps them all. */
  readonly retainMs: number | null;
  /** Clock (epoch ms) for rotation stamps and retention. Default `Date.now`. */
  readonly now?: () => number;
}

/** `<name>.20261123T031500123Z` (ms precision, so two rotations in a second do not collide). */
const STAMP_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

export class RotatingFile {
  #fd: number;
  #size: number;
  #closed = false;
  private readonly now: () => number;

  private constructor(
    readonly path: string,
    private readonly opts: RotatingFileOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.#fd = openSync(path, "a", 0o600);
    this.#size = fstatSync(this.#fd).size;
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
    if (this.#size > 0 && this.#size + buf.length > this.opts.maxBytes) this.rotate();
    writeSync(this.#fd, buf);
    this.#size += buf.length;
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
      .filter((n) => n.startsWith(`${base}.`) && STAMP_RE.test(n.slice(base.length + 1)))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Deletes rotated files past retention; returns how many. Never throws (a file that cannot go is tried next time). */
  prune(): number {
    if (this.opts.retainMs === null) return 0;
    const before = this.now() - this.opts.retainMs;
    let removed = 0;
    for (const p of this.rotated()) {
      const m = STAMP_RE.exec(p.slice(this.path.length + 1));
      if (m === null) continue;
      const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
      if (t > before) continue;
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

  private rotate(): void {
    const stamp = new Date(this.now()).toISOString().replace(/[-:.]/g, "");
    let target = `${this.path}.${stamp}`;
    // Another rotation in the same millisecond (a tiny maxBytes): the stamp moves on by a millisecond.
    for (let t = this.now() + 1; this.rotated().includes(target); t++) target = `${this.path}.${new Date(t).toISOString().replace(/[-:.]/g, "")}`;
    try {
      renameSync(this.path, target);
    } catch {
      // Cannot rotate (permissions): keep appending here and try again after another maxBytes.
      this.#size = 0;
      return;
    }
    closeSync(this.#fd);
    this.#fd = openSync(this.path, "a", 0o600);
    this.#size = 0;
    this.prune();
  }
}
