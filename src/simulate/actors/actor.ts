/**
 * An actor is one simulated account: it knows its account record and label, and emits the exchanges
 * it starts in a time slice. `RhythmActor` covers the common case: sessions arriving as a Poisson
 * process whose rate follows a daily rhythm, with some days off and heavy-tailed volume.
 */
import type { AccountRecord, TrafficEvent } from "../../core/model/traffic.ts";
import { exchangeFields, type Api, type ExchangeSpec } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { DAY, HOUR, type SimEnv } from "../world.ts";

/** Receives one generated exchange at event time t (epoch ms). */
export type Emit = (t: number, event: TrafficEvent) => void;

export interface Actor {
  readonly account: AccountRecord;
  /** Ground truth for evaluation: `benign:<persona>` or `attack:<campaign>`. */
  readonly label: string;
  /** Time window (ms) in which the actor may start exchanges. */
  readonly from: number;
  readonly to: number;
  /** Emits the exchanges that start in [t0, t1); later turns of a session may fall after t1. */
  step(t0: number, t1: number, emit: Emit): void;
}

/** How an account's client talks to the API. */
export interface ClientProfile {
  readonly api: Api;
  readonly userAgent: string;
  /** Sends user text as content blocks. */
  readonly blocks: boolean;
  readonly keys: readonly string[];
}

/** Builds the full event (contract §1 field order) and emits it. */
export function emitExchange(
  env: SimEnv,
  emit: Emit,
  rng: Rng,
  account: AccountRecord,
  client: ClientProfile,
  ip: string,
  t: number,
  spec: Omit<ExchangeSpec, "api" | "blocks">,
): void {
  const f = exchangeFields(Object.assign({}, spec, { api: client.api, blocks: client.blocks }), rng);
  const event: TrafficEvent = {
    ts: new Date(t).toISOString(),
    request_id: env.nextRequestId(),
    account_id: account.account_id,
    api_key_id: client.keys.length === 1 ? (client.keys[0] as string) : rng.pick(client.keys),
    ...(account.org_id === undefined ? {} : { org_id: account.org_id }),
    ip,
    user_agent: client.userAgent,
    ...f,
  };
  emit(t, event);
}

/** Key ids of an account: most have one key, some several. */
export function apiKeys(rng: Rng): string[] {
  const n = rng.weighted([[1, 7], [2, 2], [3, 1]] as const);
  return Array.from({ length: n }, () => `key_${rng.hex(12)}`);
}

export interface RhythmOptions {
  readonly account: AccountRecord;
  readonly label: string;
  readonly rng: Rng;
  readonly from: number;
  readonly to: number;
  /** Mean exchanges on an active day. */
  readonly rate: number;
  /** Probability that the account is used at all on a given day. */
  readonly activeDayProb: number;
  /** Log-space day-to-day variation of the volume. */
  readonly daySigma: number;
  /** Relative activity at time t, mean about 1 over a day. */
  readonly weight: (t: number) => number;
  /** Mean exchanges per session, to turn an exchange rate into a session rate. */
  readonly meanTurns: number;
  /** Resolution of the rhythm (an hour, or minutes for orchestrated waves). */
  readonly sliceMs?: number;
  /** Starts one session at t, emitting each of its exchanges. */
  readonly session: (t: number, emit: Emit) => void;
}

/** A Poisson session process shaped by a daily rhythm. */
export class RhythmActor implements Actor {
  readonly account: AccountRecord;
  readonly label: string;
  readonly from: number;
  readonly to: number;
  private day = -1;
  private dayRate = 0;

  constructor(private readonly o: RhythmOptions) {
    this.account = o.account;
    this.label = o.label;
    this.from = o.from;
    this.to = o.to;
  }

  step(t0: number, t1: number, emit: Emit): void {
    const o = this.o;
    const slice = o.sliceMs ?? HOUR;
    const a = Math.max(t0, this.from);
    const b = Math.min(t1, this.to);
    for (let s = Math.floor(a / slice) * slice; s < b; s += slice) {
      const lo = Math.max(s, a);
      const hi = Math.min(s + slice, b);
      if (hi <= lo) continue;
      const day = Math.floor(lo / DAY);
      if (day !== this.day) {
        this.day = day;
        this.dayRate = o.rng.chance(o.activeDayProb) ? o.rate * Math.exp(o.rng.normal(0, o.daySigma) - (o.daySigma * o.daySigma) / 2) : 0;
      }
      if (this.dayRate === 0) continue;
      const lambda = ((this.dayRate / o.meanTurns) * o.weight((lo + hi) / 2) * (hi - lo)) / DAY;
      const n = o.rng.poisson(lambda);
      for (let i = 0; i < n; i++) o.session(lo + o.rng.next() * (hi - lo), emit);
    }
  }
}
