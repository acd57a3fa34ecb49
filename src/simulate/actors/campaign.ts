/**
 * Attack campaigns. One orchestrator drives every account of a campaign, so the tactics from the
 * scenario (sign-up bursts, proxies, shared payment, waves, model switch, templates, rejection sampling)
 * show up across accounts, while each account alone stays unremarkable.
 */
import type { CampaignConfig } from "../scenario-schema.ts";
import { HOSTING, MOBILE_BY_COUNTRY, USER_COUNTRIES, UTC_OFFSET, VPN } from "../net/asn-catalog.ts";
import { freeMailDomain, generatedEmailScheme, paymentFingerprint, person, realisticLocalPart, userAgent, type ClientKind } from "../identity.ts";
import type { Params } from "../exchange.ts";
import { hash32, type Rng } from "../rng.ts";
import { DAY, HOUR, humanWeight, type SimEnv } from "../world.ts";
import { RhythmActor, apiKeys, emitExchange, type Actor, type ClientProfile, type Emit } from "./actor.ts";
import { accountRecord, conversation, humanParams, outputTokens } from "./common.ts";
import { homeIp } from "./casual.ts";
import { CampaignPrompts } from "./campaign-prompts.ts";
import { CODING_TOOLS, WEB_TOOLS, toolLoopHistories } from "./tool-loop.ts";

/** Agentic campaigns wrap their tool loops in one of these (fixed per campaign); not all use CoT words. */
const AGENT_SYSTEMS = [
  "You are an autonomous agent. Solve the task with the tools available. Think step by step and explain the reasoning behind every action before you take it.",
  "You are an expert software engineer operating in a sandbox. Plan your approach, narrate each decision in detail, then call tools. Never skip the explanation.",
  "You are a helpful assistant with access to tools. Before every tool call, write out your full analysis of the situation and why the call is needed.",
];
const MOBILE_ALL = Object.values(MOBILE_BY_COUNTRY).flat();

/** Orchestrated waves: every `period` hours a burst of `width` minutes, jittered per wave; mean weight 1. */
export function waveWeight(r: Rng): (t: number) => number {
  const period = r.float(2, 4) * HOUR;
  const width = r.float(20, 45) * 60_000;
  const phase = r.next() * period;
  const seed = r.u32();
  const base = 0.15;
  const peak = base + (1 - base) * (period / width);
  return (t: number) => {
    const k = Math.floor((t - phase) / period);
    // A wave's jitter can move it into the neighbouring period, so look at both neighbours.
    for (const w of [k - 1, k, k + 1]) {
      const jitter = ((hash32(String(w), seed) / 4294967296) - 0.5) * 0.3 * period;
      const s = phase + w * period + jitter;
      if (t >= s && t < s + width) return peak;
    }
    return base;
  };
}

interface Lifetimes {
  readonly created: number;
  readonly from: number;
  readonly to: number;
}

/** Sign-up time and active window of account i. */
function lifecycle(cfg: CampaignConfig, r: Rng, i: number, batches: readonly number[], s: number, e: number): Lifetimes {
  const lc = cfg.lifecycle;
  const life = lc.lifetime_days === undefined ? Infinity : r.float(lc.lifetime_days[0], lc.lifetime_days[1]) * DAY;
  if (lc.signup === "aged") {
    const created = s - r.float(lc.age_days[0], lc.age_days[1]) * DAY;
    const from = s + r.next() * Math.min(DAY, (e - s) / 4);
    return { created, from, to: Math.min(e, from + life) };
  }
  if (lc.signup === "spread") {
    const created = s - 2 * DAY + r.next() * (2 * DAY + (e - s) / 4);
    const from = Math.max(s, created + r.float(0.5, 24) * HOUR);
    return { created, from, to: Math.min(e, from + life) };
  }
  const batch = batches[Math.floor(i / lc.batch_size) % batches.length] ?? s;
  const created = batch + r.float(0, 35) * 60_000;
  const from = Math.max(s, created + r.float(0.1, 6) * HOUR);
  return { created, from, to: Math.min(e, from + life) };
}

