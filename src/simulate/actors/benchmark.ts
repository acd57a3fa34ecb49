/**
 * Benchmark and evaluation runs: a verified account sends thousands of math and code problems from a
 * fixed public set, each wrapped in "think step by step", at a steady high rate for a few hours,
 * sometimes several samples per problem (pass@k). Between runs: light ordinary use.
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { HOSTING } from "../net/asn-catalog.ts";
import { companyDomain, paymentFingerprint, person, realisticLocalPart } from "../identity.ts";
import type { Params } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { HOUR, humanWeight, type SimEnv } from "../world.ts";
import { RhythmActor, emitExchange, type Actor, type Emit } from "./actor.ts";
import type { AccountRecord } from "../../core/model/traffic.ts";
import { accountRecord, clientProfile, conversation, createdBefore, humanParams, outputTokens } from "./common.ts";

const FORMATS = [
  (p: string) => `Question: ${p}\nLet's think step by step.`,
  (p: string) => `${p}\nPlease reason step by step, and put your final answer within \\boxed{}.`,
  (p: string) => `Solve the following problem. Show your reasoning, then give the final answer on its own line as "Answer: <answer>".\n\n${p}`,
];

interface Run {
  readonly start: number;
  readonly end: number;
  readonly n: number;
}

class BenchmarkActor implements Actor {
  readonly label = "benign:benchmark";
  readonly from: number;
  readonly to: number;
  private readonly background: RhythmActor;

  constructor(
    readonly account: AccountRecord,
    private readonly env: SimEnv,
    private readonly r: Rng,
    private readonly runs: readonly Run[],
    private readonly problems: readonly string[],
    private readonly samples: number,
    private readonly runIp: string,
    background: RhythmActor,
    private readonly harness: { client: Parameters<typeof emitExchange>[4]; params: Params; format: (p: string) => string; model: string },
  ) {
    this.from = env.start;
    this.to = env.end;
    this.background = background;
  }

  step(t0: number, t1: number, emit: Emit): void {
    this.background.step(t0, t1, emit);
    for (const run of this.runs) {
      if (run.end <= t0 || run.start >= t1) continue;
      const gap = (run.end - run.start) / run.n;
      const first = Math.max(0, Math.ceil((t0 - run.start) / gap));
      const last = Math.min(run.n - 1, Math.ceil((t1 - run.start) / gap) - 1);
      for (let i = first; i <= last; i++) {
        const t = run.start + i * gap + this.r.float(0, gap);
        const problem = this.problems[Math.floor(i / this.samples) % this.problems.length] ?? "";
        const h = this.harness;
        emitExchange(this.env, emit, this.r, this.account, h.client, this.runIp, Math.round(t), {
          model: h.model,
          messages: [{ role: "user", text: h.format(problem) }],
          params: h.params,
          outputTokens: outputTokens(this.r, "reasoning", h.params),
          // Eval harnesses push concurrency until they see the odd 429, then back off.
          status: this.r.chance(0.01) ? 429 : 200,
        });
      }
    }
  }
}

/** Benchmark accounts; all of one persona entry run the same public problem set. */
export function benchmarkActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  if (cfg.kind !== "benchmark") throw new Error("benchmarkActors needs a benchmark persona");
  const setRng = rng.fork("benchmark-set");
  const problems = Array.from({ length: Math.max(1, Math.round(cfg.problems_per_run * rateScale)) }, () =>
    setRng.chance(0.65) ? env.text.math(setRng) : env.text.code(setRng),
  );
  const actors: Actor[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork("benchmark", i);
    const p = person(r);
    const domain = companyDomain(r);
    const ip = env.ips.from(HOSTING[r.pick(["gcp", "aws", "azure"])] ?? [15169], r);
    const account = accountRecord(env, r, {
      createdAt: createdBefore(env, r, 20, 700),
      email: `${realisticLocalPart(r, p)}@${domain}`,
      country: r.pick(["US", "GB", "DE", "CA", "FR"]),
      payment: paymentFingerprint(r),
      orgId: `org_${r.hex(10)}`,
      verified: true,
      signupIp: ip,
      tier: r.chance(0.5) ? "scale" : "standard",
    });
    const client = clientProfile(r, [["openai-py", 3], ["httpx", 2], ["anthropic-py", 2]]);
    const params: Params = { maxTokens: r.pick([4096, 8192, 16000]), temperature: cfg.samples > 1 ? 0.7 : 0, ...(r.chance(0.3) ? { topP: 0.95 } : {}) };
    const runs: Run[] = [];
    const span = env.end - env.start;
    for (let k = 0; k < cfg.runs_per_account; k++) {
      const hours = r.float(cfg.run_hours[0], cfg.run_hours[1]);
      const start = env.start + r.next() * Math.max(0, span - hours * HOUR);
      runs.push({ start, end: start + hours * HOUR, n: Math.max(1, Math.round(cfg.problems_per_run * cfg.samples * rateScale)) });
    }
    const background = new RhythmActor({
      account,
      label: "benign:benchmark",
      rng: r.fork("background"),
      from: env.start,
      to: env.end,
      rate: (cfg.rate ?? 4) * rateScale,
      activeDayProb: 0.7,
      daySigma: 0.5,
      weight: (t) => humanWeight(t, -5),
      meanTurns: 2,
      session: (t, emit) =>
        conversation(
          {
            env,
            rng: r,
            account,
            client,
            params: humanParams(r),
            model: env.models.legit(r, t),
            opening: env.text.devQuestion(r),
            kind: "code",
            turns: r.geometric(2),
            followUp: () => env.text.chatFollowUp(r),
            gapSeconds: 60,
            ip: () => ip,
          },
          t,
          emit,
        ),
    });
    const harness = { client, params, format: r.pick(FORMATS), model: env.models.pinned(r.int(0, 2)) };
    actors.push(new BenchmarkActor(account, env, r, runs, problems, cfg.samples, ip, background, harness));
  }
  return actors;
}
