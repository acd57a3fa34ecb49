/**
 * Enterprises: hundreds of accounts of one organisation, provisioned in bulk, behind one NAT address,
 * all going through one internal app (same system prompt, same client, same parameters), paid by one
 * invoice, active in office hours. Shared infrastructure and payment, yet entirely legitimate.
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { BUSINESS } from "../net/asn-catalog.ts";
import { IpPool } from "../net/ip-pool.ts";
import { companyDomain, paymentFingerprint, person, userAgent } from "../identity.ts";
import type { Params } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { DAY, HOUR, workWeight, type SimEnv } from "../world.ts";
import { RhythmActor, apiKeys, type Actor, type ClientProfile } from "./actor.ts";
import { accountRecord, conversation, humanStatus } from "./common.ts";

const ORGS = [
  { name: "Northwind Logistics", bot: "Atlas", country: "US", offset: -5 },
  { name: "Helvetia Versicherungen", bot: "Vera", country: "DE", offset: 2 },
  { name: "Sakura Retail Group", bot: "Hikari", country: "JP", offset: 9 },
  { name: "Maple Health Partners", bot: "Remy", country: "CA", offset: -4 },
  { name: "Iberia Components", bot: "Lola", country: "ES", offset: 2 },
];

/** Enterprise accounts split across `orgs` organisations. */
export function enterpriseActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  if (cfg.kind !== "enterprise") throw new Error("enterpriseActors needs an enterprise persona");
  const actors: Actor[] = [];
  const orgs = Math.min(cfg.orgs, count);
  const median = (cfg.rate ?? 8) * rateScale;
  for (let o = 0; o < orgs; o++) {
    const or = rng.fork("org", o);
    const org = ORGS[o % ORGS.length] ?? ORGS[0];
    if (org === undefined) break;
    const orgId = `org_${or.hex(10)}`;
    const domain = companyDomain(or);
    const nat = env.ips.from(BUSINESS, or);
    const natPool = [nat, IpPool.sibling24(nat, or)];
    const payment = paymentFingerprint(or);
    const system =
      `You are ${org.bot}, the internal assistant of ${org.name}. Answer questions from employees about company processes, ` +
      `draft documents and emails, and help with data queries. Be concise and professional. Never share confidential ` +
      `customer data outside the company. If unsure about a policy, tell the employee to contact HR or their manager.`;
    const sdk = or.chance(0.5) ? "openai-py" : "anthropic-py";
    const client: ClientProfile = { api: sdk === "openai-py" ? "openai" : "anthropic", userAgent: userAgent(or, sdk), blocks: false, keys: [] };
    const params: Params = { maxTokens: 2048, temperature: 0.3 };
    const model = env.models.pinned(0);
    // Accounts are provisioned by the IT department in a few bulk imports.
    const imports = Array.from({ length: or.int(1, 3) }, () => env.start - or.int(30, 500) * DAY + or.int(9, 16) * HOUR);
    const n = Math.floor(count / orgs) + (o < count % orgs ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const r = or.fork("employee", i);
      const p = person(r);
      const account = accountRecord(env, r, {
        createdAt: r.pick(imports) + r.int(0, 40) * 1000,
        email: `${p.first}.${p.last}${r.chance(0.1) ? r.int(2, 9) : ""}@${domain}`,
        country: org.country,
        payment,
        orgId,
        verified: true,
        signupIp: nat,
        tier: "enterprise",
      });
      const own: ClientProfile = Object.assign({}, client, { keys: apiKeys(r) });
      actors.push(
        new RhythmActor({
          account,
          label: "benign:enterprise",
          rng: r,
          from: env.start,
          to: env.end,
          rate: r.lognormal(median, 0.8),
          activeDayProb: 0.85,
          daySigma: 0.5,
          weight: (t) => workWeight(t, org.offset),
          meanTurns: 1.8,
          session: (t, emit) => {
            const ip = r.chance(0.9) ? (natPool[0] as string) : (natPool[1] as string);
            conversation(
              {
                env,
                rng: r,
                account,
                client: own,
                params,
                system,
                model,
                opening: env.text.workTask(r),
                kind: "chat",
                turns: r.geometric(1.8),
                followUp: () => env.text.chatFollowUp(r),
                gapSeconds: 50,
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
