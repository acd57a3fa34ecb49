/**
 * A tiny deterministic traffic world for engine tests: one hydra campaign hidden among ordinary users and
 * a course of students who look like it (same network, same problems, step-by-step). Small enough to run
 * in a unit test, shaped like the threat model's cases. The full simulator lives in src/simulate.
 */
import type { AccountRecord, TimedEvent, TrafficEvent } from "../model/traffic.ts";

const HOUR = 3_600_000;
export const T0 = Date.parse("2026-04-22T00:00:00.000Z");

/** Deterministic PRNG (mulberry32): tests must not depend on Math.random. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MiniWorld {
  readonly accounts: AccountRecord[];
  readonly events: TimedEvent[];
  readonly labels: Record<string, string>;
}

const NAMES = ["Ava", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goro", "Hana", "Ivan", "Jun"];
const CHAT = [
  "Can you help me write a birthday message for my sister?",
  "What are some good vegetarian dinner ideas for this week?",
  "Summarize the plot of Pride and Prejudice in a paragraph.",
  "How do I politely decline a meeting invitation?",
  "Suggest a name for a cozy coffee shop near the beach.",
  "What should I pack for a weekend hiking trip in October?",
  "Explain the difference between a virus and a bacterium.",
  "Translate 'where is the train station' into Italian.",
];

function msg(model: string, system: string | null, user: string, maxTokens: number, thinking: number | null, history: string[] = []): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  history.forEach((h, i) => messages.push({ role: i % 2 === 0 ? "user" : "assistant", content: h }));
  messages.push({ role: "user", content: user });
  return {
    model,
    max_tokens: maxTokens,
    ...(thinking ? { thinking: { type: "enabled", budget_tokens: thinking } } : {}),
    ...(system ? { system } : {}),
    messages,
  };
}

const SUBJECTS = ["budgeting", "gardening", "chess", "photography", "rust", "sql", "baking", "geology", "sailing", "poetry", "statistics", "first aid", "negotiation", "astronomy", "knitting", "typography", "linear algebra", "beekeeping", "cycling", "opera"];
const ANGLES = ["for beginners", "common mistakes", "history", "advanced tips", "ethics", "careers", "tools", "myths", "in small towns", "on a budget", "for kids", "at work", "in winter", "with friends", "step by step", "for seniors", "in 10 minutes", "vocabulary", "debates", "trivia"];

/**
 * Builds the world. `campaignAccounts` hydra accounts, `users` ordinary users, `students` one course, and
 * `slowAccounts` of a low-and-slow instruction-generation campaign (aged accounts, one home address and card
 * each, human hours, chat mixed in: linked by nothing but the problem set they split through one template).
 * With slow accounts, ten hydra accounts also send some of the same template (a shared prompt pool).
 */
