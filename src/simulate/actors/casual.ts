/**
 * Casual users and privacy-minded users: ordinary multi-turn chat with a daily rhythm in their own
 * time zone, heavy-tailed volume, a home address (casual) or VPN / Tor / Private Relay (privacy).
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { RESIDENTIAL_BY_COUNTRY, MOBILE_BY_COUNTRY, PRIVATE_RELAY, USER_COUNTRIES, UTC_OFFSET, VPN } from "../net/asn-catalog.ts";
import { DISPOSABLE_MAIL, freeMailDomain, paymentFingerprint, person, realisticLocalPart } from "../identity.ts";
import type { Rng } from "../rng.ts";
import { humanWeight, type SimEnv } from "../world.ts";
import { RhythmActor, type Actor } from "./actor.ts";
import { accountRecord, clientProfile, conversation, createdBefore, humanParams, humanStatus } from "./common.ts";

/** A residential address in the user's country (falls back to US ISPs). */
export function homeIp(env: SimEnv, rng: Rng, country: string, v6Share = 0.15): string {
  return env.ips.from(RESIDENTIAL_BY_COUNTRY[country] ?? RESIDENTIAL_BY_COUNTRY["US"] ?? [7922], rng, v6Share);
}

function mobileIp(env: SimEnv, rng: Rng, country: string): string {
  const asns = MOBILE_BY_COUNTRY[country];
  return asns === undefined ? homeIp(env, rng, country, 0.3) : env.ips.from(asns, rng, 0.4);
}

/** What an ordinary person opens a conversation with. */
function opening(env: SimEnv, rng: Rng): { text: string; kind: "chat" | "reasoning" | "code" } {
  const r = rng.next();
  if (r < 0.74) return { text: env.text.chatOpening(rng), kind: "chat" };
  if (r < 0.84) return { text: env.text.devQuestion(rng), kind: "code" };
  if (r < 0.92) {
    const q = env.text.math(rng);
    // People ask for explanations too; "step by step" is not only an attacker's phrase.
    return { text: rng.chance(0.4) ? `${q} Can you explain how to solve it step by step?` : q, kind: "reasoning" };
  }
  return { text: env.text.code(rng), kind: "code" };
}

type Mode = "home" | "vpn" | "tor" | "relay";

function build(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number, privacy: boolean): Actor[] {
  const actors: Actor[] = [];
  const label = privacy ? "benign:privacy" : "benign:casual";
  const median = (cfg.rate ?? (privacy ? 3 : 3)) * rateScale;
  const disposableShare = cfg.kind === "privacy" ? cfg.disposable_share : 0;
  for (let i = 0; i < count; i++) {
    const r = rng.fork(label, i);
    const country = r.weighted(USER_COUNTRIES);
    const offset = (UTC_OFFSET[country] ?? 0) + r.pick([-1, 0, 0, 0, 1]);
    const mode: Mode = privacy ? r.weighted([["vpn", 5], ["tor", 2], ["relay", 3]] as const) : "home";
    const home = homeIp(env, r, country);
    const sessionIp = (): string => {
      switch (mode) {
        case "vpn":
          return env.ips.from(VPN, r);
        case "tor":
          return r.pick(env.torExits);
        case "relay":
          return env.ips.from(PRIVATE_RELAY, r, 0.6);
        default:
          return r.chance(0.22) ? mobileIp(env, r, country) : home;
      }
    };
    const p = person(r);
    const email = privacy
      ? r.chance(disposableShare)
        ? `${realisticLocalPart(r, p)}${r.int(1, 999)}@${r.pick(DISPOSABLE_MAIL)}`
        : `${r.hex(10)}@${r.pick(["protonmail.com", "proton.me", "privaterelay.appleid.com", "tutanota.com"])}`
      : `${realisticLocalPart(r, p)}@${freeMailDomain(r)}`;
    const account = accountRecord(env, r, {
      createdAt: createdBefore(env, r, 1, 900),
      email,
      country,
      payment: r.chance(0.7) ? paymentFingerprint(r) : undefined,
      verified: r.chance(0.15),
      signupIp: sessionIp(),
      tier: "standard",
    });
    const client = clientProfile(r, [["openai-py", 3], ["anthropic-py", 3], ["openai-js", 1], ["anthropic-js", 1], ["browser", 2], ["requests", 1]]);
    const params = humanParams(r);
    const preferred = r.chance(0.5) ? env.models.pinned(r.int(0, 2)) : undefined;
    const rate = r.lognormal(median, 1.1);
    actors.push(
      new RhythmActor({
        account,
        label,
        rng: r,
        from: env.start,
        to: env.end,
        rate,
        activeDayProb: r.float(0.2, 0.9),
        daySigma: 0.6,
        weight: (t) => humanWeight(t, offset),
        meanTurns: 2.4,
        session: (t, emit) => {
          const o = opening(env, r);
          const ip = sessionIp();
          conversation(
            {
              env,
              rng: r,
              account,
              client,
              params,
              model: env.models.legit(r, t, preferred),
              opening: o.text,
              kind: o.kind,
              turns: r.geometric(2.4),
              followUp: () => env.text.chatFollowUp(r),
              gapSeconds: 60,
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

/** Casual users: chat, advice, writing help, the odd homework or code question. */
export function casualActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  return build(cfg, env, rng, count, rateScale, false);
}

/** Privacy users: VPN, Tor or iCloud Private Relay addresses that change per session, some disposable e-mail. */
export function privacyActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  return build(cfg, env, rng, count, rateScale, true);
}
