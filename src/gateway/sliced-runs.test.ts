/**
 * Campaign runs stepped across event-loop turns give the same engine state as runs made at once, feed no
 * exchange while they are under way, and show readers the state before them until their last step.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { Engine } from "../core/engine/engine.ts";
import { resolveEngineConfig } from "../core/engine/config.ts";
import { MemoryEnricher } from "../core/ports/memory-enricher.ts";
import { miniWorld } from "../core/testing/mini-traffic.ts";
import type { AccountRecord, TimedEvent } from "../core/model/traffic.ts";
import type { Assessment } from "../core/engine/types.ts";
import { MemoryStateStore } from "../stores/memory-state-store.ts";
import { DEFAULT_POLICY_YAML } from "./default-policy.ts";
import { LiveDetector } from "./live-detector.ts";
import { Metrics } from "./metrics.ts";
import { OverrideBook } from "./overrides.ts";
import { compilePolicy } from "./policy.ts";
import { timeCampaignRuns } from "./timed-detection.ts";

const world = miniWorld(5, 40, 40, 15, 3);
const enricher = (): MemoryEnricher => new MemoryEnricher(undefined, { "mailbox.example": "disposable", "gmail.com": "free", "uni.edu": "education" });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything a reader can see of the engine: every account's assessment and the campaigns. */
function view(engine: Engine): unknown {
  const ids = world.accounts.map((a) => a.account_id);
  return { accounts: ids.map((id) => engine.assess(id)), campaigns: engine.campaigns() };
}

test("a run in steps, with reads between them, ends in the same state as a run at once", () => {
  const atOnce = new Engine({ enricher: enricher() });
  const stepped = new Engine({ enricher: enricher() });
  for (const e of [atOnce, stepped]) for (const a of world.accounts) e.upsertAccount(a);
  let runs = 0;
  let maxSteps = 0;
  for (const ev of world.events) {
    atOnce.observe(ev);
    if (stepped.runDue(ev.t)) {
      const before = JSON.stringify(view(stepped));
      const steps = stepped.runSteps(ev.t);
      let n = 0;
      while (steps.next().done !== true) {
        n++;
        // Readers see the state before the run until its last step.
        if (n % 7 === 1) assert.equal(JSON.stringify(view(stepped)), before);
      }
      runs++;
      maxSteps = Math.max(maxSteps, n);
    }
    stepped.observe(ev);
  }
  assert.ok(runs > 5, `${runs} runs`);
  assert.ok(maxSteps > 3, `a run took at most ${maxSteps} steps`);
  assert.equal(stepped.runs(), atOnce.runs());
  assert.deepEqual(view(stepped), view(atOnce));
});

/** A live detector on `engine` (runs stepped one step a turn, whatever the machine's speed). */
function liveOn(engine: Engine, metrics: Metrics): LiveDetector {
  const store = new MemoryStateStore();
  return new LiveDetector({
    detection: timeCampaignRuns(engine, metrics.campaignRuns, metrics.campaignRunBlocks),
    store,
    metrics,
    overrides: new OverrideBook(store),
    policy: compilePolicy(parseYaml(DEFAULT_POLICY_YAML)),
    mode: "enforce",
    verificationUrl: "https://verify.example",
    accounts: new Map<string, AccountRecord>(world.accounts.map((a) => [a.account_id, a])),
    engineClock: { now: () => engine.now(), runEveryMs: resolveEngineConfig({}).clusterEveryMs },
    runSliceMs: 0,
  });
}

test("through the live detector, runs are stepped across turns, nothing is fed meanwhile, and the result matches", async () => {
  const reference = new Engine({ enricher: enricher() });
  const engine = new Engine({ enricher: enricher() });
  for (const e of [reference, engine]) for (const a of world.accounts) e.upsertAccount(a);
  for (const ev of world.events) reference.observe(ev);
  const metrics = new Metrics();
  // Every exchange that enters the engine while a run is under way is a fault.
  const running = (): boolean => (engine as unknown as { running: boolean }).running;
  let fedDuringRun = 0;
  for (const name of ["observe", "observeAnalysed"] as const) {
    const inner = engine[name].bind(engine) as (x: never) => Assessment;
    Object.defineProperty(engine, name, { value: (x: never): Assessment => (running() && fedDuringRun++, inner(x)) });
  }
  const detector = liveOn(engine, metrics);
  let decidedDuringRun = 0;
  let i = 0;
  for (const ev of world.events) {
    const during = running();
    const d = detector.observe(ev, null, `r${i}`);
    assert.ok(d.action.length > 0);
    if (during) decidedDuringRun++;
    if (++i % 5 === 0) await turn();
  }
  // Let every run finish and the queue drain, turn by turn.
  for (let k = 0; k < 10_000 && (detector.pending > 0 || metrics.campaignRuns.count < engine.runs()); k++) await turn();
  assert.equal(detector.pending, 0);
  assert.equal(fedDuringRun, 0);
  assert.ok(decidedDuringRun > 0, "requests are decided while a run is under way");
  assert.ok(metrics.campaignRunBlocks.count > 5, `${metrics.campaignRunBlocks.count} stepped runs`);
  assert.equal(engine.runs(), reference.runs());
  const strip = (a: Assessment): unknown => ({ ...a, reasons: a.reasons.map((r) => r.code) });
  for (const rec of world.accounts) assert.deepEqual(strip(engine.assess(rec.account_id)), strip(reference.assess(rec.account_id)), rec.account_id);
  assert.deepEqual(engine.campaigns(), reference.campaigns());
});

test("an exchange the engine cannot analyse starts no run: the run happens at the next one, as in a replay", async () => {
  // The exchange that makes the first run which reports a campaign.
  const probe = new Engine({ enricher: enricher() });
  for (const a of world.accounts) probe.upsertAccount(a);
  let bad: TimedEvent | undefined;
  for (const ev of world.events) {
    if (probe.runDue(ev.t)) {
      probe.advance(ev.t);
      if (probe.campaigns().length > 0) {
        bad = ev;
        break;
      }
    }
    probe.observe(ev);
  }
  assert.ok(bad);
  const reference = new Engine({ enricher: enricher() });
  const engine = new Engine({ enricher: enricher() });
  for (const e of [reference, engine]) for (const a of world.accounts) e.upsertAccount(a);
  for (const ev of world.events) if (ev !== bad) reference.observe(ev);
  const analyse = engine.analyse.bind(engine);
  engine.analyse = (ev) => {
    if (ev === bad) throw new Error("cannot analyse this exchange");
    return analyse(ev);
  };
  const metrics = new Metrics();
  const detector = liveOn(engine, metrics);
  let i = 0;
  for (const ev of world.events) {
    detector.observe(ev, null, `r${i}`);
    if (++i % 5 === 0) await turn();
  }
  for (let k = 0; k < 10_000 && (detector.pending > 0 || metrics.campaignRuns.count < engine.runs()); k++) await turn();
  assert.equal(detector.pending, 0);
  assert.deepEqual(view(engine), view(reference));
});
