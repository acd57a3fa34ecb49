/**
 * SaaS apps: one account, very high volume around the clock, a fixed template wrapped around its own
 * users' text, from a small autoscaling pool of cloud addresses. The "tutor" app wraps math questions
 * in a step-by-step system prompt, which makes it look a lot like reasoning extraction.
 */
import type { PersonaConfig } from "../scenario-schema.ts";
import { HOSTING } from "../net/asn-catalog.ts";
import { companyDomain, paymentFingerprint, userAgent } from "../identity.ts";
import type { Params } from "../exchange.ts";
import type { Rng } from "../rng.ts";
import { HOUR, humanWeight, type SimEnv } from "../world.ts";
import { RhythmActor, apiKeys, emitExchange, type Actor, type ClientProfile } from "./actor.ts";
import { accountRecord, createdBefore, outputTokens } from "./common.ts";

interface App {
  readonly brand: string;
  readonly system: string;
  readonly wrap: (env: SimEnv, r: Rng) => { text: string; kind: "chat" | "reasoning" | "short" };
}

const APPS: Readonly<Record<"helpdesk" | "tutor" | "writing", App>> = {
  helpdesk: {
    brand: "HelpDeskly",
    system:
      "You are the support assistant for an online store. Classify the customer's message as one of billing, shipping, technical, account, other. " +
      'Then draft a short, friendly reply. Respond as JSON: {"category": ..., "reply": ...}.',
    wrap: (env, r) => ({ text: `Customer message:\n"""${env.text.customerText(r)}"""\nCustomer tier: ${r.pick(["free", "plus", "gold"])}`, kind: "short" }),
  },
  tutor: {
    brand: "MathBuddy",
    system:
      "You are MathBuddy, a patient tutor for middle and high school students. Explain every solution step by step so the student learns the method. " +
      "Never just give the final answer.",
    wrap: (env, r) => ({ text: `Student question (grade ${r.int(6, 12)}):\n${env.text.math(r)}`, kind: "reasoning" }),
  },
  writing: {
    brand: "Polish",
    system: "Improve the user's text for clarity and tone. Keep the meaning and the language. Return only the rewritten text.",
    wrap: (env, r) => ({ text: `Tone: ${r.pick(["friendly", "formal", "confident"])}\n\n${env.text.chatOpening(r)} ${env.text.customerText(r)}`, kind: "chat" }),
  },
};

/** SaaS accounts: each a separate app of the configured kind. */
export function saasActors(cfg: PersonaConfig, env: SimEnv, rng: Rng, count: number, rateScale: number): Actor[] {
  if (cfg.kind !== "saas") throw new Error("saasActors needs a saas persona");
  const app = APPS[cfg.app];
  const actors: Actor[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.fork(`saas-${cfg.app}`, i);
    const provider = r.pick(["aws", "gcp", "azure"]);
    const pool = Array.from({ length: r.int(4, 10) }, () => env.ips.from(HOSTING[provider] ?? [16509], r));
    const domain = companyDomain(r);
    const account = accountRecord(env, r, {
      createdAt: createdBefore(env, r, 60, 900),
      email: `${r.pick(["dev", "platform", "ops", "founders", "api"])}@${domain}`,
      country: r.pick(["US", "US", "GB", "DE", "IN"]),
      payment: paymentFingerprint(r),
      orgId: `org_${r.hex(10)}`,
      verified: true,
      signupIp: pool[0] as string,
      tier: "scale",
    });
    const kind = r.pick(["openai-js", "anthropic-py", "openai-py", "anthropic-js"] as const);
    const client: ClientProfile = { api: kind.startsWith("openai") ? "openai" : "anthropic", userAgent: userAgent(r, kind), blocks: r.chance(0.5), keys: apiKeys(r) };
    const params: Params = { maxTokens: cfg.app === "tutor" ? 4096 : 1024, temperature: r.pick([0.2, 0.3, 0.5]), stream: cfg.app !== "helpdesk" };
    const model = env.models.pinned(cfg.app === "helpdesk" ? 1 : 0);
    // Its users sit in a few time zones, so load is flatter than one person's day.
    const offsets = [r.int(-7, -4), r.int(0, 2), r.int(5, 9)];
    actors.push(
      new RhythmActor({
        account,
        label: "benign:saas",
        rng: r,
        from: env.start,
        to: env.end,
        rate: r.lognormal((cfg.rate ?? 5000) * rateScale, 0.3),
        activeDayProb: 1,
        daySigma: 0.15,
        weight: (t) => 0.4 + 0.6 * offsets.reduce((s, o) => s + humanWeight(t, o), 0) / offsets.length,
        meanTurns: 1,
        sliceMs: HOUR,
        session: (t, emit) => {
          const w = app.wrap(env, r);
          emitExchange(env, emit, r, account, client, r.pick(pool), Math.round(t), {
            model,
            system: app.system,
            messages: [{ role: "user", text: w.text }],
            params,
            outputTokens: outputTokens(r, w.kind, params),
            status: r.chance(0.004) ? 429 : r.chance(0.003) ? 529 : 200,
          });
        },
      }),
    );
  }
  return actors;
}
