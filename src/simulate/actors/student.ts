/**
 * Students in a course: accounts signed up together, on one campus network, using the course's starter
 * code (same SDK, same parameters), all asking the same homework problems step by step, in a burst
 * before the deadline. The hardest legitimate look-alike for a coordinated reasoning-extraction campaign.
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { UNIVERSITIES, UTC_OFFSET } from "../net/asn-catalog.ts";
import { person, userAgent } from "../identity.ts";
import { IpPool } from "../net/ip-pool.ts";
import type { Params } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { DAY, HOUR, humanWeight, type SimEnv } from "../world.ts";
import { RhythmActor, apiKeys, type Actor, type ClientProfile } from "./actor.ts";
import { accountRecord, clientProfile, conversation, humanParams, humanStatus } from "./common.ts";
import { homeIp } from "./casual.ts";

const ASK = [
  (p: string) => `Can you explain step by step how to solve this? ${p}`,
  (p: string) => `I'm stuck on this homework question: ${p} Please show your work so I understand the method.`,
  (p: string) => `${p}\nLet's think step by step.`,
  (p: string) => `how do i do this one?? ${p}`,
  (p: string) => `Question ${"{n}"} from our problem set: ${p} What's the first step?`,
];
const FOLLOW = [
  "I don't get step 2, why do we divide there?",
  "is the answer {a}?",
  "can you check my working? I got {a}",
  "ok that makes sense. what about the next part?",
  "why can't I just multiply?",
  "can you explain it more simply",
  "thanks!! one more question about the same problem",
];

/** Student accounts, split evenly across `courses` courses at different universities. */
export function studentActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  if (cfg.kind !== "student") throw new Error("studentActors needs a student persona");
  const actors: Actor[] = [];
  const courses = Math.min(cfg.courses, count);
  const median = (cfg.rate ?? 12) * rateScale;
  const days = env.scenario.days;
  for (let c = 0; c < courses; c++) {
    const cr = rng.fork("course", c);
    const uni = UNIVERSITIES[c % UNIVERSITIES.length] ?? UNIVERSITIES[0];
    if (uni === undefined) break;
    const offset = UTC_OFFSET[uni.country] ?? 0;
    // The campus NAT: a handful of addresses in one /24.
    const natBase = env.ips.inAsn(uni.asn, cr);
    const nat = Array.from({ length: cr.int(2, 4) }, () => IpPool.sibling24(natBase, cr));
    const deadlineDay = cfg.deadline_day ?? Math.min(days - 0.1, Math.max(0.5, days * cr.float(0.55, 0.9)));
    // Deadlines fall at 23:59 local time on the deadline day.
    const deadline = Math.floor((env.start + deadlineDay * DAY) / DAY) * DAY + (24 - offset) * HOUR - 60_000;
    const problems = Array.from({ length: cr.int(8, 12) }, () => (cr.chance(0.7) ? env.text.math(cr) : env.text.code(cr)));
    const signupDay = env.start - cr.int(10, 40) * DAY + cr.int(14, 17) * HOUR;
    const starter = clientProfile(cr, [["openai-py", 3], ["anthropic-py", 2]]);
    const starterParams: Params = { maxTokens: 2048, temperature: 0.7 };
    const model = env.models.pinned(cr.int(0, 1));
    const n = Math.floor(count / courses) + (c < count % courses ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const r = cr.fork("student", i);
      const p = person(r);
      const account = accountRecord(env, r, {
        // The whole class signs up in the same lecture.
        createdAt: signupDay + r.int(0, 150) * 60_000,
        email: `${p.first}.${p.last}${r.chance(0.3) ? r.int(1, 9) : ""}@${uni.domain}`,
        country: uni.country,
        verified: false,
        signupIp: r.pick(nat),
        tier: "education",
      });
      const usesStarter = r.chance(0.8);
      const client: ClientProfile = usesStarter
        ? Object.assign({}, starter, { keys: apiKeys(r) })
        : Object.assign({}, clientProfile(r, [["openai-py", 1], ["anthropic-py", 1], ["browser", 1]]), { userAgent: userAgent(r, "browser") });
      const params = usesStarter ? starterParams : humanParams(r);
      const home = homeIp(env, r, uni.country);
      let progress = r.int(0, 2);
      actors.push(
        new RhythmActor({
          account,
          label: "benign:student",
          rng: r,
          from: env.start,
          to: env.end,
          rate: r.lognormal(median, 0.7),
          activeDayProb: 0.9,
          daySigma: 0.3,
          // Activity builds up over the last two days and peaks the evening before the deadline.
          weight: (t) => {
            const left = (deadline - t) / HOUR;
            const rush = left > 0 ? 0.25 + 3.5 * Math.exp(-left / 20) : 0.15;
            return rush * humanWeight(t, offset);
          },
          meanTurns: 3,
          session: (t, emit) => {
            progress = Math.min(problems.length - 1, progress + (r.chance(0.5) ? 1 : 0));
            const k = r.chance(0.8) ? progress : r.int(0, problems.length - 1);
            const problem = problems[k] ?? "";
            const ask = r.pick(ASK)(problem).replace("{n}", String(k + 1));
            const ip = r.chance(0.7) ? r.pick(nat) : home;
            conversation(
              {
                env,
                rng: r,
                account,
                client,
                params,
                model,
                opening: ask,
                kind: "reasoning",
                turns: r.geometric(3),
                followUp: () => r.pick(FOLLOW).replace("{a}", String(r.int(2, 400))),
                gapSeconds: 90,
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
  }
  return actors;
}
