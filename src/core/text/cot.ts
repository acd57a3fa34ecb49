/**
 * Chain-of-thought elicitation detector: does a prompt ask the model to spell out its
 * reasoning? Distillation campaigns want reasoning traces, so they ask for them, in many
 * phrasings and languages ("think step by step", "show your work", "请一步一步地思考",
 * "put your final answer within \boxed{}", "<think>" tags).
 *
 * Weighted cue families over normalised text, combined by noisy-OR: each cue is independent
 * evidence, two medium cues make a strong one, and no single weak cue ("final answer",
 * a bare "walk me through") crosses {@link COT_THRESHOLD} alone. Words like "step", "think"
 * or "reason" in other senses ("step on the gas", "I think", "the reason is") never fire:
 * every cue is a construction, not a keyword. Pure and allocation-light; see the lexicon in
 * `cot-lexicon.ts`.
 */
import { LEXICON, type LangLexicon } from "./cot-lexicon.ts";
import { gateBits } from "./gate.ts";
import { compileMatcher, matches, matchSpans, WORD_START, type Matcher } from "./matcher.ts";
import { normalizeText } from "./normalize.ts";

/** Result of {@link cotElicitation}. */
export interface CotResult {
  /** 0..1: how strongly the text demands visible step-by-step reasoning. */
  score: number;
  /** Stable ids of the cues found, in a fixed order (see {@link COT_CUE_WEIGHTS}). */
  cues: string[];
}

/** Score at and above which a prompt counts as eliciting chain-of-thought. */
export const COT_THRESHOLD = 0.5;

/**
 * Weight of each cue id. A weight is the probability-like strength of the cue alone; weights
 * were set on hand-written paraphrases and checked on real human prompts (hh-rlhf,
 * arena-hard: see eval-corpus.ts) so ordinary chat stays below the threshold.
 */
export const COT_CUE_WEIGHTS: Readonly<Record<string, number>> = {
  think_tag: 0.9,
  reason_step: 0.9,
  structured_thinking: 0.85,
  show_work: 0.85,
  boxed: 0.8,
  walk_through_solution: 0.8,
  reason_carefully: 0.7,
  reason_first: 0.7,
  lets_think: 0.6,
  justify_answer: 0.55,
  chain_of_thought: 0.55,
  detailed_solution: 0.55,
  step_by_step: 0.5,
  show_steps: 0.7,
  no_skip_steps: 0.5,
  final_answer: 0.45,
  work_it_out: 0.45,
  walk_through: 0.4,
  self_verify: 0.35,
  be_thorough: 0.2,
  step_guide: 0.2,
};

/** The cue weights as [id, weight] pairs, in the fixed output order. */
const CUE_ORDER: readonly (readonly [string, number])[] = Object.entries(COT_CUE_WEIGHTS);

type Family = "step" | "reason" | "reasonWeak" | "show" | "careful" | "first" | "final" | "lets" | "justify" | "chain" | "noskip" | "showSteps" | "procedural";
const FAMILIES: readonly Family[] = ["step", "reason", "reasonWeak", "show", "careful", "first", "final", "lets", "justify", "chain", "noskip", "showSteps", "procedural"];
/**
 * family -> compiled phrases, one matcher per language and source. Each has its own gate (see
 * `gate.ts`), so a text only runs the expressions whose words (or script) it contains: an
 * English prompt does not pay for the Spanish or Japanese phrasings.
 */
function compile(): Record<Family, Matcher[]> {
  const out = {} as Record<Family, Matcher[]>;
  for (const f of FAMILIES) {
    out[f] = [];
    for (const lang of Object.values(LEXICON) as LangLexicon[]) for (const src of lang[f] ?? []) out[f].push(compileMatcher([src]));
  }
  return out;
}
const RE = compile();

// Script-independent markup and English-only constructions.
const NOT_WORD = "(?![\\p{L}\\p{M}\\p{N}])";
const THINK_TAG = compileMatcher(["<\\/?(?:think|thinking|thought|thoughts|reasoning|reason|scratchpad|analysis|inner_monologue|reflection|step)>|<\\|(?:begin|end)_of_(?:thought|solution)\\|>|\\[(?:think|thinking|reasoning)\\]|◁\\/?think▷"]);
const BOXED = compileMatcher(["\\\\boxed|\\\\fbox|boxed\\{\\}"]);
const STRUCTURED = compileMatcher([
  "(?:long|systematic|comprehensive) thinking process|thought (?:and|&) solution|thought section|solution section|comprehensive cycle of analysis|structure your (?:response|answer) into (?:two|2|the following) (?:main )?sections|reasoning trace|internal monologue|inner monologue|thinking budget",
]);
const WALK = compileMatcher([WORD_START + "walk (?:me |us )?through" + NOT_WORD]);
const WALK_SOLUTION = compileMatcher([
  WORD_START +
    "walk (?:me |us )?through (?:[^\\s.!?]+ ){0,3}?(?:solution|solving|reasoning|logic|derivation|proof|calculations?|math|problem|answer|how (?:you|to solve|to derive|to prove|to calculate|it works out)|your (?:thinking|thought process|approach))",
]);
const WORK_OUT = compileMatcher([
  WORD_START + "(?:work (?:it|this|that|them) out|work(?:ing)? through (?:it|this|the (?:problem|question|math|logic|solution|calculation)))" + NOT_WORD,
]);
const SELF_VERIFY = compileMatcher([
  WORD_START + "(?:double[ -]?check|verify|re-?check|check|re-?examine) (?:your|each|every|all(?: of your)?|the) (?:work|answer|steps?|calculations?|computations?|arithmetic|math|maths|reasoning|result|solution|intermediate)" + NOT_WORD,
]);
/** "Be thorough": weak alone (reviews, audits), it adds to the other cues of a problem prompt. */
const BE_THOROUGH = compileMatcher([WORD_START + "be (?:very |extremely |fully )?(?:thorough|rigorous|meticulous|exhaustive)(?= *(?:[.!,;:]|$| and (?:explain|show|precise|careful|complete|detailed|rigorous)))"]);
const DETAILED_SOLUTION = compileMatcher([WORD_START + "(?:detailed|full|complete|worked|thorough|rigorous|step-by-step) (?:solution|derivation|working|proof|calculation)s?" + NOT_WORD]);

