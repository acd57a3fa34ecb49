/**
 * The line format of a `FileStateStore` journal: one JSON object per line.
 *
 * ```text
 * {"moat_state":1}                                        header, always line 1
 * {"op":"put","ns":"blocks","key":"acct_9","value":{...}}  set a value
 * {"op":"del","ns":"blocks","key":"acct_9"}                remove a value
 * {"op":"audit","entry":{"at":"…","actor":"…","action":"…","target":"…"}}
 * ```
 *
 * A snapshot (what compaction writes) is the same format holding only live puts and the audit
 * trail, so one reader handles both. A new record kind or an incompatible change bumps the header
 * version; an older moat refuses a newer file instead of dropping records it does not know.
 */
import type { AuditEntry } from "./state-store.ts";

/** Journal format version this code writes and reads. */
export const JOURNAL_VERSION = 1;

/** The exact first line of every journal (without the newline). */
export const JOURNAL_HEADER = `{"moat_state":${JOURNAL_VERSION}}`;

/** One decoded journal record. `value`/`entry` are parsed JSON, not yet frozen. */
export type JournalRecord =
  | { readonly op: "put"; readonly ns: string; readonly key: string; readonly value: unknown }
  | { readonly op: "del"; readonly ns: string; readonly key: string }
  | { readonly op: "audit"; readonly entry: AuditEntry };

/** The line for a put, built around the already-serialized value so it is serialized once. */
export function putLine(ns: string, key: string, valueJson: string): string {
  return `{"op":"put","ns":${JSON.stringify(ns)},"key":${JSON.stringify(key)},"value":${valueJson}}\n`;
}

/** The line for a delete. */
export function delLine(ns: string, key: string): string {
  return `{"op":"del","ns":${JSON.stringify(ns)},"key":${JSON.stringify(key)}}\n`;
}

/** The line for an audit entry, around its already-serialized JSON. */
export function auditLine(entryJson: string): string {
  return `{"op":"audit","entry":${entryJson}}\n`;
}

/** What the header line says: a supported version, a newer one, or not a header at all. */
export type HeaderCheck = { readonly kind: "ok" } | { readonly kind: "newer"; readonly version: number } | { readonly kind: "foreign" };

/** Classify a first line. */
export function checkHeader(line: string): HeaderCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: "foreign" };
  }
  if (!isObject(parsed)) return { kind: "foreign" };
  const version = parsed["moat_state"];
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) return { kind: "foreign" };
  return version > JOURNAL_VERSION ? { kind: "newer", version } : { kind: "ok" };
}

/** Decode one record line, or say in a few words why it is not a record. */
export function decodeRecord(line: string): { readonly ok: true; readonly record: JournalRecord } | { readonly ok: false; readonly reason: string } {
  if (line.trim().length === 0) return { ok: false, reason: "blank line" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
  if (!isObject(parsed)) return { ok: false, reason: "not a JSON object" };
  const op = parsed["op"];
  if (op === "put" || op === "del") {
    const { ns, key } = parsed;
    if (!isName(ns) || !isName(key)) return { ok: false, reason: `${op} record without string "ns" and "key"` };
    if (op === "del") return { ok: true, record: { op, ns, key } };
    if (!("value" in parsed)) return { ok: false, reason: 'put record without "value"' };
    return { ok: true, record: { op, ns, key, value: parsed["value"] } };
  }
  if (op === "audit") {
    const entry = parsed["entry"];
    if (!isObject(entry) || !isName(entry["at"]) || !isName(entry["actor"]) || !isName(entry["action"]) || !isName(entry["target"])) {
      return { ok: false, reason: 'audit record without string "at", "actor", "action" and "target"' };
    }
    return { ok: true, record: { op, entry: entry as unknown as AuditEntry } };
  }
  return { ok: false, reason: typeof op === "string" ? `unknown op ${JSON.stringify(op.slice(0, 40))}` : 'no "op" field' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isName(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}
