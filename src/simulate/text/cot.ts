/**
 * Chain-of-thought elicitation phrases in several languages. Attackers use them in any language the
 * model speaks (one public report: ~100k prompts, many not in English); students and benchmark
 * runs use the English ones too, which is what makes them hard look-alikes.
 */
import type { Rng } from "../rng.ts";
import type { CotLanguage } from "../scenario-schema.ts";

export const COT_SUFFIXES: Readonly<Record<CotLanguage, readonly string[]>> = {
  en: [
    "Let's think step by step.",
    "Please reason step by step, and put your final answer within \\boxed{}.",
    "Think through the problem carefully and show your full reasoning before giving the final answer.",
    "Explain your reasoning in detail, one step at a time, then state the answer.",
    "Show your work.",
  ],
  zh: ["请一步一步地思考，并给出详细的推理过程。", "请逐步推理，并把最终答案写在 \\boxed{} 中。", "让我们一步一步来思考。"],
  ru: ["Давай рассуждать шаг за шагом.", "Подробно объясни ход рассуждений, шаг за шагом, а затем дай ответ."],
  es: ["Pensemos paso a paso.", "Razona paso a paso y escribe la respuesta final al final."],
  de: ["Lass uns Schritt für Schritt denken.", "Erkläre deinen Lösungsweg Schritt für Schritt und gib dann die Antwort."],
  fr: ["Réfléchissons étape par étape.", "Explique ton raisonnement étape par étape avant de donner la réponse."],
  ja: ["ステップバイステップで考えてください。", "推論の過程を順を追って詳しく説明してから答えてください。"],
  ko: ["단계별로 생각해 봅시다.", "풀이 과정을 단계별로 자세히 설명한 후 답을 제시하세요."],
  pt: ["Vamos pensar passo a passo.", "Explique o raciocínio passo a passo e depois dê a resposta final."],
  ar: ["لنفكر خطوة بخطوة.", "اشرح طريقة تفكيرك خطوة بخطوة ثم أعطِ الإجابة النهائية."],
};

/** Reasoning-eliciting system prompts (attackers and some eval harnesses). */
export const REASONING_SYSTEMS: readonly string[] = [
  "You are a meticulous reasoner. Always show your complete chain of thought before the final answer.",
  "You are a helpful assistant. Think step by step and explain every intermediate step.",
  "You are an expert problem solver. Reason carefully, verify each step, and end with 'Final answer:'.",
  "A conversation between User and Assistant. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer.",
];

/** One CoT phrase in one of the given languages. */
export function cotSuffix(rng: Rng, languages: readonly CotLanguage[]): string {
  const lang = rng.pick(languages);
  return rng.pick(COT_SUFFIXES[lang]);
}