/** Distance (code units) within which a step phrase and a reasoning word count as one construction. */
const PROXIMITY = 60;

/**
 * Scores how strongly `text` elicits chain-of-thought. Apply it to the system prompt plus
 * the last user text (the caller concatenates them).
 *
 * @example
 * cotElicitation("Let's think step by step.").score >= COT_THRESHOLD // true
 * cotElicitation("Step on the gas, we're late!").score < COT_THRESHOLD // true
 */
export function cotElicitation(text: string): CotResult {
  if (text.length === 0) return { score: 0, cues: [] };
  const s = normalizeText(text);
  const bits = gateBits(s);
  const found = new Set<string>();

  if (matches(THINK_TAG, s, bits)) found.add("think_tag");
  if (matches(BOXED, s, bits)) found.add("boxed");
  if (matches(STRUCTURED, s, bits)) found.add("structured_thinking");
  if (matches(WALK_SOLUTION, s, bits)) found.add("walk_through_solution");
  else if (matches(WALK, s, bits)) found.add("walk_through");
  if (matches(WORK_OUT, s, bits)) found.add("work_it_out");
  if (matches(SELF_VERIFY, s, bits)) found.add("self_verify");
  if (matches(DETAILED_SOLUTION, s, bits)) found.add("detailed_solution");
  if (matches(BE_THOROUGH, s, bits)) found.add("be_thorough");

  const steps: number[] = [];
  collect(RE.step, s, steps, bits);
  if (has(RE.show, s, bits)) found.add("show_work");
  if (has(RE.careful, s, bits)) found.add("reason_carefully");
  if (has(RE.first, s, bits)) found.add("reason_first");
  if (has(RE.final, s, bits)) found.add("final_answer");
  if (has(RE.lets, s, bits)) found.add("lets_think");
  if (has(RE.justify, s, bits)) found.add("justify_answer");
  if (has(RE.chain, s, bits)) found.add("chain_of_thought");
  const noSkip = has(RE.noskip, s, bits);
  const showSteps = has(RE.showSteps, s, bits);
  // "Don't skip any steps" / "show every step" ask for every intermediate step, unless the steps are a how-to's.
  if (noSkip || showSteps) {
    if (has(RE.procedural, s, bits)) found.add("step_guide");
    else {
      if (noSkip) found.add("no_skip_steps");
      if (showSteps) found.add("show_steps");
    }
  }
  if (steps.length > 0) {
    // "think / solve step by step" is reasoning; "step-by-step guide to install" is a how-to;
    // weak words ("explain", "answer") make it reasoning only outside how-to context.
    const reasons: number[] = [];
    collect(RE.reason, s, reasons, bits);
    if (near(steps, reasons)) found.add("reason_step");
    else if (has(RE.procedural, s, bits)) found.add("step_guide");
    else {
      const weak: number[] = [];
      collect(RE.reasonWeak, s, weak, bits);
      found.add(near(steps, weak) ? "reason_step" : "step_by_step");
    }
  }

  const cues: string[] = [];
  let keep = 1;
  if (found.size > 0) {
    for (const [id, w] of CUE_ORDER) {
      if (!found.has(id)) continue;
      cues.push(id);
      keep *= 1 - w;
    }
  }
  return { score: Math.round((1 - keep) * 1000) / 1000, cues };
}

function has(list: readonly Matcher[], s: string, bits: Uint8Array): boolean {
  for (const m of list) if (bits[m.gate] === 1 && matches(m, s, bits)) return true;
  return false;
}

/** Start and end offsets of every match, flattened as [start0, end0, start1, end1, ...]. */
function collect(list: readonly Matcher[], s: string, out: number[], bits: Uint8Array): void {
  for (const m of list) if (bits[m.gate] === 1) matchSpans(m, s, out, 64, bits);
}

/** Whether some step span and some reason span lie within PROXIMITY of each other. */
function near(steps: readonly number[], reasons: readonly number[]): boolean {
  for (let i = 0; i + 1 < steps.length; i += 2) {
    const a0 = steps[i] ?? 0;
    const a1 = steps[i + 1] ?? 0;
    for (let j = 0; j + 1 < reasons.length; j += 2) {
      const b0 = reasons[j] ?? 0;
      const b1 = reasons[j + 1] ?? 0;
      const gap = b0 >= a1 ? b0 - a1 : a0 >= b1 ? a0 - b1 : 0;
      if (gap <= PROXIMITY) return true;
    }
  }
  return false;
}

