/**
 * Live counters of one ingest run. The object is updated in place while events stream, so a caller can
 * read it at any moment for progress and ETA (`bytesRead / totalBytes`), and at the end for the report.
 */

/** Counters of an ingest run; every line read ends up in exactly one of events, badLines or blank lines. */
export interface IngestStats {
  /** Lines (or parquet rows) read so far, blank lines included. */
  lines: number;
  /** Valid events read so far (emitted or still in the reorder buffer). */
  events: number;
  /** Lines that were not a valid event; each is also counted under a reason in `badReasons`. */
  badLines: number;
  /** Bad lines by reason code (`not_json`, `truncated_json`, `missing_ts`, `bad_field:ip`, ...). */
  badReasons: Record<string, number>;
  /** Events emitted after a later event had already been emitted (older than the reorder window allowed). */
  lateEvents: number;
  /** Bytes consumed from the sources (compressed bytes for gzip; parquet is estimated by rows read). */
  bytesRead: number;
  /** Total size of the file sources, or `null` when a source has no known size (standard input). */
  totalBytes: number | null;
}

/** A fresh set of counters. */
export function createStats(totalBytes: number | null): IngestStats {
  return { lines: 0, events: 0, badLines: 0, badReasons: {}, lateEvents: 0, bytesRead: 0, totalBytes };
}

/** Count one bad line under `reason`. */
export function countBad(stats: { badLines: number; badReasons: Record<string, number> }, reason: string): void {
  stats.badLines++;
  stats.badReasons[reason] = (stats.badReasons[reason] ?? 0) + 1;
}

/** Classify a line `JSON.parse` refused: cut short, binary junk, or just not JSON. */
export function jsonFailureReason(line: string, error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/end of (JSON )?input|Unterminated string/i.test(message)) return "truncated_json";
  // V8 names the offset where parsing stopped; at the very end of the line means the line was cut short.
  const at = /at position (\d+)/.exec(message);
  if (at !== null && Number(at[1]) >= line.trimEnd().length && /^\s*[[{]/.test(line)) return "truncated_json";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(line)) return "binary";
  return "not_json";
}

/** `JSON.parse` of one line, or `undefined` after counting it as bad under the reason it failed for. */
export function parseLineOrCount(line: string, stats: { badLines: number; badReasons: Record<string, number> }): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (e: unknown) {
    countBad(stats, jsonFailureReason(line, e));
    return undefined;
  }
}
