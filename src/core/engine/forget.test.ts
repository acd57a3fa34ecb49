import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "./engine.ts";
import { MemoryEnricher } from "../ports/memory-enricher.ts";
import { miniWorld, T0 } from "../testing/mini-traffic.ts";
import type { MiniWorld } from "../testing/mini-traffic.ts";
import type { TimedEvent, TrafficEvent } from "../model/traffic.ts";
import { GroupIndex } from "../linking/group-index.ts";
import { AccountState, StoreArena } from "../account/account-state.ts";
import { analyseRequest } from "../features/request-features.ts";
import { resolveEngineConfig } from "./config.ts";
import type { Assessment } from "./types.ts";

const HOUR = 3_600_000;
const enricher = (): MemoryEnricher => new MemoryEnricher(undefined, { "mailbox.example": "disposable", "gmail.com": "free", "uni.edu": "education" });

/** Replays the world; with `idleMs`, forgets idle accounts every event-time hour and hands their records back, as the gateway does. */
function replay(world: MiniWorld, idleMs: number | null): { engine: Engine; forgotten: Set<string>; seen: Set<string> } {
  const engine = new Engine({ enricher: enricher() });
  const records = new Map(world.accounts.map((a) => [a.account_id, a]));
  for (const a of world.accounts) engine.upsertAccount(a);
  const forgotten = new Set<string>();
  const seen = new Set<string>();
  let nextSweep = T0 + HOUR;
  for (const ev of world.events) {
    if (idleMs !== null && ev.t >= nextSweep) {
      nextSweep = ev.t + HOUR;
      for (const id of engine.forgetIdle(engine.now() - idleMs)) {
        forgotten.add(id);
        const rec = records.get(id);
        if (rec) engine.upsertAccount(rec);
      }
    }
    engine.observe(ev);
    seen.add(ev.event.account_id);
  }
  return { engine, forgotten, seen };
}

const world = miniWorld();
const full = replay(world, null);
const lean = replay(world, 6 * HOUR);

test("forgetting idle accounts keeps the campaign and every flagged account, and holds fewer accounts", () => {
  const st = lean.engine.stats();
  assert.ok(lean.forgotten.size >= 20, `forgot ${lean.forgotten.size}`);
  assert.equal(st.forgotten >= lean.forgotten.size, true);
  assert.ok(st.accounts < lean.seen.size, `${st.accounts} held of ${lean.seen.size} seen`);
  // Every account flagged without forgetting is flagged with it, with the same verdict and campaign standing.
  for (const id of full.seen) {
    const a = full.engine.assess(id);
    if (a.verdict === "benign") continue;
    const b = lean.engine.assess(id);
    assert.equal(b.verdict, a.verdict, id);
    assert.equal(b.campaignId !== null, a.campaignId !== null, id);
  }
  const hydra = [...full.seen].filter((id) => id.startsWith("hyd_"));
  assert.ok(hydra.filter((id) => lean.engine.assess(id).verdict === "extraction").length >= 0.9 * hydra.length);
  // Nothing benign turned into a false positive because its history was forgotten.
  for (const id of lean.seen) if (!id.startsWith("hyd_")) assert.equal(lean.engine.assess(id).verdict, full.engine.assess(id).verdict, id);
});

test("an account that is flagged, in a campaign or in a coordinated group is never forgotten", () => {
  const engine = new Engine({ enricher: enricher() });
  for (const a of world.accounts) engine.upsertAccount(a);
  for (const ev of world.events) engine.observe(ev);
  // The mini world's users all send a few shared chat prompts (coordinated template groups): a few loners too.
  const end = world.events[world.events.length - 1]!.t;
  for (let i = 0; i < 5; i++) engine.observe(event(end + i * 1000, `solo_${i}`, `203.0.113.${200 + i}`, `my own question number ${i * 7919}`));
  const held = [...full.seen].filter((id) => {
    const a = engine.assess(id);
    return a.verdict !== "benign" || a.campaignId !== null || a.flaggedAt !== null;
  });
  assert.ok(held.length > 0);
  // Everyone is idle at "the end of time": only what detection holds on to stays.
  const gone = new Set(engine.forgetIdle(Number.POSITIVE_INFINITY));
  for (const id of held) assert.equal(gone.has(id), false, id);
  assert.equal(engine.stats().accounts, full.seen.size + 5 - gone.size);
  for (let i = 0; i < 5; i++) assert.ok(gone.has(`solo_${i}`));
  // Members of coordinated groups stay (they may bridge campaigns), even though none of them is flagged.
  assert.ok(!gone.has("usr_0"));
  // The campaigns are untouched.
  assert.deepEqual(
    engine.campaigns().map((c) => [c.campaignId, c.accounts.length]),
    full.engine.campaigns().map((c) => [c.campaignId, c.accounts.length]),
  );
});

