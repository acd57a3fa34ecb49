/**
 * The simulation loop. Time advances one window (an hour of simulated time) at a time: every actor
 * emits the exchanges it starts in the window, the window's lines are sorted and handed out, and only
 * exchanges that spill past the window (later turns of a conversation, late writes) are carried over.
 * Memory is therefore bounded by a window, not by the event count.
 */
import type { TrafficEvent } from "../core/model/traffic.ts";
import type { Actor } from "./actors/actor.ts";
import type { Rng } from "./rng.ts";
import { HOUR } from "./world.ts";

export interface SimulateOptions {
  readonly start: number;
  readonly end: number;
  /** Share of lines written up to a few minutes late (several gateways). */
  readonly outOfOrder: number;
  /** Malformed lines to sprinkle over the run. */
  readonly badLines: number;
  readonly rng: Rng;
  readonly windowMs?: number;
}

/** One window's output, in write order. */
export interface WindowOutput {
  readonly windowEnd: number;
  readonly lines: readonly string[];
  /** Exchanges (good lines) in this output, per actor label. */
  readonly perLabel: ReadonlyMap<string, number>;
  readonly badLines: number;
}

interface Pending {
  /** Write key: event time, or later for a late write. */
  readonly k: number;
  readonly line: string;
  readonly label: string;
}

/** A malformed line of one of the kinds the contract says readers must count and survive. */
export function badLine(rng: Rng, t: number, example: string | undefined): string {
  switch (rng.int(0, 4)) {
    case 0:
      return (example ?? `{"ts":"${new Date(t).toISOString()}","account_id":"acct_x"`).slice(0, 40);
    case 1:
      return "upstream connection reset; retrying";
    case 2:
      return JSON.stringify({ ts: new Date(t).toISOString(), request_id: `req_${rng.hex(12)}`, status: 502 });
    case 3:
      return JSON.stringify({ ts: "yesterday-ish", account_id: `acct_${rng.hex(14)}`, prompt: "hi" });
    default:
      return JSON.stringify([new Date(t).toISOString(), "acct", 200]);
  }
}

/**
 * Runs actors over [start, end) and yields each window's lines. Deterministic for the given RNG and
 * actors. Lines for exchanges that start before `end` but run past it are flushed in the last window.
 */
export function* simulate(actors: readonly Actor[], o: SimulateOptions): Generator<WindowOutput> {
  const w = o.windowMs ?? HOUR;
  const late = o.rng.fork("late");
  const bad = o.rng.fork("bad");
  const badTimes = Array.from({ length: o.badLines }, () => o.start + bad.next() * (o.end - o.start)).sort((a, b) => a - b);
  let badIdx = 0;
  let pending: Pending[] = [];
  // Actors sorted by when they start, so the loop can skip those not yet active cheaply.
  const order = actors.slice().sort((a, b) => a.from - b.from);
  for (let t0 = o.start; t0 < o.end; t0 += w) {
    const t1 = Math.min(o.end, t0 + w);
    const last = t1 >= o.end;
    for (const a of order) {
      if (a.from >= t1) break;
      if (a.to <= t0) continue;
      const label = a.label;
      a.step(t0, t1, (t: number, ev: TrafficEvent) => {
        const k = o.outOfOrder > 0 && late.chance(o.outOfOrder) ? t + late.float(5_000, 300_000) : t;
        pending.push({ k, line: JSON.stringify(ev), label });
      });
    }
    pending.sort((a, b) => a.k - b.k);
    let cut = pending.length;
    if (!last) {
      cut = 0;
      while (cut < pending.length && (pending[cut] as Pending).k < t1) cut++;
    }
    const lines: string[] = [];
    const perLabel = new Map<string, number>();
    let nBad = 0;
    for (let i = 0; i < cut; i++) {
      const p = pending[i] as Pending;
      while (badIdx < badTimes.length && (badTimes[badIdx] as number) <= p.k) {
        lines.push(badLine(bad, badTimes[badIdx] as number, p.line));
        badIdx++;
        nBad++;
      }
      lines.push(p.line);
      perLabel.set(p.label, (perLabel.get(p.label) ?? 0) + 1);
    }
    if (last) {
      for (; badIdx < badTimes.length; badIdx++, nBad++) lines.push(badLine(bad, badTimes[badIdx] as number, undefined));
    }
    pending = pending.slice(cut);
    yield { windowEnd: t1, lines, perLabel, badLines: nBad };
  }
}
