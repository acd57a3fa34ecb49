/**
 * Shared simulation context: time span, text source, address pools, model line-up, request ids,
 * and the daily rhythms people (and orchestrators) follow.
 */
import type { Scenario } from "./scenario-schema.ts";
import type { TextSource } from "./text/text-source.ts";
import type { IpPool } from "./net/ip-pool.ts";
import { hash32, type Rng } from "./rng.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Which models exist when; campaigns switch fast, ordinary users adopt a new model slowly. */
export class ModelPlan {
  readonly current: readonly string[];
  readonly newModel: string | null;
  readonly releaseAt: number;
  private readonly weights: readonly (readonly [string, number])[];

  constructor(scenario: Scenario, start: number) {
    this.current = scenario.models.current;
    this.newModel = scenario.models.new_model?.name ?? null;
    this.releaseAt = scenario.models.new_model === undefined ? Infinity : start + scenario.models.new_model.release_day * DAY;
    // Most traffic goes to the first-listed model.
    this.weights = this.current.map((m, i) => [m, i === 0 ? 6 : 3 / i] as const);
  }

  /** A model an ordinary user picks at time t (adoption of a new model ramps up over ~a week to 35%). */
  legit(rng: Rng, t: number, preferred?: string): string {
    if (this.newModel !== null && t >= this.releaseAt) {
      const days = (t - this.releaseAt) / DAY;
      if (rng.chance(Math.min(0.35, 0.05 * days))) return this.newModel;
    }
    return preferred ?? rng.weighted(this.weights);
  }

  /** The n-th current model (clamped), for clients pinned to one model. */
  pinned(index: number): string {
    return this.current[Math.min(index, this.current.length - 1)] ?? "claude-sonnet-4";
  }
}

/** The world every actor sees. */
export interface SimEnv {
  readonly scenario: Scenario;
  readonly start: number;
  readonly end: number;
  readonly text: TextSource;
  readonly ips: IpPool;
  readonly models: ModelPlan;
  /** Shared Tor exit addresses (privacy users pick from them). */
  readonly torExits: readonly string[];
  nextRequestId(): string;
}

/** Request ids look random but come from a counter, so they are unique and deterministic. */
export function requestIdFactory(seed: number): () => string {
  let n = 0;
  return () => {
    n++;
    const a = hash32(String(n), seed).toString(16).padStart(8, "0");
    const b = hash32(String(n), seed ^ 0x5bd1e995).toString(16).padStart(8, "0");
    return `req_${a}${b}${n.toString(36)}`;
  };
}

// Share of a person's daily activity by local hour (0..23), shaped like real chat traffic:
// a trough at 3-6, a morning rise, a working-day plateau and an evening peak.
const HUMAN = [0.25, 0.15, 0.1, 0.07, 0.06, 0.08, 0.2, 0.45, 0.8, 1.1, 1.3, 1.4, 1.3, 1.35, 1.45, 1.45, 1.4, 1.35, 1.4, 1.6, 1.75, 1.7, 1.3, 0.7];
const WORK = [0, 0, 0, 0, 0, 0, 0.05, 0.4, 1.6, 2.6, 2.8, 2.5, 1.6, 2.3, 2.7, 2.7, 2.4, 1.7, 0.5, 0.15, 0.05, 0, 0, 0];
function normalise(a: readonly number[]): number[] {
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  return a.map((x) => x / mean);
}
const HUMAN_N = normalise(HUMAN);
const WORK_N = normalise(WORK);

function localHour(t: number, utcOffset: number): number {
  const h = Math.floor((t / HOUR + utcOffset) % 24);
  return h < 0 ? h + 24 : h;
}

/** Day of week in local time, 0 = Sunday. */
export function localWeekday(t: number, utcOffset: number): number {
  return new Date(t + utcOffset * HOUR).getUTCDay();
}

/** Relative activity (mean 1 over a day) of a person at time t. Weekends a little quieter. */
export function humanWeight(t: number, utcOffset: number): number {
  const wd = localWeekday(t, utcOffset);
  return (HUMAN_N[localHour(t, utcOffset)] ?? 1) * (wd === 0 || wd === 6 ? 0.8 : 1.05);
}

/** Relative activity of office work: weekdays, working hours only (mean ~1 over a working week). */
export function workWeight(t: number, utcOffset: number): number {
  const wd = localWeekday(t, utcOffset);
  if (wd === 0 || wd === 6) return 0.03;
  return (WORK_N[localHour(t, utcOffset)] ?? 0) * 1.35;
}
