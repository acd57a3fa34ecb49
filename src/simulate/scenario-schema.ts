/**
 * The scenario a simulation runs: time span, models, noise, legitimate personas and attack campaigns.
 * Presets (`presets.ts`) and user files (JSON or YAML) go through the same schema, validated once with
 * path-aware messages such as `campaigns[1].accounts: must be > 0`.
 */
import { z } from "zod";

const positiveInt = z.number().int().gt(0);
const share = z.number().min(0).max(1);
const range = z.tuple([z.number().min(0), z.number().min(0)]).refine(([a, b]) => a <= b, "first value must be <= second");

/** Languages with built-in chain-of-thought suffixes. */
export const COT_LANGUAGES = ["en", "zh", "ru", "es", "de", "fr", "ja", "ko", "pt", "ar"] as const;
export type CotLanguage = (typeof COT_LANGUAGES)[number];

const base = {
  /** Accounts of this persona (before --scale). */
  accounts: positiveInt,
  /** Median exchanges per active day for one account; accounts vary log-normally around it. */
  rate: z.number().gt(0).optional(),
};

const casual = z.object({ kind: z.literal("casual"), ...base }).strict();
const developer = z
  .object({
    kind: z.literal("developer"),
    ...base,
    /** Share of developers whose workloads run on cloud IPs. */
    cloud_share: share.default(0.3),
    /** Share running coding agents (multi-turn tool loops). */
    agent_share: share.default(0.35),
    /** Share with CI jobs (bursts from rotating cloud IPs). */
    ci_share: share.default(0.15),
  })
  .strict();
const student = z
  .object({
    kind: z.literal("student"),
    ...base,
    /** Courses the accounts are split across; each course shares a campus network and a problem set. */
    courses: positiveInt.default(1),
    /** Deadline of the homework, in days from the scenario start (fractions allowed). */
    deadline_day: z.number().min(0).optional(),
  })
  .strict();
const benchmark = z
  .object({
    kind: z.literal("benchmark"),
    ...base,
    runs_per_account: positiveInt.default(2),
    problems_per_run: positiveInt.default(1500),
    /** Samples per problem (pass@k runs re-send each problem). */
    samples: positiveInt.default(1),
    run_hours: range.default([2, 5]),
  })
  .strict();
const enterprise = z
  .object({
    kind: z.literal("enterprise"),
    ...base,
    /** Organisations the accounts are split across; each org sits behind one NAT with one internal app. */
    orgs: positiveInt.default(1),
  })
  .strict();
const saas = z
  .object({
    kind: z.literal("saas"),
    ...base,
    /** What the app does with its users' text: a fixed template around it. */
    app: z.enum(["helpdesk", "tutor", "writing"]).default("helpdesk"),
  })
  .strict();
const privacy = z.object({ kind: z.literal("privacy"), ...base, disposable_share: share.default(0.3) }).strict();

export const PersonaSchema = z.discriminatedUnion("kind", [casual, developer, student, benchmark, enterprise, saas, privacy]);
export type PersonaConfig = z.infer<typeof PersonaSchema>;
export type PersonaKind = PersonaConfig["kind"];

const targets = z
  .object({
    reasoning: z.number().min(0).default(0),
    coding: z.number().min(0).default(0),
    agentic: z.number().min(0).default(0),
    instructions: z.number().min(0).default(0),
    grading: z.number().min(0).default(0),
  })
  .strict()
  .refine((t) => t.reasoning + t.coding + t.agentic + t.instructions + t.grading > 0, "at least one target must be > 0");

