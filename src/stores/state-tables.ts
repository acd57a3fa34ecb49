/**
 * The in-memory tables both state stores are built on: namespaces of frozen JSON values plus the
 * audit trail, and the argument checks every implementation must apply the same way.
 * `MemoryStateStore` is these tables alone; `FileStateStore` is these tables plus a journal that
 * records each change before it is applied here.
 */
import { StateStoreError, type AuditEntry } from "./state-store.ts";

/** Deep-freeze a parsed JSON value in place and return it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Serialize `value` to JSON text, refusing what JSON cannot represent.
 * @throws StateStoreError `STORE_BAD_VALUE`
 */
export function toJsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e: unknown) {
    throw new StateStoreError(
      "STORE_BAD_VALUE",
      `${what} cannot be stored as JSON (${e instanceof Error ? e.message : String(e)}); store plain objects, arrays, strings, numbers, booleans or null`,
      { cause: e },
    );
  }
  if (text === undefined) {
    throw new StateStoreError(
      "STORE_BAD_VALUE",
      `${what} is ${typeof value}, which JSON cannot represent; store null or delete the key instead`,
    );
  }
  return text;
}

/** Parse JSON text written by `toJsonText` into a deeply frozen value. */
export function frozenFromJson<T>(text: string): T {
  return deepFreeze(JSON.parse(text) as T);
}

/** @throws StateStoreError `STORE_BAD_ARGUMENT` unless `value` is a non-empty string. */
export function checkName(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new StateStoreError("STORE_BAD_ARGUMENT", `${what} must be a non-empty string, got ${describe(value)}`);
  }
}

/** @throws StateStoreError `STORE_BAD_ARGUMENT` unless `entry` has string at/actor/action/target. */
export function checkAuditEntry(entry: unknown): asserts entry is AuditEntry {
  if (entry === null || typeof entry !== "object") {
    throw new StateStoreError("STORE_BAD_ARGUMENT", `audit entry must be an object, got ${describe(entry)}`);
  }
  const e = entry as Record<string, unknown>;
  for (const field of ["at", "actor", "action", "target"] as const) {
    checkName(e[field], `audit entry field "${field}"`);
  }
}

/** @throws StateStoreError `STORE_BAD_ARGUMENT` unless `limit` is undefined or an integer >= 0. */
export function checkLimit(limit: unknown): asserts limit is number | undefined {
  if (limit !== undefined && !(typeof limit === "number" && Number.isInteger(limit) && limit >= 0)) {
    throw new StateStoreError("STORE_BAD_ARGUMENT", `listAudit limit must be an integer >= 0, got ${describe(limit)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return value.length === 0 ? "an empty string" : JSON.stringify(value);
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

/**
 * Namespaced frozen values plus the audit trail. Mutators take already-validated input; callers
 * (the stores) check arguments and make writes durable first.
 */
export class StateTables {
  readonly #spaces = new Map<string, Map<string, unknown>>();
  readonly #audit: AuditEntry[] = [];
  #keys = 0;

  /** Number of live keys over all namespaces. */
  get keyCount(): number {
    return this.#keys;
  }

  /** Number of audit entries held. */
  get auditCount(): number {
    return this.#audit.length;
  }

  get(ns: string, key: string): unknown {
    return this.#spaces.get(ns)?.get(key);
  }

  has(ns: string, key: string): boolean {
    return this.#spaces.get(ns)?.has(key) ?? false;
  }

  /** Set a value that is already frozen JSON. Returns true when it replaced an existing value. */
  set(ns: string, key: string, frozen: unknown): boolean {
    let space = this.#spaces.get(ns);
    if (space === undefined) {
      space = new Map();
      this.#spaces.set(ns, space);
    }
    const replaced = space.has(key);
    space.set(key, frozen);
    if (!replaced) this.#keys++;
    return replaced;
  }

  /** Remove a key. Returns true when something was removed. */
  remove(ns: string, key: string): boolean {
    const space = this.#spaces.get(ns);
    if (space === undefined || !space.delete(key)) return false;
    this.#keys--;
    if (space.size === 0) this.#spaces.delete(ns);
    return true;
  }

  list<T>(ns: string): Array<[string, T]> {
    const space = this.#spaces.get(ns);
    if (space === undefined) return [];
    const keys = [...space.keys()].sort(compareCodeUnits);
    return keys.map((k) => [k, space.get(k) as T]);
  }

  /** Append an audit entry that is already frozen JSON. */
  addAudit(frozen: AuditEntry): void {
    this.#audit.push(frozen);
  }

  listAudit(limit?: number): AuditEntry[] {
    if (limit === undefined) return this.#audit.slice();
    return limit === 0 ? [] : this.#audit.slice(-limit);
  }

  /** Every live `[ns, key, value]` (namespaces and keys in insertion order), for snapshots. */
  *entries(): Generator<[string, string, unknown]> {
    for (const [ns, space] of this.#spaces) {
      for (const [key, value] of space) yield [ns, key, value];
    }
  }

  /** Every audit entry, oldest first, for snapshots. */
  auditEntries(): readonly AuditEntry[] {
    return this.#audit;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
