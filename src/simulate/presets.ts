/**
 * Built-in scenarios (same schema as scenario files).
 * - quick: ~100k exchanges over 3 days, every persona and four campaigns; runs in seconds.
 * - realistic: ~1M exchanges over 14 days, more of everything and a second hydra on mobile proxies.
 * - seed-scale: the publicly reported campaign size (25,000 attack accounts, ~28.8M attack exchanges,
 *   45 days) among 250,000 legitimate accounts with more traffic than the attack. Use --scale 0.01-0.02.
 */
import type { ScenarioInput } from "./scenario-schema.ts";

const START = "2026-04-22T00:00:00.000Z";

/** The four campaign styles of the issue, sized by `k` (accounts) and `days`. */
function campaigns(k: number, opts: { hydraLife?: [number, number]; bigRate: number; bigAccounts: number }): NonNullable<ScenarioInput["campaigns"]> {
  return [
    {
      name: "hydra-cot",
      accounts: Math.round(400 * k),
      rate: 25,
      targets: { reasoning: 0.7, coding: 0.3 },
      chat_share: 0.08,
      cot_share: 0.85,
      cot_languages: ["en", "zh", "ru", "es"],
      rejection: { share: 0.25, max_repeats: 3 },
      infra: { kind: "residential_proxy", rotate: "request" },
      lifecycle: { signup: "burst", batch_size: 40, ...(opts.hydraLife === undefined ? {} : { lifetime_days: opts.hydraLife }) },
      payment: { mode: "shared", accounts_per_card: 20 },
      email: "generated",
      waves: true,
      model_switch: { share: 0.5, delay_hours: [2, 8] },
    },
    {
      name: "dc-agentic",
      accounts: Math.round(40 * k),
      rate: 70,
      targets: { agentic: 0.7, coding: 0.3 },
      chat_share: 0.03,
      cot_share: 0.4,
      api: "openai",
      infra: { kind: "datacenter", rotate: "account" },
      lifecycle: { signup: "spread" },
      payment: { mode: "rotated", accounts_per_card: 8 },
      email: "generated",
      model_switch: { share: 0.4, delay_hours: [4, 20] },
    },
    {
      name: "slow-instruct",
      accounts: Math.round(60 * k),
      rate: 14,
      targets: { instructions: 0.8, reasoning: 0.2 },
      chat_share: 0.25,
      cot_share: 0.5,
      paraphrase: true,
      api: "mixed",
      params: "varied",
      infra: { kind: "home", rotate: "account" },
      lifecycle: { signup: "aged", age_days: [45, 300] },
      payment: { mode: "unique" },
      email: "realistic",
      diurnal: true,
    },
    {
      name: "big-verified",
      accounts: opts.bigAccounts,
      rate: opts.bigRate,
      targets: { reasoning: 0.6, coding: 0.3, grading: 0.1 },
      chat_share: 0.02,
      cot_share: 0.9,
      cot_languages: ["en", "zh"],
      rejection: { share: 0.15, max_repeats: 4 },
      infra: { kind: "datacenter", rotate: "pool" },
      lifecycle: { signup: "aged", age_days: [60, 120] },
      payment: { mode: "unique" },
      email: "realistic",
      verified: true,
      tier: "scale",
      model_switch: { share: 0.6, delay_hours: [1, 6] },
    },
  ];
}

