/**
 * Where prompt text comes from. The built-in generator works on a fresh clone; `--corpus DIR` swaps in
 * real prompts (human ones for legitimate users, distillation-style ones for attackers, students and
 * benchmarks). Every method takes the caller's RNG so output stays deterministic per actor.
 */
import type { Rng } from "../rng.ts";

export type ReplyKind = "chat" | "math" | "code" | "work";

export interface TextSource {
  /** A math word problem. */
  math(rng: Rng): string;
  /** A programming task. */
  code(rng: Rng): string;
  /** A task statement an agent would work on with tools. */
  agenticTask(rng: Rng): string;
  /** A topic for instruction-generation prompts. */
  topic(rng: Rng): string;
  /** An example instruction (seed for self-instruct style generation). */
  seedInstruction(rng: Rng): string;
  /** The first message of an ordinary conversation. */
  chatOpening(rng: Rng): string;
  /** A follow-up turn ("why?", "make it shorter"). */
  chatFollowUp(rng: Rng): string;
  /** A developer's question. */
  devQuestion(rng: Rng): string;
  /** A workplace task (enterprise internal assistant). */
  workTask(rng: Rng): string;
  /** What an end user types into a SaaS app (support message, text to polish). */
  customerText(rng: Rng): string;
  /** A short stand-in for an earlier assistant reply kept in the conversation history. */
  reply(rng: Rng, kind: ReplyKind): string;
}
