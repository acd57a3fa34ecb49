/**
 * Turns a validated scenario into a world and its actors (pure given the loaded address ranges and
 * text source). `--scale` multiplies account counts; a persona that would drop below one account keeps
 * one account and scales its volume instead, so event counts stay proportional.
 */
import type { Actor } from "./actors/actor.ts";
import { benchmarkActors } from "./actors/benchmark.ts";
import { campaignActors } from "./actors/campaign.ts";
import { casualActors, privacyActors } from "./actors/casual.ts";
import { developerActors } from "./actors/developer.ts";
import { enterpriseActors } from "./actors/enterprise.ts";
import { saasActors } from "./actors/saas.ts";
import { studentActors } from "./actors/student.ts";
import { HOSTING, VPN } from "./net/asn-catalog.ts";
import type { IpPool } from "./net/ip-pool.ts";
import { Rng } from "./rng.ts";
import type { PersonaConfig, Scenario } from "./scenario-schema.ts";
import type { TextSource } from "./text/text-source.ts";
import { DAY, ModelPlan, requestIdFactory, type SimEnv } from "./world.ts";

export interface World {
  readonly env: SimEnv;
  readonly actors: readonly Actor[];
  readonly rng: Rng;
}

/** Scaled account count and the volume factor for groups that cannot shrink below one account. */
export function scaleCount(accounts: number, scale: number): { count: number; rateScale: number } {
  const x = accounts * scale;
  if (x >= 1) return { count: Math.round(x), rateScale: 1 };
  return { count: 1, rateScale: x };
}

type PersonaFactory = (cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number) => Actor[];
const PERSONAS: Readonly<Record<PersonaConfig["kind"], PersonaFactory>> = {
  casual: casualActors,
  privacy: privacyActors,
  developer: developerActors,
  student: studentActors,
  benchmark: benchmarkActors,
  enterprise: enterpriseActors,
  saas: saasActors,
};

/** Builds the environment and every actor of the scenario. */
export function buildWorld(scenario: Scenario, opts: { seed: number; scale: number; text: TextSource; ips: IpPool }): World {
  const rng = Rng.fromSeed(opts.seed);
  const start = Date.parse(scenario.start);
  const end = start + scenario.days * DAY;
  const torRng = rng.fork("tor");
  const torExits = Array.from({ length: 60 }, () => opts.ips.from([...VPN, ...(HOSTING["hetzner"] ?? []), ...(HOSTING["ovh"] ?? [])], torRng));
  const env: SimEnv = {
    scenario,
    start,
    end,
    text: opts.text,
    ips: opts.ips,
    models: new ModelPlan(scenario, start),
    torExits,
    nextRequestId: requestIdFactory(opts.seed),
  };
  const actors: Actor[] = [];
  scenario.personas.forEach((p, i) => {
    const { count, rateScale } = scaleCount(p.accounts, opts.scale);
    actors.push(...PERSONAS[p.kind](p, env, rng.fork(`persona:${p.kind}`, i), count, rateScale));
  });
  for (const c of scenario.campaigns) {
    const { count, rateScale } = scaleCount(c.accounts, opts.scale);
    actors.push(...campaignActors(c, env, rng, count, rateScale));
  }
  return { env, actors, rng };
}
