/**
 * Start-up recovery: rebuild the engine by replaying the gateway's own traffic log through
 * `observe`, the same engine the live path drives (one engine, two drivers). Lines were written
 * when responses ended, so they are in completion order; a reorder window (longer than any request
 * can take) puts them back into arrival order before they are observed. Bad lines (a torn last line
 * after `kill -9`, a hand-edited file) are counted and reported, never fatal; so are events the engine
 * throws on.
 */
import { promises as fsp } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { TimedEvent, TrafficEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import type { DetectionPort } from "./detection-port.ts";
import { errCode } from "../stores/os-errors.ts";

export interface ReplayStats {
  readonly files: number;
  readonly events: number;
  readonly badLines: number;
  /** Files that could not be read to the end (unreadable, corrupt gzip); what was read before still counts. */
  readonly badFiles: number;
  /** Last event time replayed (epoch ms), null when the log was empty. */
  readonly lastT: number | null;
  /** Events the engine threw on (counted and skipped: a start-up must not die on one exchange). */
  readonly engineErrors: number;
}

/** A binary min-heap of events by time, ties broken by arrival in the log (stable). */
class EventHeap {
  private readonly a: Array<{ ev: TimedEvent; seq: number }> = [];
  get size(): number {
    return this.a.length;
  }
  peekT(): number {
    return this.a[0]?.ev.t ?? Number.POSITIVE_INFINITY;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i];
    const y = this.a[j];
    if (!x || !y) return false;
    return x.ev.t < y.ev.t || (x.ev.t === y.ev.t && x.seq < y.seq);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i];
    this.a[i] = this.a[j] as (typeof this.a)[number];
    this.a[j] = t as (typeof this.a)[number];
  }
  push(ev: TimedEvent, seq: number): void {
    this.a.push({ ev, seq });
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): TimedEvent | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (!top || !last) return undefined;
    if (this.a.length > 0) {
      this.a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.ev;
  }
}

/** Parses one traffic-log line into a timed event, or null when it is not a contract §1 line. */
export function parseLogLine(line: string): TimedEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  if (typeof e["ts"] !== "string" || typeof e["account_id"] !== "string" || e["account_id"] === "") return null;
  const t = Date.parse(e["ts"]);
  if (Number.isNaN(t)) return null;
  return { t, event: e as unknown as TrafficEvent };
}

/**
 * Replays `files` (oldest first) into `detection`. `windowMs` bounds how far out of order lines may be;
 * `onAssessment` sees each resulting assessment (the gateway keeps the latest per account).
 */
export async function replayTrafficLog(
  files: readonly string[],
  detection: DetectionPort,
  windowMs: number,
  onAssessment: (a: Assessment) => void,
): Promise<ReplayStats> {
  const heap = new EventHeap();
  let events = 0;
  let badLines = 0;
  let seq = 0;
  let maxT = Number.NEGATIVE_INFINITY;
  let lastT: number | null = null;
  let engineErrors = 0;
  const emit = (ev: TimedEvent): void => {
    events++;
    lastT = ev.t;
    let a;
    try {
      a = detection.observe(ev);
    } catch {
      engineErrors++;
      return;
    }
    onAssessment(a);
  };
  let badFiles = 0;
  for (const file of files) {
    try {
      const { path, fh } = await openLogFile(file);
      const input = fh.createReadStream();
      const source = path.endsWith(".gz") ? input.pipe(createGunzip()) : input;
      if (source !== input) input.on("error", (e) => source.emit("error", e));
      const lines = createInterface({ input: source, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === "") continue;
        const ev = parseLogLine(line);
        if (ev === null) {
          badLines++;
          continue;
        }
        heap.push(ev, seq++);
        if (ev.t > maxT) maxT = ev.t;
        while (heap.size > 0 && heap.peekT() < maxT - windowMs) emit(heap.pop() as TimedEvent);
      }
    } catch {
      badFiles++;
    }
  }
  while (heap.size > 0) emit(heap.pop() as TimedEvent);
  return { files: files.length, events, badLines, badFiles, lastT, engineErrors };
}

/**
 * Opens a listed log file; one compressed since it was listed (`trafficLog.compress`, by this process or another
 * sharing the directory) is read from its `.gz`, which holds the same lines.
 */
async function openLogFile(file: string): Promise<{ path: string; fh: FileHandle }> {
  try {
    return { path: file, fh: await fsp.open(file, "r") };
  } catch (e: unknown) {
    if (errCode(e) !== "ENOENT" || file.endsWith(".gz")) throw e;
    return { path: `${file}.gz`, fh: await fsp.open(`${file}.gz`, "r") };
  }
}
