/**
 * In-memory `StateStore`: for tests, demos and `moat serve` runs that need no durability.
 * Same semantics as `FileStateStore` (JSON values, frozen snapshots, sorted lists), checked by
 * the shared conformance suite, so code tested against it behaves the same against the file.
 */
import { StateStoreError, type AuditEntry, type StateStore } from "./state-store.ts";
import { StateTables, checkAuditEntry, checkLimit, checkName, frozenFromJson, toJsonText } from "./state-tables.ts";

/**
 * A `StateStore` that lives only in this process.
 *
 * @example
 * ```ts
 * const store = new MemoryStateStore();
 * store.put("overrides", "acct_1", { allow: true });
 * store.list<{ allow: boolean }>("overrides"); // [["acct_1", { allow: true }]]
 * ```
 */
export class MemoryStateStore implements StateStore {
  readonly #tables = new StateTables();
  #closed = false;

  get<T>(ns: string, key: string): T | undefined {
    this.#open();
    checkName(ns, "namespace");
    checkName(key, "key");
    return this.#tables.get(ns, key) as T | undefined;
  }

  put(ns: string, key: string, value: unknown): void {
    this.#open();
    checkName(ns, "namespace");
    checkName(key, "key");
    this.#tables.set(ns, key, frozenFromJson(toJsonText(value, `value for ${ns}/${key}`)));
  }

  delete(ns: string, key: string): void {
    this.#open();
    checkName(ns, "namespace");
    checkName(key, "key");
    this.#tables.remove(ns, key);
  }

  list<T>(ns: string): Array<[string, T]> {
    this.#open();
    checkName(ns, "namespace");
    return this.#tables.list<T>(ns);
  }

  appendAudit(entry: AuditEntry): void {
    this.#open();
    checkAuditEntry(entry);
    this.#tables.addAudit(frozenFromJson(toJsonText(entry, "audit entry")));
  }

  listAudit(limit?: number): AuditEntry[] {
    this.#open();
    checkLimit(limit);
    return this.#tables.listAudit(limit);
  }

  close(): void {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) {
      throw new StateStoreError("STORE_CLOSED", "the memory state store was closed; create a new MemoryStateStore");
    }
  }
}
