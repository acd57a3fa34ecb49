/**
 * RFC 3339 timestamps as the contracts use them: a full date, `T`, a time with seconds and optional
 * fraction, then `Z` or a `±hh:mm` offset. One definition serves both the zod schemas (exported to
 * JSON Schema as `format: date-time`) and the hot ingest path, so the two can never disagree.
 */
import { z } from "zod";

/** The exact pattern zod uses for `z.iso.datetime({ offset: true })`; reused so schema and fast path agree. */
const RFC3339 = z.regexes.datetime({ offset: true, precision: null, local: false });

/** zod schema for an RFC 3339 timestamp string (with or without milliseconds, `Z` or an offset). */
export const timestampSchema = z.iso.datetime({ offset: true });

/**
 * Parse an RFC 3339 timestamp to epoch milliseconds, or `null` when it is not one.
 *
 * @example parseTimestamp("2026-04-22T00:06:00+02:00") // 1776808 ... (22:06 UTC the day before)
 */
export function parseTimestamp(value: string): number | null {
  if (!RFC3339.test(value)) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** Format epoch milliseconds as the canonical contract form: UTC with milliseconds and `Z`. */
export function formatTimestamp(t: number): string {
  // The gateway formats every request's arrival time, and requests come many to a millisecond under load:
  // the last answer is kept (`toISOString` costs ~0.4 µs; a pure function's memo, one entry).
  if (t === lastT) return lastText;
  const text = new Date(t).toISOString();
  lastT = t;
  lastText = text;
  return text;
}
let lastT = Number.NaN;
let lastText = "";
