/**
 * `openEvents`: the one way moat reads traffic logs. Sources (files, globs, `-`) are resolved and
 * checked up front; then each is streamed, validated line by line against contract §1, put back in
 * event-time order by a per-source reorder buffer, and merged k-way with the others.
 */
import type { TimedEvent } from "../core/model/traffic.ts";
import type { Timed } from "./reorder.ts";
import { parseEvent } from "../contracts/event.ts";
import { gzipFileChunks, plainFileChunks, stdinChunks } from "./byte-streams.ts";
import { splitLines } from "./line-splitter.ts";
import { parquetRows } from "./parquet-rows.ts";
import { DEFAULT_REORDER_WINDOW_MS, ReorderBuffer, mergeSorted, mergeSortedBatches } from "./reorder.ts";
import type { Source } from "./sources.ts";
import { resolveSources } from "./sources.ts";
import type { IngestStats } from "./stats.ts";
import { countBad, createStats, parseLineOrCount } from "./stats.ts";

export type { IngestStats } from "./stats.ts";

/** Options of `openEvents`. */
export interface OpenEventsOptions {
  /** How much event time a source may run out of order, in ms (default one hour). */
  readonly reorderWindowMs?: number;
  /** The stream `-` reads (default `process.stdin`); tests pass their own. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Directory relative paths and globs resolve against (default the process's). */
  readonly cwd?: string;
}

/** `openEvents` options with `map`: what to make of each valid event before it waits in the reorder buffer. */
export interface OpenMappedOptions<T extends Timed> extends OpenEventsOptions {
  /**
   * Called once per valid event, in input order, before reordering; the stream yields its results in event-time
   * order. A reader that keeps only part of each event (features, hashes) should map here: the parsed event
   * then dies young instead of surviving an hour of event time in the buffer (measured: most of the reading
   * thread's garbage-collection time). Must be pure: it sees events out of order.
   */
  readonly map: (ev: TimedEvent) => T;
}

/**
 * Open traffic-log sources as one stream of events in event-time order.
 *
 * Throws a `UserError` at once for a missing file, a directory, a glob matching nothing or an
 * unreadable format. Bad lines never throw: they are counted in `stats.badReasons`. The returned
 * iterable can be iterated once; `stats` is live while it runs.
 *
 * @example
 * const { events, stats } = openEvents(["logs/*.jsonl.gz"]);
 * for await (const { t, event } of events) engine.observe(t, event);
 * console.log(stats.events, stats.badLines, stats.lateEvents);
 */
export function openEvents(sources: readonly string[], opts?: OpenEventsOptions): { events: AsyncIterable<TimedEvent>; stats: IngestStats };
export function openEvents<T extends Timed>(sources: readonly string[], opts: OpenMappedOptions<T>): { events: AsyncIterable<T>; stats: IngestStats };
export function openEvents(
  sources: readonly string[],
  opts: OpenEventsOptions & { readonly map?: (ev: TimedEvent) => Timed } = {},
): { events: AsyncIterable<Timed>; stats: IngestStats } {
  const { ordered, stats } = openOrdered(sources, opts);
  return { events: mergeSorted(ordered, stats), stats };
}

/**
 * `openEvents` in batches (arrays of consecutive events, same order): for readers of millions of events,
 * which would otherwise pay an async step per event.
 */
export function openEventBatches(sources: readonly string[], opts?: OpenEventsOptions): { batches: AsyncIterable<TimedEvent[]>; stats: IngestStats };
export function openEventBatches<T extends Timed>(sources: readonly string[], opts: OpenMappedOptions<T>): { batches: AsyncIterable<T[]>; stats: IngestStats };
export function openEventBatches(
  sources: readonly string[],
  opts: OpenEventsOptions & { readonly map?: (ev: TimedEvent) => Timed } = {},
): { batches: AsyncIterable<Timed[]>; stats: IngestStats } {
  const { ordered, stats } = openOrdered(sources, opts);
  return { batches: mergeSortedBatches(ordered, stats), stats };
}

/** Resolves and checks the sources, then opens each as a reordered stream of (mapped) event batches. */
function openOrdered(
  sources: readonly string[],
  opts: OpenEventsOptions & { readonly map?: (ev: TimedEvent) => Timed },
): { ordered: AsyncIterable<Timed[]>[]; stats: IngestStats } {
  const resolved = resolveSources(sources, opts.cwd);
  const total = resolved.every((s) => s.kind === "file")
    ? resolved.reduce((sum, s) => sum + (s.kind === "file" ? s.size : 0), 0)
    : null;
  const stats = createStats(total);
  const windowMs = opts.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  // Touch process.stdin only when "-" is among the sources: creating it can hold a TTY open.
  const stdin = (): NodeJS.ReadableStream => opts.stdin ?? process.stdin;
  const map = opts.map ?? ((ev: TimedEvent): Timed => ev);
  return { ordered: resolved.map((s) => reorder(sourceEvents(s, stats, stdin, map), windowMs)), stats };
}

/** Validated (and mapped) events of one source in input order, batch by batch. */
async function* sourceEvents(source: Source, stats: IngestStats, stdin: () => NodeJS.ReadableStream, map: (ev: TimedEvent) => Timed): AsyncGenerator<Timed[]> {
  if (source.kind === "file" && source.format === "parquet") {
    for await (const rows of parquetRows(source.path, source.size, stats)) {
      const out: Timed[] = [];
      for (const row of rows) accept(row, stats, map, out);
      yield out;
    }
    return;
  }
  const chunks =
    source.kind === "stdin"
      ? stdinChunks(stdin(), stats)
      : source.format === "gzip"
        ? gzipFileChunks(source.path, stats)
        : plainFileChunks(source.path, stats);
  for await (const lines of splitLines(chunks, stats)) {
    const out: Timed[] = [];
    for (const line of lines) {
      const value = parseLineOrCount(line, stats);
      if (value !== undefined) accept(value, stats, map, out);
    }
    yield out;
  }
}

function accept(value: unknown, stats: IngestStats, map: (ev: TimedEvent) => Timed, out: Timed[]): void {
  const r = parseEvent(value);
  if (!r.ok) {
    countBad(stats, r.reason);
    return;
  }
  stats.events++;
  out.push(map(r.value));
}

/** Put one source's events back in time order, releasing them as the watermark passes. */
async function* reorder(batches: AsyncIterable<Timed[]>, windowMs: number): AsyncGenerator<Timed[]> {
  const buffer = new ReorderBuffer<Timed>(windowMs);
  for await (const batch of batches) {
    for (const e of batch) buffer.push(e);
    const ready: Timed[] = [];
    buffer.drainReady(ready);
    if (ready.length > 0) yield ready;
  }
  const rest: Timed[] = [];
  buffer.drainAll(rest);
  if (rest.length > 0) yield rest;
}