export const CampaignSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lowercase letters, digits and dashes"),
    accounts: positiveInt,
    /** Day (from the scenario start) the campaign begins, and how many days it runs (default: to the end). */
    start_day: z.number().min(0).default(0),
    days: z.number().gt(0).optional(),
    /** Mean exchanges per account per day. */
    rate: z.number().gt(0).default(25),
    targets: targets.default({ reasoning: 1, coding: 0, agentic: 0, instructions: 0, grading: 0 }),
    /** Share of ordinary chat mixed in to look normal. */
    chat_share: share.default(0.05),
    /** Share of problem prompts that demand chain-of-thought, and the languages it is asked in. */
    cot_share: share.default(0.8),
    cot_languages: z.array(z.enum(COT_LANGUAGES)).min(1).default(["en"]),
    /** Paraphrased templates (many wrappers with synonym swaps) instead of a few fixed ones. */
    paraphrase: z.boolean().default(false),
    /** Problems re-sent for rejection sampling: share of problems repeated, and max extra copies. */
    rejection: z.object({ share: share, max_repeats: positiveInt }).strict().default({ share: 0, max_repeats: 1 }),
    api: z.enum(["anthropic", "openai", "mixed"]).default("anthropic"),
    /** Request parameters: one fixed fingerprint (an orchestrator) or varied per account (adaptive). */
    params: z.enum(["fixed", "varied"]).default("fixed"),
    infra: z
      .object({
        kind: z.enum(["residential_proxy", "mobile_proxy", "datacenter", "home", "vpn"]),
        /** How often the client IP changes: every request, every session, never (one per account), or a small per-account pool. */
        rotate: z.enum(["request", "session", "account", "pool"]).default("request"),
      })
      .strict(),
    lifecycle: z
      .object({
        /** burst = accounts created in batches during the campaign; aged = created long before and left idle. */
        signup: z.enum(["burst", "aged", "spread"]).default("burst"),
        /** Days an account is used before it is abandoned (drawn uniformly from the range). */
        lifetime_days: range.optional(),
        /** For aged accounts: age at campaign start, in days. */
        age_days: range.default([30, 240]),
        batch_size: positiveInt.default(40),
      })
      .strict()
      .default({ signup: "burst", age_days: [30, 240], batch_size: 40 }),
    payment: z
      .object({ mode: z.enum(["shared", "rotated", "unique", "none"]), accounts_per_card: positiveInt.default(20) })
      .strict()
      .default({ mode: "shared", accounts_per_card: 20 }),
    email: z.enum(["generated", "realistic"]).default("generated"),
    verified: z.boolean().default(false),
    tier: z.string().default("standard"),
    /** Orchestrated waves: all accounts active together in bursts instead of independently. */
    waves: z.boolean().default(false),
    /** Human-like daily rhythm in one time zone (adaptive attackers), else 24/7. */
    diurnal: z.boolean().default(false),
    /** Move this share of traffic to the new model within `delay_hours` of its release. */
    model_switch: z.object({ share: share, delay_hours: range }).strict().optional(),
  })
  .strict();
export type CampaignConfig = z.infer<typeof CampaignSchema>;

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** RFC 3339 start of simulated time. */
    start: z.iso.datetime({ offset: true }),
    days: z.number().gt(0).max(400),
    models: z
      .object({
        /** Models available at the start, most used first. */
        current: z.array(z.string().min(1)).min(1).default(["claude-sonnet-4", "claude-haiku-4", "claude-opus-4"]),
        /** A model released during the run: campaigns with model_switch move to it within hours, users adopt slowly. */
        new_model: z.object({ name: z.string().min(1), release_day: z.number().min(0) }).strict().optional(),
      })
      .strict()
      .default({ current: ["claude-sonnet-4", "claude-haiku-4", "claude-opus-4"] }),
    noise: z
      .object({
        /** Share of lines written late (several gateways), up to a few minutes out of order. */
        out_of_order: share.default(0.01),
        /** Malformed lines to sprinkle in (readers must count, not crash). */
        bad_lines: z.number().int().min(0).default(0),
        /** Share of accounts whose e-mail is kept only as domain + hash. */
        hashed_email_share: share.default(0.1),
      })
      .strict()
      .default({ out_of_order: 0.01, bad_lines: 0, hashed_email_share: 0.1 }),
    personas: z.array(PersonaSchema).default([]),
    campaigns: z.array(CampaignSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.campaigns.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: "custom", path: ["campaigns", i, "name"], message: `duplicate campaign name "${c.name}"` });
      seen.add(c.name);
      if (c.start_day >= s.days) ctx.addIssue({ code: "custom", path: ["campaigns", i, "start_day"], message: `must be < days (${s.days})` });
    });
    if (s.personas.length + s.campaigns.length === 0) {
      ctx.addIssue({ code: "custom", path: ["personas"], message: "a scenario needs at least one persona or campaign" });
    }
  });

/** A validated scenario (defaults filled in). */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What a scenario file may contain (defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
