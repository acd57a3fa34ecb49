/**
 * Per-request analysis: everything the engine keeps about one exchange, computed once from the event.
 * Raw prompt text stops here: downstream state holds only hashes, sketches and numbers.
 */
import type { TimedEvent } from "../model/traffic.ts";
import type { Enricher, NetClass } from "../ports/enricher.ts";
import { viewPrompt, cotElicitation, skeleton, minhash, lshBandHashes, hash32, hashHex } from "../text/index.ts";
import type { Category, PromptView } from "../text/index.ts";
import { categoryEvidence, categoryWith } from "../text/category.ts";
import type { CategoryEvidence } from "../text/category.ts";
import type { AnalysedContent, ContentFeatures, ContentMemo } from "./content-cache.ts";

export const CATEGORIES: readonly Category[] = ["reasoning", "coding", "agentic", "instruction", "other"];

/** Everything the engine keeps about one exchange: its content features (`ContentFeatures`) and its context. */
export interface RequestFeatures extends ContentFeatures {
  readonly t: number;
  readonly accountId: string;
  /** Request-parameter fingerprint: max tokens, temperature, top_p, thinking/reasoning, system prompt, tools, endpoint, client family. */
  readonly paramFp: string;
  readonly model: string | null;
  readonly ip: string | null;
  /** 32-bit hash of the IP (what per-account state keeps). */
  readonly ipHash: number;
  readonly ipPrefix: string | null;
  readonly asn: number | null;
  readonly netClass: NetClass;
  // The client (family from the User-Agent) enters through `paramFp`: nothing downstream reads it on its own.
  readonly turns: number;
  readonly agenticLoop: boolean;
  readonly maxTokens: number | null;
  readonly thinkingBudget: number | null;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function thinkingOf(req: Readonly<Record<string, unknown>> | undefined): { key: string; budget: number | null } {
  if (!req) return { key: "-", budget: null };
  const th = req["thinking"];
  if (th && typeof th === "object") {
    const o = th as Record<string, unknown>;
    const budget = num(o["budget_tokens"]);
    // Only a string type is read: `String()` of a client's object can throw (`{"toString": 1}`), and analysis must never throw.
    return { key: `${typeof o["type"] === "string" ? o["type"] : "?"}:${budget ?? "-"}`, budget };
  }
  const effort = req["reasoning_effort"] ?? (req["reasoning"] as Record<string, unknown> | undefined)?.["effort"];
  if (typeof effort === "string") return { key: `effort:${effort}`, budget: null };
  return { key: "-", budget: null };
}

/**
 * Hash of the problem text, blind to case and whitespace, without building a normalised copy
 * (FNV-1a over the non-space code units, ASCII letters lower-cased).
 */
export function problemHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x3000) continue;
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/**
 * What the content analysis reads of a prompt: the system text, the last user turn, and whether tools are in
 * play (defined in the request / tool calls or results in the conversation). Small and cheap to send between
 * threads; equal inputs give equal `ContentFeatures`.
 */
export interface ContentInput {
  readonly system: string;
  readonly lastUser: string;
  readonly toolsDefined: boolean;
  readonly toolTurns: boolean;
  /** `hash32(system)` (0 for no system prompt) when the caller has it: the parameter fingerprint and the scan's content numbering both use it. */
  readonly systemHash?: number;
}

/** `hash32` of a system prompt, 0 for none. */
export const systemHashOf = (system: string): number => (system.length > 0 ? hash32(system) : 0);

/** The content-analysis inputs of a prompt view, with the system prompt's hash. */
export function contentInput(view: PromptView): ContentInput {
  return { system: view.system, lastUser: view.lastUser, toolsDefined: view.toolNames.length > 0, toolTurns: view.hasToolUse || view.hasToolResult, systemHash: systemHashOf(view.system) };
}

/**
 * The part of the content analysis that reads text: everything but the category's use of the two tool flags.
 * A memo can keep it per text and finish the features for any flags (`contentFeaturesOf`).
 */
export type TextAnalysis = Omit<ContentFeatures, "category"> & { readonly category: CategoryEvidence };

/** The text half of `analyseContent`: CoT cues, category evidence, template skeleton and bands, problem hash. Pure. */
export function analyseText(system: string, lastUser: string): TextAnalysis {
  const focus = system.length > 0 ? `${system}\n${lastUser}` : lastUser;
  const cot = cotElicitation(focus);
  const skel = skeleton(lastUser.length > 0 ? lastUser : focus);
  const sig = minhash(skel);
  const bands = lshBandHashes(sig, 4).map((h, i) => i * 4294967296 + h);
  return {
    cot: cot.score,
    cotCues: Object.freeze(cot.cues),
    category: categoryEvidence({ system, lastUser }),
    skeletonHash: hash32(skel),
    templateBands: Object.freeze(bands),
    problemHash: problemHash(lastUser),
  };
}

