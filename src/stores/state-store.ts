/**
 * The state-store port: the small key/value + audit-trail store the gateway keeps its durable
 * state in (account decisions, manual overrides, counters worth keeping across restarts) and the
 * record of who changed what.
 *
 * Two implementations share one conformance suite (`state-store.case.ts`):
 * - `MemoryStateStore` (tests, demos, `moat serve` without a state path),
 * - `FileStateStore` (one append-only JSON-lines journal, no server).
 *
 * Semantics every implementation keeps (the conformance suite checks them):
 * - Values are JSON. `put` stores the JSON round-trip of `value` (so `undefined` fields vanish,
 *   `Date`s become strings); a value JSON cannot represent (`undefined`, a function, a cycle,
 *   a BigInt) is refused with `StateStoreError` code `STORE_BAD_VALUE`, and nothing is stored.
 * - What `get`/`list`/`listAudit` return is a deeply frozen snapshot: changing it throws
 *   (ESM is strict mode). Copy it (`structuredClone`) before editing, then `put` the copy.
 *   Freezing instead of copying keeps `get` O(1) on the request path and makes an accidental
 *   in-place edit (which would make memory and disk disagree) loud instead of silent.
 * - `ns` and `key` are non-empty strings. `list` returns entries sorted by key (code-unit order),
 *   so the order never depends on write history.
 * - `listAudit(limit)` returns the newest `limit` entries, oldest first / newest last.
 * - After `close()` every call except `close()` throws `STORE_CLOSED`; `close()` is idempotent.
 *
 * @example
 * ```ts
 * const store: StateStore = FileStateStore.open(".moat/state.jsonl");
 * store.put("blocks", "acct_9", { since: "2026-04-22T00:00:00.000Z", reason: "campaign cmp_3" });
 * store.appendAudit({ at: new Date().toISOString(), actor: "analyst:ana", action: "block", target: "acct_9" });
 * store.get<{ since: string }>("blocks", "acct_9")?.since; // "2026-04-22T00:00:00.000Z"
 * ```
 */

/** One audit-trail record: who (`actor`) did what (`action`) to what (`target`), when (`at`, RFC 3339). */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  /** Any JSON value with more context (old/new value, reason). */
  readonly detail?: unknown;
}

/** The port. See the module comment for the semantics every implementation keeps. */
export interface StateStore {
  /** The value stored under `ns`/`key`, or `undefined`. Deeply frozen. */
  get<T>(ns: string, key: string): T | undefined;
  /** Store a JSON value. For `FileStateStore` the write has reached the journal when this returns. */
  put(ns: string, key: string, value: unknown): void;
  /** Remove `ns`/`key`; removing a key that is not there is not an error. */
  delete(ns: string, key: string): void;
  /** Every `[key, value]` of a namespace, sorted by key. Empty for an unknown namespace. */
  list<T>(ns: string): Array<[string, T]>;
  /** Append one entry to the audit trail (never rewritten, never superseded). */
  appendAudit(entry: AuditEntry): void;
  /** The newest `limit` audit entries (all if omitted), newest last. */
  listAudit(limit?: number): AuditEntry[];
  /** Release the store (file handles, lock). Idempotent. */
  close(): void;
}

/** Stable codes of `StateStoreError`, for callers and tests to branch on. */
export type StateStoreErrorCode =
  /** `ns`, `key`, `limit` or an audit field has the wrong type or is empty. */
  | "STORE_BAD_ARGUMENT"
  /** The value cannot be represented as JSON. */
  | "STORE_BAD_VALUE"
  /** The store was closed. */
  | "STORE_CLOSED"
  /** Another live process (or another open store in this process) holds the file. */
  | "STORE_LOCKED"
  /** The file exists but is not a moat state file (or is from a newer moat). */
  | "STORE_NOT_STATE_FILE"
  /** The operating system refused a read or write (disk full, permissions, …). */
  | "STORE_IO";

/** The one error class stores throw. The message says what was wrong and what to do. */
export class StateStoreError extends Error {
  constructor(
    readonly code: StateStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StateStoreError";
  }
}