export function miniWorld(seed = 7, campaignAccounts = 40, users = 60, students = 20, days = 3, slowAccounts = 0): MiniWorld {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const accounts: AccountRecord[] = [];
  const events: TimedEvent[] = [];
  const labels: Record<string, string> = {};
  const push = (t: number, e: Omit<TrafficEvent, "ts">): void => {
    const ev = { ts: new Date(t).toISOString(), ...e } as TrafficEvent;
    events.push({ t, event: ev });
  };

  // Hydra: burst sign-ups, a few shared cards, generated e-mails, rotating proxy exits, one template, CoT, waves.
  const proxyPool = Array.from({ length: 50 }, (_, i) => `198.51.${100 + (i % 3)}.${10 + i}`);
  const cards = ["pm_h1", "pm_h2", "pm_h3", "pm_h4"];
  for (let i = 0; i < campaignAccounts; i++) {
    const id = `hyd_${i}`;
    const created = T0 + Math.floor(i / 10) * 6 * HOUR + Math.floor(r() * 20 * 60_000);
    accounts.push({ account_id: id, created_at: new Date(created).toISOString(), email: `user${Math.floor(r() * 90000 + 10000)}@mailbox.example`, payment_fingerprint: pick(cards), verified: false, tier: "standard" });
    labels[id] = "attack:hydra";
    const start = created + 5 * 60_000;
    const perDay = 20 + Math.floor(r() * 10);
    for (let k = 0; k < perDay * days; k++) {
      // Orchestrated waves: every account fires in the same 10-minute windows.
      const wave = Math.floor(r() * perDay * days);
      const t = start + wave * (24 * HOUR / perDay) + Math.floor(r() * 8 * 60_000);
      const a = Math.floor(r() * 900) + 10;
      const b = Math.floor(r() * 90) + 3;
      const lang = r() < 0.3 ? "请一步一步地思考，并把最终答案放在 \\boxed{} 中。" : "Think step by step and put the final answer in \\boxed{}.";
      const q = `${pick(NAMES)} has ${a} marbles and gives ${b} to each of ${pick(["3", "4", "5", "6"])} friends. How many marbles are left?`;
      const prompt = slowAccounts > 0 && i < 10 && r() < 0.1 ? instructionPrompt(pick(SUBJECTS), pick(ANGLES), r() < 0.5) : `${q}\n${lang}`;
      push(t, { account_id: id, ip: pick(proxyPool), user_agent: "python-httpx/0.27.0", endpoint: "/v1/messages", model: "claude-sonnet-4", request: msg("claude-sonnet-4", "You are a meticulous reasoning assistant.", prompt, 16000, 12000) });
    }
  }

  // Ordinary users: aged accounts, own home IP, human hours, conversations, assorted requests.
  for (let i = 0; i < users; i++) {
    const id = `usr_${i}`;
    accounts.push({ account_id: id, created_at: new Date(T0 - (30 + i) * 24 * HOUR).toISOString(), email: `${pick(NAMES).toLowerCase()}.${i}@gmail.com`, payment_fingerprint: `pm_u${i}`, verified: i % 3 === 0, tier: "standard" });
    labels[id] = "benign:casual";
    const ip = `203.0.${113 + (i % 2)}.${i + 1}`;
    const tz = Math.floor(r() * 24);
    for (let d = 0; d < days; d++) {
      const n = 1 + Math.floor(r() * 8);
      for (let k = 0; k < n; k++) {
        const t = T0 + d * 24 * HOUR + ((tz + 8 + Math.floor(r() * 12)) % 24) * HOUR + Math.floor(r() * HOUR);
        const history = r() < 0.5 ? [pick(CHAT), "Sure! Here is an idea."] : [];
        push(t, { account_id: id, ip, user_agent: "Mozilla/5.0 (Macintosh) Safari/605.1", endpoint: "/v1/messages", model: "claude-sonnet-4", request: msg("claude-sonnet-4", null, pick(CHAT), 1024, null, history) });
      }
    }
  }

  // Students: one campus network, the same homework problems step by step, before a deadline.
  const homework = [
    "A train leaves at 3pm travelling 60 km/h; another leaves at 4pm at 80 km/h. When does the second catch up? Please explain step by step.",
    "Prove that the sum of the first n odd numbers is n^2. Walk me through it step by step.",
    "Solve 3x + 7 = 22 and show your work.",
  ];
  for (let i = 0; i < students; i++) {
    const id = `stu_${i}`;
    accounts.push({ account_id: id, created_at: new Date(T0 - 60 * 24 * HOUR + i * HOUR).toISOString(), email: `s${1000 + i}@uni.edu`, tier: "education", verified: false });
    labels[id] = "benign:student";
    const ip = `192.0.2.${10 + (i % 5)}`;
    for (let k = 0; k < 12; k++) {
      const t = T0 + (days - 1) * 24 * HOUR + 14 * HOUR + Math.floor(r() * 6 * HOUR);
      const history = k % 3 === 0 ? [] : [pick(homework), "Let's start by setting up the equation."];
      push(t, { account_id: id, ip, user_agent: "Mozilla/5.0 (Windows NT 10.0) Chrome/124.0", endpoint: "/v1/messages", model: "claude-sonnet-4", request: msg("claude-sonnet-4", null, pick(homework), 2048, null, history) });
    }
  }

  for (let i = 0; i < slowAccounts; i++) {
    const id = `slw_${i}`;
    const name = pick(NAMES).toLowerCase();
    accounts.push({ account_id: id, created_at: new Date(T0 - (60 + 7 * i) * 24 * HOUR).toISOString(), email: `${name}.${pick(NAMES).toLowerCase()}${i}@gmail.com`, payment_fingerprint: `pm_s${i}`, verified: false, tier: "standard" });
    labels[id] = "attack:slow";
    const ip = `100.64.${i}.20`;
    const tz = Math.floor(r() * 24);
    for (let d = 0; d < days; d++) {
      const n = 12 + Math.floor(r() * 5);
      for (let k = 0; k < n; k++) {
        const t = T0 + d * 24 * HOUR + ((tz + 8 + Math.floor(r() * 14)) % 24) * HOUR + Math.floor(r() * HOUR);
        const chat = r() < 0.45;
        const user = chat ? pick(CHAT) : instructionPrompt(pick(SUBJECTS), pick(ANGLES), r() < 0.5);
        push(t, { account_id: id, ip, user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0", endpoint: "/v1/messages", model: "claude-sonnet-4", request: msg("claude-sonnet-4", null, user, chat ? 1024 : 16000, chat ? null : 8000) });
      }
    }
  }

  events.sort((a, b) => a.t - b.t);
  return { accounts, events, labels };
}

/** A low-and-slow campaign's instruction-generation prompt (two wordings of one template). */
function instructionPrompt(subject: string, angle: string, alt: boolean): string {
  return alt
    ? `Create 20 varied tasks about ${subject} (${angle}) that a user might ask an AI assistant. For each, write a detailed, high-quality response that explains its reasoning. Return JSON lines with "instruction" and "output".`
    : `Generate 20 diverse instructions about ${subject} (${angle}) that a user might ask an AI assistant. For each, write a detailed, high-quality response that explains its reasoning. Return JSON lines with "instruction" and "output".`;
}