/** The content features of analysed text, given the request's tool flags (the category's prior). */
export function contentFeaturesOf(text: TextAnalysis, toolsDefined: boolean, toolTurns: boolean): ContentFeatures {
  return {
    cot: text.cot,
    cotCues: text.cotCues,
    category: categoryWith(text.category, toolsDefined, toolTurns).category,
    skeletonHash: text.skeletonHash,
    templateBands: text.templateBands,
    problemHash: text.problemHash,
  };
}

/**
 * The features that depend only on the prompt text (`ContentInput`): CoT cues, category, template skeleton
 * and bands, problem hash. Pure. The category reads only the system and last user text and the two tool flags.
 */
export function analyseContent(input: ContentInput): ContentFeatures {
  return contentFeaturesOf(analyseText(input.system, input.lastUser), input.toolsDefined, input.toolTurns);
}

/** The features of an exchange apart from its content (`ContentFeatures`): time, account, parameters, network, client. */
export type ContextFeatures = Omit<RequestFeatures, keyof ContentFeatures>;

/** The content analysis of `input` and its system prompt's hash, without a memo (what a memo computes on a miss). */
function analyseContentInput(input: ContentInput): AnalysedContent {
  return { features: analyseContent(input), systemHash: input.systemHash ?? systemHashOf(input.system) };
}

/**
 * Computes the features of one exchange. Pure: same event and enricher, same features. A `memo` (one per
 * reader) skips the content analysis of text seen before; the result is the same with or without it.
 */
export function analyseRequest(ev: TimedEvent, enricher: Enricher, memo?: ContentMemo): RequestFeatures {
  const view = viewPrompt(ev.event.request, ev.event.prompt);
  // No system hash yet: a memo may have it stored (it reads the whole system prompt, tens of KB for an agent).
  const input: ContentInput = { system: view.system, lastUser: view.lastUser, toolsDefined: view.toolNames.length > 0, toolTurns: view.hasToolUse || view.hasToolResult };
  const analysed = memo === undefined ? analyseContentInput(input) : memo.analyse(input, ev.event.account_id);
  const content = analysed.features;
  const c = analyseContext(ev, enricher, view, analysed.systemHash);
  // One literal with every field, not `{ ...context, ...content }`: spreading two objects built a slow
  // object and cost more than the analysis a cache hit saves.
  return {
    t: c.t,
    accountId: c.accountId,
    cot: content.cot,
    cotCues: content.cotCues,
    category: content.category,
    skeletonHash: content.skeletonHash,
    templateBands: content.templateBands,
    problemHash: content.problemHash,
    paramFp: c.paramFp,
    model: c.model,
    ip: c.ip,
    ipHash: c.ipHash,
    ipPrefix: c.ipPrefix,
    asn: c.asn,
    netClass: c.netClass,
    turns: c.turns,
    agenticLoop: c.agenticLoop,
    maxTokens: c.maxTokens,
    thinkingBudget: c.thinkingBudget,
  };
}

/**
 * `hashHex` of a joined parameter set, remembered: traffic holds few distinct sets (clients repeat theirs), and
 * a map lookup costs a fraction of two hash passes and two hex conversions. A pure function's memo, bounded
 * by clearing.
 */
const fingerprints = new Map<string, string>();
const FINGERPRINTS_KEPT = 50_000;
function paramFingerprint(joined: string): string {
  const known = fingerprints.get(joined);
  if (known !== undefined) return known;
  if (fingerprints.size >= FINGERPRINTS_KEPT) fingerprints.clear();
  const fp = hashHex(joined);
  fingerprints.set(joined, fp);
  return fp;
}

/**
 * The context features of one exchange (everything but the content analysis), from its prompt view.
 * `systemHash`: `systemHashOf(view.system)` when the caller has it already (see `contentInput`).
 */
export function analyseContext(ev: TimedEvent, enricher: Enricher, view: PromptView, systemHash: number = systemHashOf(view.system)): ContextFeatures {
  const e = ev.event;
  const req = e.request;
  const maxTokens = num(req?.["max_tokens"]) ?? num(req?.["max_completion_tokens"]);
  const thinking = thinkingOf(req);
  const client = e.user_agent ? enricher.client(e.user_agent) : { family: "unknown", version: null };
  const ipInfo = e.ip ? enricher.ip(e.ip) : null;
  const paramFp = paramFingerprint(
    [
      e.endpoint ?? "-",
      maxTokens ?? "-",
      num(req?.["temperature"]) ?? "-",
      num(req?.["top_p"]) ?? "-",
      thinking.key,
      view.system.length > 0 ? systemHash : "-",
      view.toolSchemaHash ?? "-",
      client.family,
    ].join("|"),
  );
  return {
    t: ev.t,
    accountId: e.account_id,
    paramFp,
    model: e.model ?? (typeof req?.["model"] === "string" ? (req["model"] as string) : null),
    ip: e.ip ?? null,
    ipHash: e.ip ? hash32(e.ip) : 0,
    ipPrefix: ipInfo?.prefix ?? null,
    asn: ipInfo?.asn ?? null,
    netClass: ipInfo?.netClass ?? "unknown",
    turns: view.turns,
    agenticLoop: view.hasToolResult || view.hasToolUse,
    maxTokens,
    thinkingBudget: thinking.budget,
  };
}