/** The actors of one campaign (count already scaled). */
export function campaignActors(cfg: CampaignConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  const cr = rng.fork(`campaign:${cfg.name}`);
  const label = `attack:${cfg.name}`;
  const s = env.start + cfg.start_day * DAY;
  const e = Math.min(env.end, cfg.days === undefined ? env.end : s + cfg.days * DAY);
  const prompts = new CampaignPrompts(cfg, env, cr);
  const meanTurns = prompts.meanTurns();
  const lc = cfg.lifecycle;
  const nBatches = Math.max(1, Math.ceil(count / lc.batch_size));
  const meanLife = lc.lifetime_days === undefined ? 0 : ((lc.lifetime_days[0] + lc.lifetime_days[1]) / 2) * DAY;
  // Batches keep the live population steady: spread over the span minus a lifetime, or ramp up early when accounts live to the end.
  const batchEnd = meanLife > 0 ? Math.max(s, e - meanLife) : s + Math.min(DAY, 0.1 * (e - s));
  const batches = Array.from({ length: nBatches }, (_, b) => s - 0.5 * DAY + ((batchEnd - (s - 0.5 * DAY)) * b) / nBatches + cr.float(0, HOUR));
  const cards = cfg.payment.mode === "shared" || cfg.payment.mode === "rotated" ? Array.from({ length: Math.max(1, Math.ceil(count / cfg.payment.accounts_per_card)) }, () => paymentFingerprint(cr)) : [];
  const emailOf = generatedEmailScheme(cr);
  const countries = cr.shuffle(["US", "SG", "GB", "DE", "CA", "JP", "KR", "FR", "AU", "NL"]).slice(0, cr.int(3, 6));
  const providers = cr.shuffle(["hetzner", "ovh", "digitalocean", "vultr", "aws", "linode"]).slice(0, cr.int(1, 2));
  const dcAsns = providers.flatMap((p) => HOSTING[p] ?? []);
  const family: ClientKind = cfg.api === "openai" ? "openai-py" : cfg.api === "mixed" ? cr.pick(["openai-py", "anthropic-py"] as const) : cr.pick(["anthropic-py", "httpx"] as const);
  const fixedUa = userAgent(cr, family);
  const fixedParams: Params = cr.chance(0.6)
    ? { maxTokens: cr.pick([16000, 32000]), thinkingBudget: cr.pick([8000, 12000, 16000]) }
    : { maxTokens: cr.pick([8192, 16000]), temperature: cr.pick([0.6, 0.7, 1]), topP: 0.95 };
  const baseModel = env.models.pinned(cr.chance(0.7) ? 0 : 2);
  const switchAt = cfg.model_switch === undefined || env.models.newModel === null ? Infinity : env.models.releaseAt + cr.float(cfg.model_switch.delay_hours[0], cfg.model_switch.delay_hours[1]) * HOUR;
  const waves = cfg.waves ? waveWeight(cr) : null;
  const agentSystem = cr.pick(AGENT_SYSTEMS);
  const actors: Actor[] = [];
  for (let i = 0; i < count; i++) {
    const r = cr.fork("account", i);
    const life = lifecycle(cfg, r, i, batches, s, e);
    const home = cfg.infra.kind === "home";
    const country = home ? r.weighted(USER_COUNTRIES) : r.pick(countries);
    const offset = UTC_OFFSET[country] ?? 0;
    const freshIp = (): string => {
      switch (cfg.infra.kind) {
        case "residential_proxy":
          return homeIp(env, r, r.pick(countries), 0.1);
        case "mobile_proxy":
          return env.ips.from(r.shuffle(MOBILE_ALL), r, 0.3);
        case "datacenter":
          return env.ips.from(dcAsns, r);
        case "vpn":
          return env.ips.from(VPN, r);
        case "home":
          return homeIp(env, r, country, 0.1);
      }
    };
    const fixedIp = freshIp();
    const rotate = home ? "account" : cfg.infra.rotate;
    const pool = rotate === "pool" ? [fixedIp, ...Array.from({ length: r.int(3, 11) }, freshIp)] : [];
    const p = person(r);
    const payment =
      cfg.payment.mode === "shared" ? r.pick(cards) : cfg.payment.mode === "rotated" ? cards[Math.floor(i / cfg.payment.accounts_per_card) % cards.length] : cfg.payment.mode === "unique" ? paymentFingerprint(r) : undefined;
    const account = accountRecord(env, r, {
      createdAt: Math.round(life.created),
      email: cfg.email === "generated" ? emailOf(r) : `${realisticLocalPart(r, p)}@${freeMailDomain(r)}`,
      country,
      payment,
      ...(cfg.verified ? { orgId: `org_${r.hex(10)}` } : {}),
      verified: cfg.verified,
      signupIp: rotate === "account" ? fixedIp : freshIp(),
      tier: cfg.tier,
    });
    const varied = cfg.params === "varied";
    const kind: ClientKind = varied ? r.pick(["anthropic-py", "openai-py", "anthropic-js", "openai-js", "httpx"] as const) : family;
    const client: ClientProfile = {
      api: kind.startsWith("openai") ? "openai" : kind.startsWith("anthropic") ? "anthropic" : cfg.api === "openai" ? "openai" : "anthropic",
      userAgent: varied ? userAgent(r, kind) : fixedUa,
      blocks: false,
      keys: apiKeys(r),
    };
    const params = varied ? humanParams(r, 0.4) : fixedParams;
    const weight = waves ?? (cfg.diurnal ? (t: number) => humanWeight(t, offset) : () => 1);
    const model = (t: number): string => (t >= switchAt && env.models.newModel !== null && r.chance(cfg.model_switch?.share ?? 0) ? env.models.newModel : baseModel);
    const session = (t: number, emit: Emit): void => {
      const ip = rotate === "account" ? fixedIp : rotate === "session" ? freshIp() : null;
      const ipFor = (): string => ip ?? (rotate === "pool" ? r.pick(pool) : freshIp());
      const pr = prompts.next(r);
      // Orchestrators hit rate limits during waves now and then (careful ones avoid it).
      const status = (): number => (r.chance(cfg.waves ? 0.015 : 0.003) ? 429 : 200);
      if (pr.kind === "agentic") {
        const tools = r.chance(0.6) ? CODING_TOOLS : WEB_TOOLS;
        let at = t;
        const m = model(t);
        for (const messages of toolLoopHistories(r, pr.text, tools, Math.min(12, 1 + r.geometric(5)))) {
          emitExchange(env, emit, r, account, client, ipFor(), Math.round(at), { model: m, system: agentSystem, messages, tools, params, outputTokens: outputTokens(r, "agentic", params), status: status() });
          // Scripted loops come back faster and more regularly than a person.
          at += 1200 + r.exp(2500);
        }
        return;
      }
      if (pr.kind === "chat") {
        conversation({ env, rng: r, account, client, params, model: model(t), opening: pr.text, kind: "chat", turns: r.geometric(1.5), followUp: () => env.text.chatFollowUp(r), gapSeconds: 40, ip: ipFor }, t, emit);
        return;
      }
      const out = pr.kind === "coding" ? "code" : pr.kind === "instructions" ? "code" : "reasoning";
      emitExchange(env, emit, r, account, client, ipFor(), Math.round(t), {
        model: model(t),
        ...(pr.system === undefined ? {} : { system: pr.system }),
        messages: [{ role: "user", text: pr.text }],
        params,
        outputTokens: outputTokens(r, out, params) * (pr.kind === "instructions" ? 2.5 : 1),
        status: status(),
      });
    };
    actors.push(
      new RhythmActor({
        account,
        label,
        rng: r,
        from: life.from,
        to: life.to,
        rate: (r.lognormal(cfg.rate, 0.35) / Math.exp(0.35 ** 2 / 2) / 0.95) * rateScale,
        activeDayProb: 0.95,
        daySigma: 0.25,
        weight,
        meanTurns,
        ...(waves === null ? {} : { sliceMs: 5 * 60_000 }),
        session,
      }),
    );
  }
  return actors;
}