export const PRESETS: Readonly<Record<string, ScenarioInput>> = {
  quick: {
    name: "quick",
    description: "3 days, ~100k exchanges: every legitimate persona and four campaign styles.",
    start: START,
    days: 3,
    models: { current: ["claude-sonnet-4", "claude-haiku-4", "claude-opus-4"], new_model: { name: "claude-sonnet-5", release_day: 1.6 } },
    noise: { out_of_order: 0.01, bad_lines: 12, hashed_email_share: 0.1 },
    personas: [
      { kind: "casual", accounts: 2500, rate: 3 },
      { kind: "developer", accounts: 350, rate: 12 },
      { kind: "student", accounts: 80, courses: 2, deadline_day: 2.2, rate: 14 },
      { kind: "benchmark", accounts: 2, runs_per_account: 1, problems_per_run: 1500, samples: 2 },
      { kind: "enterprise", accounts: 250, orgs: 1, rate: 8 },
      { kind: "saas", accounts: 1, app: "helpdesk", rate: 6000 },
      { kind: "saas", accounts: 1, app: "tutor", rate: 2500 },
      { kind: "privacy", accounts: 150, rate: 3 },
    ],
    campaigns: campaigns(1, { hydraLife: [1, 3], bigRate: 2500, bigAccounts: 1 }),
  },
  realistic: {
    name: "realistic",
    description: "14 days, ~1M exchanges, more of every persona and a second hydra on mobile proxies.",
    start: START,
    days: 14,
    models: { current: ["claude-sonnet-4", "claude-haiku-4", "claude-opus-4"], new_model: { name: "claude-sonnet-5", release_day: 8.5 } },
    noise: { out_of_order: 0.01, bad_lines: 60, hashed_email_share: 0.1 },
    personas: [
      { kind: "casual", accounts: 7000, rate: 2.5 },
      { kind: "developer", accounts: 900, rate: 12 },
      { kind: "student", accounts: 300, courses: 4, rate: 12 },
      { kind: "benchmark", accounts: 5, runs_per_account: 3, problems_per_run: 1500, samples: 2 },
      { kind: "enterprise", accounts: 900, orgs: 3, rate: 8 },
      { kind: "saas", accounts: 1, app: "helpdesk", rate: 6000 },
      { kind: "saas", accounts: 1, app: "tutor", rate: 3000 },
      { kind: "saas", accounts: 1, app: "writing", rate: 4000 },
      { kind: "privacy", accounts: 600, rate: 3 },
    ],
    campaigns: [
      ...campaigns(2.5, { hydraLife: [2, 6], bigRate: 3000, bigAccounts: 1 }),
      {
        name: "hydra-mobile",
        accounts: 600,
        start_day: 6,
        rate: 25,
        targets: { reasoning: 0.5, coding: 0.3, instructions: 0.2 },
        chat_share: 0.1,
        cot_languages: ["en", "ko", "ja", "de"],
        paraphrase: true,
        rejection: { share: 0.2, max_repeats: 2 },
        api: "openai",
        infra: { kind: "mobile_proxy", rotate: "session" },
        lifecycle: { signup: "burst", batch_size: 25, lifetime_days: [2, 5] },
        payment: { mode: "rotated", accounts_per_card: 10 },
        email: "generated",
        waves: true,
        model_switch: { share: 0.5, delay_hours: [3, 12] },
      },
    ],
  },
  "seed-scale": {
    name: "seed-scale",
    description: "The reported scale: 25,000 attack accounts, ~28.8M attack exchanges over 45 days, 250,000 legitimate accounts with more traffic.",
    start: START,
    days: 45,
    models: { current: ["claude-sonnet-4", "claude-haiku-4", "claude-opus-4"], new_model: { name: "claude-sonnet-5", release_day: 30 } },
    noise: { out_of_order: 0.01, bad_lines: 2000, hashed_email_share: 0.1 },
    personas: [
      { kind: "casual", accounts: 200_000, rate: 1.5 },
      { kind: "developer", accounts: 30_000, rate: 6 },
      { kind: "student", accounts: 6000, courses: 5, rate: 8 },
      { kind: "benchmark", accounts: 50, runs_per_account: 4, problems_per_run: 2000, samples: 2 },
      { kind: "enterprise", accounts: 9000, orgs: 5, rate: 8 },
      { kind: "saas", accounts: 15, app: "helpdesk", rate: 8000 },
      { kind: "saas", accounts: 5, app: "tutor", rate: 5000 },
      { kind: "saas", accounts: 10, app: "writing", rate: 5000 },
      { kind: "privacy", accounts: 4920, rate: 3 },
    ],
    campaigns: [
      Object.assign({}, campaigns(50, { bigRate: 10_000, bigAccounts: 2 })[0]!, { accounts: 20_000, rate: 25.5, lifecycle: { signup: "burst", batch_size: 200 } }),
      Object.assign({}, campaigns(50, { bigRate: 10_000, bigAccounts: 2 })[1]!, { accounts: 2500, rate: 30 }),
      Object.assign({}, campaigns(50, { bigRate: 10_000, bigAccounts: 2 })[2]!, { accounts: 2498, rate: 14 }),
      campaigns(50, { bigRate: 10_000, bigAccounts: 2 })[3]!,
    ],
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