function event(t: number, account: string, ip: string, text: string): TimedEvent {
  const ev: TrafficEvent = {
    ts: new Date(t).toISOString(),
    account_id: account,
    ip,
    user_agent: "Mozilla/5.0 (X11) Firefox/126.0",
    endpoint: "/v1/messages",
    model: "claude-sonnet-4",
    request: { model: "claude-sonnet-4", max_tokens: 512, messages: [{ role: "user", content: text }] },
  } as TrafficEvent;
  return { t, event: ev };
}

test("a key a forgotten account held alone is taken by the next account, and a group forms without the forgotten one", () => {
  const config = resolveEngineConfig({});
  const groups = new GroupIndex(config);
  const arena = new StoreArena();
  const en = enricher();
  const join = (a: AccountState, ev: TimedEvent): void => {
    const f = analyseRequest(ev, en);
    const first = a.n === 0;
    a.update(f, config.maxIpKeysPerAccount);
    groups.join(a, f, first);
  };
  const x = new AccountState("x", config.maxIpKeysPerAccount, arena);
  join(x, event(T0, "x", "203.0.113.77", "hello there"));
  const singles = groups.singleKeys();
  assert.ok(singles >= 2, "the ip and parameter keys are held by x alone");
  assert.equal(groups.get("ip:203.0.113.77"), undefined);
  groups.forget([x]);
  const y = new AccountState("y", config.maxIpKeysPerAccount, arena);
  join(y, event(T0 + HOUR, "y", "203.0.113.77", "good morning"));
  // y took x's keys over: still no group (x is not a second holder).
  assert.equal(groups.get("ip:203.0.113.77"), undefined);
  assert.equal(groups.size(), 0);
  const z = new AccountState("z", config.maxIpKeysPerAccount, arena);
  join(z, event(T0 + 2 * HOUR, "z", "203.0.113.77", "good evening"));
  const g = groups.get("ip:203.0.113.77");
  assert.ok(g);
  assert.deepEqual(
    g.members.map((m) => m.id),
    ["y", "z"],
  );
  // Forgetting both empties the group: it is dropped.
  groups.forget([y, z]);
  assert.equal(groups.get("ip:203.0.113.77"), undefined);
  assert.equal(groups.size(), 0);
});

test("forgotten holders' single keys are deleted by cleaning passes, and the rest keep their keys", () => {
  const config = resolveEngineConfig({});
  const groups = new GroupIndex(config);
  const arena = new StoreArena();
  const en = enricher();
  const accounts: AccountState[] = [];
  for (let i = 0; i < 40; i++) {
    const a = new AccountState(`a${i}`, config.maxIpKeysPerAccount, arena);
    const f = analyseRequest(event(T0 + i * 1000, a.id, `198.18.${i}.1`, `question number ${i}`), en);
    a.update(f, config.maxIpKeysPerAccount);
    groups.join(a, f, true);
    accounts.push(a);
  }
  const before = groups.singleKeys();
  // 30 of 40 forgotten: a cleaning pass over this small table deletes their entries at once.
  groups.forget(accounts.slice(0, 30));
  const after = groups.singleKeys();
  assert.ok(after < before, `${after} of ${before}`);
  // A survivor's key still names the survivor: a newcomer on its address makes a group of the two.
  const b = new AccountState("b", config.maxIpKeysPerAccount, arena);
  const f = analyseRequest(event(T0 + HOUR, "b", "198.18.35.1", "another question"), en);
  b.update(f, config.maxIpKeysPerAccount);
  groups.join(b, f, true);
  assert.deepEqual(
    groups.get("ip:198.18.35.1")?.members.map((m) => m.id),
    ["a35", "b"],
  );
  // A forgotten account's address is free: a newcomer there holds it alone.
  const c = new AccountState("c", config.maxIpKeysPerAccount, arena);
  const fc = analyseRequest(event(T0 + HOUR, "c", "198.18.3.1", "yet another question"), en);
  c.update(fc, config.maxIpKeysPerAccount);
  groups.join(c, fc, true);
  assert.equal(groups.get("ip:198.18.3.1"), undefined);
});

