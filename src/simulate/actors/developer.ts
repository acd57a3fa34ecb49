/**
 * Developers: coding questions from home or office, some workloads on cloud IPs, coding agents with
 * multi-turn tool loops, and CI jobs that fire bursts of requests from fresh cloud addresses.
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { HOSTING, USER_COUNTRIES, UTC_OFFSET } from "../net/asn-catalog.ts";
import { companyDomain, freeMailDomain, paymentFingerprint, person, realisticLocalPart, userAgent } from "../identity.ts";
import type { Params } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { DAY, HOUR, humanWeight, localWeekday, workWeight, type SimEnv } from "../world.ts";
import { RhythmActor, emitExchange, type Actor, type ClientProfile, type Emit } from "./actor.ts";
import { accountRecord, clientProfile, conversation, createdBefore, humanParams, humanStatus, outputTokens } from "./common.ts";
import { homeIp } from "./casual.ts";
import { CODING_TOOLS, toolLoopHistories } from "./tool-loop.ts";

const AGENT_SYSTEM = "You are a coding agent working in the user's repository. Use the tools to inspect and change files, run the tests, and report what you changed.";

/** One coding-agent session: a task worked through 3-14 tool steps a few seconds apart. */
function agentSession(env: SimEnv, r: Rng, acct: Parameters<typeof emitExchange>[3], client: ClientProfile, params: Params, ip: string, t: number, emit: Emit): void {
  const steps = Math.min(14, 2 + r.geometric(5));
  const task = r.chance(0.7) ? env.text.agenticTask(r) : env.text.devQuestion(r);
  const model = env.models.legit(r, t, env.models.pinned(0));
  let at = t;
  for (const messages of toolLoopHistories(r, task, CODING_TOOLS, steps)) {
    emitExchange(env, emit, r, acct, client, ip, Math.round(at), {
      model,
      system: AGENT_SYSTEM,
      messages,
      tools: CODING_TOOLS,
      params,
      outputTokens: outputTokens(r, "agentic", params),
      status: humanStatus(r),
    });
    at += r.exp(6000) + 1500;
  }
}

/** A CI job: a burst of review / test-generation calls from a fresh runner address. */
function ciBurst(env: SimEnv, r: Rng, acct: Parameters<typeof emitExchange>[3], client: ClientProfile, t: number, emit: Emit): void {
  const ip = env.ips.from(HOSTING["azure"] ?? [8075], r);
  const n = r.int(8, 60);
  const params: Params = { maxTokens: 4096, temperature: 0 };
  let at = t;
  for (let i = 0; i < n; i++) {
    const text = r.chance(0.5) ? `Review this diff and list bugs or risky changes:\n\n${env.text.code(r)}` : `Generate unit tests for the following:\n\n${env.text.code(r)}`;
    emitExchange(env, emit, r, acct, client, ip, Math.round(at), {
      model: env.models.pinned(0),
      messages: [{ role: "user", text }],
      params,
      outputTokens: outputTokens(r, "code", params),
    });
    at += r.exp(4000) + 300;
  }
}

/** Developers, with the shares of cloud workloads, agents and CI from the persona config. */
export function developerActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  if (cfg.kind !== "developer") throw new Error("developerActors needs a developer persona");
  const actors: Actor[] = [];
  const median = (cfg.rate ?? 14) * rateScale;
  for (let i = 0; i < count; i++) {
    const r = rng.fork("developer", i);
    const country = r.weighted([["US", 10], ["IN", 4], ["DE", 3], ["GB", 3], ["CA", 2], ["FR", 2], ["JP", 1], ["BR", 1], ...USER_COUNTRIES.slice(8)]);
    const offset = UTC_OFFSET[country] ?? 0;
    const home = homeIp(env, r, country);
    const provider = r.pick(Object.keys(HOSTING));
    const cloud = r.chance(cfg.cloud_share) ? Array.from({ length: r.int(1, 3) }, () => env.ips.from(HOSTING[provider] ?? [16509], r)) : [];
    const agent = r.chance(cfg.agent_share);
    const ci = r.chance(cfg.ci_share);
    const p = person(r);
    const corporate = r.chance(0.45);
    const account = accountRecord(env, r, {
      createdAt: createdBefore(env, r, 3, 1000),
      email: `${realisticLocalPart(r, p)}@${corporate ? companyDomain(r) : freeMailDomain(r)}`,
      country,
      payment: paymentFingerprint(r),
      verified: r.chance(0.4),
      signupIp: home,
      tier: r.chance(0.15) ? "scale" : "standard",
    });
    const client = clientProfile(r, [["anthropic-py", 4], ["openai-py", 4], ["anthropic-js", 2], ["openai-js", 2], ["httpx", 1], ["curl", 1], ["go", 1]]);
    const agentClient: ClientProfile = Object.assign({}, client, { api: "anthropic" as const, userAgent: userAgent(r, r.chance(0.6) ? "agent-cli" : "anthropic-py") });
    const ciKind = r.chance(0.5) ? "openai-py" : "httpx";
    const ciClient: ClientProfile = Object.assign({}, client, { api: ciKind === "openai-py" ? ("openai" as const) : client.api, userAgent: userAgent(r, ciKind) });
    const params = humanParams(r, 0.3);
    const agentParams: Params = { maxTokens: r.pick([8192, 16000, 32000]), ...(r.chance(0.5) ? { thinkingBudget: r.pick([4000, 8000]) } : {}), stream: true };
    const lastCi = { day: -1 };
    actors.push(
      new RhythmActor({
        account,
        label: "benign:developer",
        rng: r,
        from: env.start,
        to: env.end,
        rate: r.lognormal(median, 1.0),
        activeDayProb: r.float(0.4, 0.95),
        daySigma: 0.7,
        // Developers work office hours and evenings.
        weight: (t) => 0.55 * workWeight(t, offset) + 0.45 * humanWeight(t, offset),
        meanTurns: agent ? 4.5 : 2.2,
        session: (t, emit) => {
          const ip = cloud.length > 0 && r.chance(0.6) ? r.pick(cloud) : home;
          const day = Math.floor(t / DAY);
          const wd = localWeekday(t, offset);
          if (ci && lastCi.day !== day && wd !== 0 && wd !== 6 && r.chance(0.5)) {
            lastCi.day = day;
            ciBurst(env, r, account, ciClient, t + r.float(0, 2 * HOUR), emit);
          }
          if (agent && r.chance(0.6)) {
            agentSession(env, r, account, agentClient, agentParams, ip, t, emit);
            return;
          }
          const code = r.chance(0.6);
          const q = code ? (r.chance(0.5) ? env.text.devQuestion(r) : env.text.code(r)) : env.text.chatOpening(r);
          conversation(
            {
              env,
              rng: r,
              account,
              client,
              params,
              model: env.models.legit(r, t),
              opening: code && r.chance(0.1) ? `${q}\nThink it through step by step.` : q,
              kind: code ? "code" : "chat",
              turns: r.geometric(2.2),
              followUp: () => (r.chance(0.6) ? env.text.devQuestion(r) : env.text.chatFollowUp(r)),
              gapSeconds: 45,
              ip: () => ip,
              status: () => humanStatus(r),
            },
            t,
            emit,
          );
        },
      }),
    );
  }
  return actors;
}
