/**
 * UTC times written into file names: `20261123T031500Z`, or with milliseconds `20261123T031500123Z` (the
 * ISO 8601 basic format). Sorting the names sorts the times.
 */

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/;

/** `t` (epoch ms) as a compact UTC stamp, with or without its milliseconds. */
export function compactUtc(t: number, withMs: boolean): string {
  const iso = new Date(t).toISOString().replace(/[-:]/g, "");
  return withMs ? iso.replace(".", "") : iso.replace(/\.\d{3}Z$/, "Z");
}

/** The epoch ms of a compact UTC stamp (either form); NaN when `s` is not one. */
export function parseCompactUtc(s: string): number {
  const m = COMPACT.exec(s);
  if (m === null) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7] ?? 0));
}
