/**
 * Helpers shared by personas and campaigns: account records, client profiles, request parameters
 * and ordinary multi-turn conversations.
 */
import type { AccountRecord } from "../../core/model/traffic.ts";
import type { Msg, Params } from "../exchange.ts";
import { estimateTokens } from "../exchange.ts";
import { apiOf, emailFields, userAgent, type ClientKind } from "../identity.ts";
import type { Rng } from "../rng.ts";
import type { ReplyKind } from "../text/text-source.ts";
import { DAY, type SimEnv } from "../world.ts";
import { apiKeys, emitExchange, type ClientProfile, type Emit } from "./actor.ts";

/** An opaque account id (nothing in it reveals the persona). */
export function newAccountId(rng: Rng): string {
  return `acct_${rng.hex(14)}`;
}

export interface AccountInit {
  readonly createdAt: number;
  readonly email: string;
  readonly country: string;
  readonly payment?: string | undefined;
  readonly orgId?: string | undefined;
  readonly verified: boolean;
  readonly signupIp: string;
  readonly tier: string;
}

/** Builds a contract §2 record; some accounts keep only the e-mail domain and hash. */
export function accountRecord(env: SimEnv, rng: Rng, init: AccountInit): AccountRecord {
  const hashed = rng.chance(env.scenario.noise.hashed_email_share);
  return {
    account_id: newAccountId(rng),
    created_at: new Date(init.createdAt).toISOString(),
    ...emailFields(init.email, hashed),
    country: init.country,
    ...(init.payment === undefined ? {} : { payment_fingerprint: init.payment }),
    ...(init.orgId === undefined ? {} : { org_id: init.orgId }),
    verified: init.verified,
    signup_ip: init.signupIp,
    tier: init.tier,
  };
}

/** A sign-up time some days before the scenario start (log-uniform between minDays and maxDays). */
export function createdBefore(env: SimEnv, rng: Rng, minDays: number, maxDays: number): number {
  const days = Math.exp(rng.float(Math.log(minDays), Math.log(maxDays)));
  return Math.round(env.start - days * DAY - rng.next() * DAY);
}

/** A client profile for one account: an SDK family picked by weight, with its version fixed. */
export function clientProfile(rng: Rng, kinds: readonly (readonly [ClientKind, number])[]): ClientProfile {
  const kind = rng.weighted(kinds);
  return { api: apiOf(kind, rng), userAgent: userAgent(rng, kind), blocks: rng.chance(0.3), keys: apiKeys(rng) };
}

/** Parameters an ordinary user's code sends: often defaults, sometimes tuned, rarely thinking. */
export function humanParams(rng: Rng, thinkingShare = 0.05): Params {
  const maxTokens = rng.weighted([[1024, 4], [2048, 3], [4096, 4], [8192, 2], [16000, 1]] as const);
  if (rng.chance(thinkingShare)) {
    const budget = rng.weighted([[2048, 2], [4000, 3], [8000, 2], [10000, 1]] as const);
    return { maxTokens: Math.max(maxTokens, budget + 2048), thinkingBudget: budget, stream: rng.chance(0.5) };
  }
  return {
    maxTokens,
    ...(rng.chance(0.35) ? { temperature: rng.pick([0, 0.2, 0.5, 0.7, 1]) } : {}),
    ...(rng.chance(0.08) ? { topP: rng.pick([0.9, 0.95]) } : {}),
    stream: rng.chance(0.45),
    ...(rng.chance(0.15) ? { legacyMaxTokens: true } : {}),
  };
}

/** Output length of a reply: reasoning and code run long, chat short. */
export function outputTokens(rng: Rng, kind: "chat" | "reasoning" | "code" | "agentic" | "short", params: Params): number {
  const base = { chat: 320, reasoning: 1400, code: 900, agentic: 260, short: 90 }[kind];
  const thinking = params.thinkingBudget === undefined ? 0 : params.thinkingBudget * rng.float(0.2, 0.9);
  return rng.lognormal(base, 0.6) + thinking;
}

export interface ConversationOptions {
  readonly env: SimEnv;
  readonly rng: Rng;
  readonly account: AccountRecord;
  readonly client: ClientProfile;
  readonly params: Params;
  readonly system?: string | undefined;
  readonly model: string;
  /** First user message and the kind of reply it gets. */
  readonly opening: string;
  readonly kind: "chat" | "reasoning" | "code";
  readonly turns: number;
  /** Follow-up text generator for turns after the first. */
  readonly followUp: () => string;
  /** Mean seconds between turns (reading + typing). */
  readonly gapSeconds: number;
  /** Client address for each turn. */
  readonly ip: () => string;
  readonly status?: () => number;
}

/** Runs one human conversation: each turn re-sends the history with the previous replies. */
export function conversation(o: ConversationOptions, t: number, emit: Emit): void {
  const replyKind: ReplyKind = o.kind === "reasoning" ? "math" : o.kind === "code" ? "code" : "chat";
  const history: Msg[] = [];
  let at = t;
  let text = o.opening;
  for (let i = 0; i < o.turns; i++) {
    history.push({ role: "user", text });
    const out = outputTokens(o.rng, i === 0 ? o.kind : "chat", o.params);
    emitExchange(o.env, emit, o.rng, o.account, o.client, o.ip(), Math.round(at), {
      model: o.model,
      ...(o.system === undefined ? {} : { system: o.system }),
      messages: history.slice(),
      params: o.params,
      outputTokens: out,
      status: o.status === undefined ? 200 : o.status(),
    });
    history.push({ role: "assistant", text: o.env.text.reply(o.rng, replyKind) });
    // Reading the reply takes time in proportion to its length, then the next message is typed.
    at += Math.min(out, 4000) * 25 + o.rng.exp(o.gapSeconds * 1000) + estimateTokens(text) * 10;
    text = o.followUp();
  }
}

/** A legit user's status: almost always 200, the odd overload or bad request. */
export function humanStatus(rng: Rng): number {
  const r = rng.next();
  return r < 0.985 ? 200 : r < 0.992 ? 529 : r < 0.997 ? 400 : 429;
}