test("a new account on a forgotten account's slots starts from zero", () => {
  const strip = (a: Assessment): unknown => ({ verdict: a.verdict, score: a.score, own: a.ownScore, reasons: a.reasons.map((r) => [r.code, r.detail]), n: a.exchanges });
  const busy = new Engine({ enricher: enricher() });
  for (let i = 0; i < 30; i++) busy.observe(event(T0 + i * 600_000, "old", "198.51.100.9", `Any tips for my garden this week? (${i})`));
  assert.deepEqual(busy.forgetIdle(T0 + 10 * HOUR), ["old"]);
  assert.equal(busy.stats().accounts, 0);
  const fresh = new Engine({ enricher: enricher() });
  for (const e of [busy, fresh]) for (let i = 0; i < 3; i++) e.observe(event(T0 + 11 * HOUR + i * 600_000, "new", "203.0.113.5", `What is a good name for a cat? (${i})`));
  assert.deepEqual(strip(busy.assess("new")), strip(fresh.assess("new")));
  assert.equal(busy.assess("old").exchanges, 0);
});

test("with a budget, each call looks at that many accounts, the next goes on from there, and a pass forgets what it found at its end", () => {
  const engine = new Engine({ enricher: enricher() });
  for (let i = 0; i < 10; i++) engine.observe(event(T0 + i * 1000, `u${i}`, `203.0.113.${i + 1}`, `note number ${i * 31}`));
  const before = T0 + HOUR;
  const calls = [engine.forgetIdle(before, 3), engine.forgetIdle(before, 3)];
  // An account seen meanwhile is looked at too (after the others), but it is not idle.
  engine.observe(event(T0 + 2 * HOUR, "late", "203.0.113.99", "a late note"));
  calls.push(engine.forgetIdle(before, 3), engine.forgetIdle(before, 3), engine.forgetIdle(before, 3));
  assert.deepEqual(
    calls.map((c) => c.length),
    [0, 0, 0, 10, 0],
  );
  assert.deepEqual(calls.flat().sort(), Array.from({ length: 10 }, (_, i) => `u${i}`).sort());
  assert.equal(engine.stats().accounts, 1);
  // Without a budget, one call looks at everyone, wherever the last budgeted call stopped.
  engine.observe(event(T0 + 3 * HOUR, "v", "203.0.113.98", "another note"));
  engine.forgetIdle(before, 1);
  assert.deepEqual(engine.forgetIdle(T0 + 10 * HOUR).sort(), ["late", "v"]);
});

test("an account found idle that comes back before the pass ends is not forgotten", () => {
  const engine = new Engine({ enricher: enricher() });
  for (let i = 0; i < 4; i++) engine.observe(event(T0 + i * 1000, `u${i}`, `203.0.113.${i + 1}`, `note number ${i * 31}`));
  const before = T0 + HOUR;
  assert.deepEqual(engine.forgetIdle(before, 2), []);
  // u0 was found idle in the first slice; it comes back before the pass ends.
  engine.observe(event(T0 + 2 * HOUR, "u0", "203.0.113.1", "back again"));
  assert.deepEqual(engine.forgetIdle(before, 5).sort(), ["u1", "u2", "u3"]);
  assert.equal(engine.assess("u0").exchanges, 2);
});
