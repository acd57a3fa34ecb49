/**
 * What a distillation campaign sends: problems from large sets wrapped in a few templates (or many
 * paraphrased ones), chain-of-thought demands in several languages, instruction generation, grading,
 * problems re-sent for rejection sampling, and a share of ordinary chat to blend in.
 */
import type { CampaignConfig } from "../scenario-schema.ts";
import type { Rng } from "../rng.ts";
import { cotSuffix, REASONING_SYSTEMS } from "../text/cot.ts";
import type { SimEnv } from "../world.ts";

export type PromptKind = "reasoning" | "coding" | "agentic" | "instructions" | "grading" | "chat";

export interface CampaignPrompt {
  readonly kind: PromptKind;
  readonly text: string;
  readonly system?: string;
}

const OPENERS = [
  "Solve the following problem.", "Work out the answer to this question.", "Here is a problem for you.", "Please solve this.",
  "Answer the question below.", "Consider the following task.", "Figure out the solution to the problem below.", "Try this one:",
  "Give a complete solution.", "Tackle the following.",
];
const CLOSERS = ["", " Be thorough.", " Double-check your arithmetic.", " Explain each step clearly.", " Do not skip any steps.", ""];
type Layout = (opener: string, problem: string, cot: string, closer: string) => string;
const LAYOUTS: readonly Layout[] = [
  (o, p, c, z) => `${o}\n\n${p}\n\n${c}${z}`,
  (_o, p, c, z) => `${p}\n${c}${z}`,
  (o, p, c, z) => `${o} ${c}${z}\n\nProblem: ${p}`,
  (_o, p, c, z) => `${c}${z}\n\n${p}`,
  (_o, p, c, z) => `Problem:\n${p}\n\nInstructions: ${c}${z}`,
];
const CODE_WRAPS: readonly ((p: string, c: string) => string)[] = [
  (p, c) => `Write a complete, well-commented solution. ${c}\n\n${p}`,
  (p, c) => `${p}\n\nThink carefully about edge cases. ${c} Then give the final code.`,
  (p, c) => `You are given the following programming task.\n${p}\nProvide: 1) analysis 2) algorithm 3) code 4) complexity. ${c}`,
];
const GEN_VERBS = ["Generate", "Create", "Write", "Come up with", "Produce", "Compose"];
const GEN_ADJ = ["diverse", "varied", "different", "creative", "challenging", "high-quality"];
const GEN_NOUN = ["instructions", "tasks", "prompts", "questions", "requests"];

/** One fixed template, chosen at campaign creation (non-paraphrasing campaigns reuse a few of these). */
interface Fixed {
  readonly opener: string;
  readonly layout: Layout;
  readonly closer: string;
  readonly codeWrap: (p: string, c: string) => string;
  readonly gen: readonly [string, string, string];
}

function fixedTemplate(r: Rng): Fixed {
  return { opener: r.pick(OPENERS), layout: r.pick(LAYOUTS), closer: r.pick(CLOSERS), codeWrap: r.pick(CODE_WRAPS), gen: [r.pick(GEN_VERBS), r.pick(GEN_ADJ), r.pick(GEN_NOUN)] };
}

/** A campaign's prompt source. Shared by all its accounts (one orchestrator), so repeats cross accounts. */
export class CampaignPrompts {
  readonly system: string | undefined;
  private readonly fixed: readonly Fixed[];
  private readonly kinds: readonly (readonly [PromptKind, number])[];
  private readonly recent: { text: string; kind: PromptKind; left: number }[] = [];

  constructor(
    private readonly cfg: CampaignConfig,
    private readonly env: SimEnv,
    r: Rng,
  ) {
    this.system = r.chance(0.5) ? r.pick(REASONING_SYSTEMS) : undefined;
    this.fixed = Array.from({ length: r.int(1, 3) }, () => fixedTemplate(r));
    const t = cfg.targets;
    const work = 1 - cfg.chat_share;
    const sum = t.reasoning + t.coding + t.agentic + t.instructions + t.grading;
    this.kinds = [
      ["reasoning", (work * t.reasoning) / sum],
      ["coding", (work * t.coding) / sum],
      ["agentic", (work * t.agentic) / sum],
      ["instructions", (work * t.instructions) / sum],
      ["grading", (work * t.grading) / sum],
      ["chat", cfg.chat_share],
    ];
  }

  /** Mean exchanges per session (agentic sessions are multi-step tool loops). */
  meanTurns(): number {
    const agentic = this.kinds.find(([k]) => k === "agentic")?.[1] ?? 0;
    const chat = this.cfg.chat_share;
    return 1 + agentic * 5 + chat * 1.2;
  }

  /** The next prompt; `r` is the sending account's RNG. */
  next(r: Rng): CampaignPrompt {
    const rej = this.cfg.rejection;
    if (rej.share > 0 && this.recent.length > 0 && r.chance(rej.share)) {
      const i = r.int(0, this.recent.length - 1);
      const e = this.recent[i];
      if (e !== undefined) {
        e.left--;
        if (e.left <= 0) this.recent.splice(i, 1);
        return { kind: e.kind, text: e.text, ...(this.system === undefined ? {} : { system: this.system }) };
      }
    }
    const kind = r.weighted(this.kinds);
    const text = this.text(kind, r);
    if (rej.share > 0 && (kind === "reasoning" || kind === "coding")) {
      this.recent.push({ text, kind, left: r.int(1, rej.max_repeats) });
      if (this.recent.length > 400) this.recent.shift();
    }
    const system = kind === "chat" || kind === "agentic" ? undefined : this.system;
    return { kind, text, ...(system === undefined ? {} : { system }) };
  }

  private cot(r: Rng): string {
    return r.chance(this.cfg.cot_share) ? cotSuffix(r, this.cfg.cot_languages) : "";
  }

  private text(kind: PromptKind, r: Rng): string {
    const env = this.env;
    const para = this.cfg.paraphrase;
    const f = r.pick(this.fixed);
    switch (kind) {
      case "reasoning": {
        const p = env.text.math(r);
        return para ? r.pick(LAYOUTS)(r.pick(OPENERS), p, this.cot(r), r.pick(CLOSERS)) : f.layout(f.opener, p, this.cot(r), f.closer);
      }
      case "coding": {
        const p = env.text.code(r);
        return (para ? r.pick(CODE_WRAPS) : f.codeWrap)(p, this.cot(r)).trim();
      }
      case "instructions": {
        const [verb, adj, noun] = para ? [r.pick(GEN_VERBS), r.pick(GEN_ADJ), r.pick(GEN_NOUN)] : f.gen;
        const n = para ? r.int(5, 25) : 20;
        if (r.chance(0.4)) {
          return `Here is an example task: "${env.text.seedInstruction(r)}"\n${verb} ${n} new ${adj} ${noun} in the same spirit but on different subjects, each followed by an ideal, detailed answer.`;
        }
        return `${verb} ${n} ${adj} ${noun} about ${env.text.topic(r)} that a user might ask an AI assistant. For each, write a detailed, high-quality response that explains its reasoning. Return JSON lines with "instruction" and "output".`;
      }
      case "grading":
        return `You are a strict grader. Score the following answer from 1 to 10 and justify the score step by step.\n\nQuestion: ${env.text.math(r)}\n\nAnswer: ${env.text.reply(r, "math")} The answer is ${r.int(2, 500)}.`;
      case "agentic":
        return env.text.agenticTask(r);
      case "chat":
        return env.text.chatOpening(r);
    }
  }
}
