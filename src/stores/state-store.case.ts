/**
 * The one conformance suite every `StateStore` implementation must pass (the semantics listed in
 * `state-store.ts`). Each implementation's test file calls `runStateStoreConformance` with a
 * factory that returns a fresh, empty store; the suite closes every store it creates.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { StateStoreError, type StateStore, type StateStoreErrorCode } from "./state-store.ts";

/** Register the conformance tests for one implementation. `factory` returns a new empty store. */
export function runStateStoreConformance(name: string, factory: () => StateStore): void {
  const withStore = (fn: (s: StateStore) => void) => () => {
    const s = factory();
    try {
      fn(s);
    } finally {
      s.close();
    }
  };

  describe(`StateStore conformance: ${name}`, () => {
    test("returns undefined for a key never written", withStore((s) => {
      assert.equal(s.get("ns", "missing"), undefined);
      assert.deepEqual(s.list("ns"), []);
    }));

    test("returns what was put, and the last put wins", withStore((s) => {
      s.put("blocks", "acct_1", { reason: "campaign", score: 0.97, tags: ["a", "b"] });
      assert.deepEqual(s.get("blocks", "acct_1"), { reason: "campaign", score: 0.97, tags: ["a", "b"] });
      s.put("blocks", "acct_1", { reason: "manual" });
      assert.deepEqual(s.get("blocks", "acct_1"), { reason: "manual" });
      s.put("flags", "n", 3);
      s.put("flags", "s", "text");
      s.put("flags", "b", false);
      s.put("flags", "z", null);
      assert.equal(s.get("flags", "n"), 3);
      assert.equal(s.get("flags", "s"), "text");
      assert.equal(s.get("flags", "b"), false);
      assert.equal(s.get("flags", "z"), null);
    }));

    test("keeps namespaces apart", withStore((s) => {
      s.put("a", "k", 1);
      s.put("b", "k", 2);
      assert.equal(s.get("a", "k"), 1);
      assert.equal(s.get("b", "k"), 2);
      s.delete("a", "k");
      assert.equal(s.get("a", "k"), undefined);
      assert.equal(s.get("b", "k"), 2);
    }));

    test("deletes a key, and deleting a missing key changes nothing", withStore((s) => {
      s.put("ns", "k", 1);
      s.put("ns", "j", 2);
      s.delete("ns", "k");
      s.delete("ns", "never");
      s.delete("other", "never");
      assert.equal(s.get("ns", "k"), undefined);
      assert.deepEqual(s.list("ns"), [["j", 2]]);
      s.put("ns", "k", 3);
      assert.equal(s.get("ns", "k"), 3);
    }));

    test("lists a namespace sorted by key whatever the write order", withStore((s) => {
      for (const k of ["m", "b", "z", "a", "B"]) s.put("ns", k, k.toUpperCase());
      s.put("ns", "b", "again");
      s.put("elsewhere", "c", 1);
      assert.deepEqual(s.list("ns"), [["B", "B"], ["a", "A"], ["b", "again"], ["m", "M"], ["z", "Z"]]);
      assert.deepEqual(s.list("nothing-here"), []);
    }));

    test("stores the JSON round-trip of a value", withStore((s) => {
      const when = new Date("2026-04-22T00:04:40.527Z");
      s.put("ns", "k", { when, gone: undefined, nan: Number.NaN, nested: { arr: [1, undefined] } });
      assert.deepEqual(s.get("ns", "k"), { when: "2026-04-22T00:04:40.527Z", nan: null, nested: { arr: [1, null] } });
    }));

    test("round-trips awkward keys, namespaces and unicode values", withStore((s) => {
      const key = 'line\nbreak "quoted" \\ 𝔘ñí€ode \u2028 lone \ud800 surrogate';
      s.put("ns/with:odd chars", key, { text: "prompt hash ✓ \u0000 end" });
      assert.deepEqual(s.get("ns/with:odd chars", key), { text: "prompt hash ✓ \u0000 end" });
      assert.deepEqual(s.list("ns/with:odd chars").map(([k]) => k), [key]);
    }));

    test("refuses a value JSON cannot hold and keeps the previous value", withStore((s) => {
      s.put("ns", "k", "before");
      const cyclic: Record<string, unknown> = {};
      cyclic["self"] = cyclic;
      for (const bad of [undefined, () => 1, 10n, cyclic, Symbol("x")]) {
        assertCode(() => s.put("ns", "k", bad), "STORE_BAD_VALUE");
      }
      assertCode(() => s.put("ns", "new", undefined), "STORE_BAD_VALUE");
      assert.equal(s.get("ns", "k"), "before");
      assert.equal(s.get("ns", "new"), undefined);
    }));

    test("refuses empty or non-string namespaces and keys", withStore((s) => {
      assertCode(() => s.put("", "k", 1), "STORE_BAD_ARGUMENT");
      assertCode(() => s.put("ns", "", 1), "STORE_BAD_ARGUMENT");
      assertCode(() => s.get("ns", 7 as unknown as string), "STORE_BAD_ARGUMENT");
      assertCode(() => s.delete(undefined as unknown as string, "k"), "STORE_BAD_ARGUMENT");
      assertCode(() => s.list(""), "STORE_BAD_ARGUMENT");
      assert.deepEqual(s.list("ns"), []);
    }));

    test("hands out frozen snapshots that callers cannot change in place", withStore((s) => {
      const input = { count: 1, inner: { list: [1, 2] } };
      s.put("ns", "k", input);
      input.count = 99;
      input.inner.list.push(3);
      const got = s.get<{ count: number; inner: { list: number[] } }>("ns", "k");
      assert.deepEqual(got, { count: 1, inner: { list: [1, 2] } });
      assert.throws(() => {
        (got as { count: number }).count = 2;
      }, TypeError);
      assert.throws(() => got?.inner.list.push(4), TypeError);
      const listed = s.list<{ count: number }>("ns");
      listed.push(["extra", { count: 0 }]);
      assert.equal(s.list("ns").length, 1);
      const copy = structuredClone(got);
      if (copy !== undefined) copy.count = 2;
      s.put("ns", "k", copy);
      assert.equal(s.get<{ count: number }>("ns", "k")?.count, 2);
    }));

    test("stores a large value whole", withStore((s) => {
      const big = "x".repeat(1_000_000);
      s.put("ns", "big", { big });
      assert.equal(s.get<{ big: string }>("ns", "big")?.big.length, 1_000_000);
    }));

    test("keeps the audit trail in order, newest last, with limits", withStore((s) => {
      assert.deepEqual(s.listAudit(), []);
      for (let i = 0; i < 5; i++) {
        s.appendAudit({ at: `2026-04-22T00:00:0${i}.000Z`, actor: "analyst:ana", action: "block", target: `acct_${i}`, detail: { i } });
      }
      assert.deepEqual(s.listAudit().map((e) => e.target), ["acct_0", "acct_1", "acct_2", "acct_3", "acct_4"]);
      assert.deepEqual(s.listAudit(2).map((e) => e.target), ["acct_3", "acct_4"]);
      assert.deepEqual(s.listAudit(0), []);
      assert.equal(s.listAudit(50).length, 5);
      assert.deepEqual(s.listAudit(1)[0], { at: "2026-04-22T00:00:04.000Z", actor: "analyst:ana", action: "block", target: "acct_4", detail: { i: 4 } });
      const all = s.listAudit();
      all.length = 0;
      assert.equal(s.listAudit().length, 5);
    }));

    test("keeps audit entries apart from key/value state", withStore((s) => {
      s.appendAudit({ at: "2026-04-22T00:00:00.000Z", actor: "system", action: "put", target: "ns/k" });
      assert.deepEqual(s.list("ns"), []);
      s.put("ns", "k", 1);
      s.delete("ns", "k");
      assert.equal(s.listAudit().length, 1);
      assert.equal("detail" in (s.listAudit()[0] ?? {}), false);
    }));

    test("refuses malformed audit entries and bad limits", withStore((s) => {
      assertCode(() => s.appendAudit({ at: "", actor: "a", action: "b", target: "c" }), "STORE_BAD_ARGUMENT");
      assertCode(() => s.appendAudit({ at: "t", actor: "a", action: "b" } as never), "STORE_BAD_ARGUMENT");
      assertCode(() => s.appendAudit(null as never), "STORE_BAD_ARGUMENT");
      assertCode(() => s.appendAudit({ at: "t", actor: "a", action: "b", target: "c", detail: 1n }), "STORE_BAD_VALUE");
      assertCode(() => s.listAudit(-1), "STORE_BAD_ARGUMENT");
      assertCode(() => s.listAudit(1.5), "STORE_BAD_ARGUMENT");
      assert.deepEqual(s.listAudit(), []);
    }));

    test("refuses every call after close, and close twice is fine", () => {
      const s = factory();
      s.put("ns", "k", 1);
      s.close();
      s.close();
      assertCode(() => s.get("ns", "k"), "STORE_CLOSED");
      assertCode(() => s.put("ns", "k", 2), "STORE_CLOSED");
      assertCode(() => s.delete("ns", "k"), "STORE_CLOSED");
      assertCode(() => s.list("ns"), "STORE_CLOSED");
      assertCode(() => s.appendAudit({ at: "t", actor: "a", action: "b", target: "c" }), "STORE_CLOSED");
      assertCode(() => s.listAudit(), "STORE_CLOSED");
    });

    test("handles thousands of keys across namespaces", withStore((s) => {
      for (let i = 0; i < 3000; i++) s.put(`ns${i % 3}`, `k${String(i).padStart(5, "0")}`, { i });
      for (let i = 0; i < 3000; i += 2) s.delete(`ns${i % 3}`, `k${String(i).padStart(5, "0")}`);
      const all = [0, 1, 2].flatMap((n) => s.list<{ i: number }>(`ns${n}`));
      assert.equal(all.length, 1500);
      assert.ok(all.every(([, v]) => v.i % 2 === 1));
      assert.deepEqual(s.get("ns1", "k00001"), { i: 1 });
    }));
  });
}

function assertCode(fn: () => unknown, code: StateStoreErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof StateStoreError && e.code === code && e.message.length > 0);
}
