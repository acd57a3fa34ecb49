import { test } from "node:test";
import assert from "node:assert/strict";
import { cotElicitation, COT_THRESHOLD } from "./cot.ts";

/** [language, text]: prompts that demand visible reasoning. */
const POSITIVES: ReadonlyArray<readonly [string, string]> = [
  ["en", "Let's think step by step."],
  ["en", "Please reason step by step, and put your final answer within \\boxed{}."],
  ["en", "Show your reasoning."],
  ["en", "Show your work."],
  ["en", "Explain your reasoning before answering."],
  ["en", "Reason carefully about the problem below."],
  ["en", "First think, then answer."],
  ["en", "Wrap your thoughts in <think></think> tags before the answer."],
  ["en", "Walk me through how you would solve this integral."],
  ["en", "Let's work this out in a step by step way to be sure we have the right answer."],
  ["en", "Before you answer, lay out each step of your logic."],
  ["en", "Think it through carefully and give the final answer at the end."],
  ["en", "You need first write a step-by-step outline and then write the code."],
  ["en", "First provide step-by-step reasoning on how to answer the question."],
  ["en", "Include all intermediate steps and calculations in your response."],
  ["en", "Break the problem down and explain your thought process."],
  ["en", "Solve the following problem. Think out loud."],
  ["en", "Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process."],
  ["en", "Justify your answer."],
  ["en", "Take a deep breath and work on this problem step-by-step."],
  ["en", "A train leaves at 3pm going 60 mph. When does it arrive 150 miles away? Answer: <number>. Show the full derivation."],
  ["zh", "请一步一步地思考：一个数的三倍加五等于二十，这个数是多少？"],
  ["zh", "请逐步推理，并给出最终答案。"],
  ["zh", "请写出详细的解题过程。"],
  ["zh", "先仔细思考，再回答问题。"],
  ["zh-Hant", "請一步一步思考並寫出推理過程。"],
  ["ja", "ステップバイステップで考えてください。"],
  ["ja", "答える前に、推論の過程を説明してください。"],
  ["ja", "順を追って考えて、最終的な答えを示してください。"],
  ["ko", "단계별로 생각해 보세요."],
  ["ko", "풀이 과정을 보여 주세요."],
  ["ko", "답하기 전에 차근차근 추론해 봅시다."],
  ["ru", "Подумай пошагово и дай окончательный ответ."],
  ["ru", "Рассуждай шаг за шагом."],
  ["ru", "Покажи свои рассуждения перед ответом."],
  ["es", "Piensa paso a paso."],
  ["es", "Explica tu razonamiento antes de responder."],
  ["es", "Resuelve el problema paso a paso y da la respuesta final."],
  ["fr", "Réfléchis étape par étape."],
  ["fr", "Explique ton raisonnement avant de répondre."],
  ["de", "Denke Schritt für Schritt nach."],
  ["de", "Zeige deinen Lösungsweg und begründe deine Antwort."],
  ["pt", "Pense passo a passo."],
  ["pt", "Explique seu raciocínio antes de responder."],
  ["ar", "فكر خطوة بخطوة."],
  ["ar", "اشرح طريقة تفكيرك قبل الإجابة."],
  ["hi", "चरण दर चरण सोचें।"],
  ["hi", "उत्तर देने से पहले ध्यान से सोचें।"],
  ["vi", "Hãy suy nghĩ từng bước."],
  ["vi", "Trình bày lời giải chi tiết và đáp án cuối cùng."],
  ["id", "Pikirkan langkah demi langkah."],
  ["id", "Jelaskan penalaran Anda sebelum menjawab."],
  ["tr", "Adım adım düşün."],
  ["tr", "ADIM ADIM DÜŞÜNELİM."],
  ["it", "Ragiona passo dopo passo."],
  ["it", "Spiega il tuo ragionamento prima di rispondere."],
  ["nl", "Denk stap voor stap na."],
  ["pl", "Pomyśl krok po kroku."],
  ["th", "คิดทีละขั้นตอน"],
  ["fa", "گام به گام فکر کن."],
  ["en-fullwidth", "Ｔｈｉｎｋ ｓｔｅｐ ｂｙ ｓｔｅｐ．"],
  ["en", "Don't just give the answer; I want to see how you got there."],
  ["en", "Articulate every inference you make."],
  ["en", "Go through the problem one step at a time before giving your answer."],
  ["ru", "Пожалуйста, рассуждай последовательно и покажи ход решения."],
  ["ja", "段階的に推論してから答えてください。"],
];

/** Ordinary prompts, many with "step", "think", "reason" or "explain" in other senses. */
const NEGATIVES: readonly string[] = [
  "Step on the gas, we're going to be late!",
  "Explain this joke: why did the chicken cross the road?",
  "I think the reason my code fails is a missing import. Can you check?",
  "What is the first step to starting a small business?",
  "Give me step-by-step instructions to install Docker on Ubuntu.",
  "What's the reason the sky is blue?",
  "Do you think it will rain tomorrow in Paris?",
  "Write a haiku about rain.",
  "Summarize this support ticket: printer on floor 3 is jammed again.",
  "Step away from the computer and take a break, my doctor said. Is that good advice?",
  "What do you think about the new iPhone?",
  "Explain the difference between TCP and UDP.",
  "Think of a name for my cat.",
  "Give me your thoughts on this essay about climate change.",
  "Is $15,000 a reasonable price for a used car?",
  "Which steps should I take to get a visa for Canada?",
  "Let's meet tomorrow at 5.",
  "Let's think about what to cook tonight.",
  "The answer is 42, right?",
  "He took the first step toward recovery after the accident.",
  "I'm writing a step-by-step guide for new employees; can you proofread it?",
  "My reasoning for leaving the job was the long commute. How do I say that politely?",
  "Please explain how photosynthesis works.",
  "Describe the logic gates in a CPU.",
  "What is 17*23?",
  "Can you show me your favourite recipe for pancakes?",
  "Walk the dog twice a day, my vet says. How long should each walk be?",
  "What are some pranks with a pen I can do?",
  "How do I pick a lock?",
  "Translate 'good morning' into German.",
  "今天天气怎么样？",
  "请帮我写一封感谢信。",
  "我觉得这个问题很难。",
  "¿Cuál es la capital de Francia?",
  "Dame una receta de paella.",
  "Ich denke, dass das Wetter morgen gut wird.",
  "Какая сегодня погода в Москве?",
  "東京のおすすめのレストランを教えてください。",
  "서울에서 맛있는 식당을 추천해 주세요.",
  "Quel est le meilleur film de 2023 ?",
  "Eu penso que vou viajar amanhã.",
  "Penso che domani pioverà.",
  "Explain the plot of Hamlet in two sentences.",
  "What's the final score of last night's game?",
  "Can you check my grammar in this email to my boss?",
  "Explain your approach to marketing a new app.",
  "Покажи мне дорогу до вокзала.",
  "I think hard drives are better than SSDs for backups.",
  "Show me the steps to build an invoice app using Python.",
  "Show the current working directory.",
  "Let's think about it together.",
  "Write a step-by-step guide for resolving GitHub merge conflicts.",
  "Explain the steps to create an antidote for a snake bite.",
];

test("scores chain-of-thought demands at or above the threshold across phrasings and languages", () => {
  const langs = new Set(POSITIVES.map(([l]) => l.split("-")[0]));
  assert.ok(POSITIVES.length >= 40 && langs.size >= 12, "fixture covers >= 40 phrasings in >= 12 languages");
  const missed = POSITIVES.filter(([, t]) => cotElicitation(t).score < COT_THRESHOLD).map(([l, t]) => `${l}: ${t} -> ${JSON.stringify(cotElicitation(t))}`);
  assert.deepEqual(missed, []);
});

test("keeps ordinary prompts below the threshold even when they say step, think or reason", () => {
  assert.ok(NEGATIVES.length >= 30);
  const flagged = NEGATIVES.filter((t) => cotElicitation(t).score >= COT_THRESHOLD).map((t) => `${t} -> ${JSON.stringify(cotElicitation(t))}`);
  assert.deepEqual(flagged, []);
});

test("names the cues it found with stable ids", () => {
  assert.deepEqual(cotElicitation("Please reason step by step, and put your final answer within \\boxed{}.").cues, ["reason_step", "boxed", "final_answer"]);
  assert.deepEqual(cotElicitation("<think>").cues, ["think_tag"]);
  assert.deepEqual(cotElicitation("hello there").cues, []);
});

test("a bare step-by-step is a moderate cue, next to a reasoning verb a strong one", () => {
  const bare = cotElicitation("Step by step, please.").score;
  const withVerb = cotElicitation("Solve it step by step, please.").score;
  assert.ok(bare >= COT_THRESHOLD && bare < 0.7, `bare ${bare}`);
  assert.ok(withVerb >= 0.85, `with verb ${withVerb}`);
});

test("finds a suffix at the end of a very long prompt", () => {
  const long = "The committee met to discuss the budget. ".repeat(500) + "Let's think step by step.";
  assert.ok(cotElicitation(long).score >= 0.9);
});

test("returns zero for empty and whitespace text", () => {
  assert.deepEqual(cotElicitation(""), { score: 0, cues: [] });
  assert.deepEqual(cotElicitation("   \n "), { score: 0, cues: [] });
});

test("treats 'do not skip any steps' and 'show every step' as moderate cues in several languages", () => {
  const moderate = [
    "Do not skip any steps.",
    "Don't skip steps.",
    "Please make sure not to skip any intermediate steps.",
    "Leave no step out.",
    "Show every step.",
    "No te saltes ningún paso.",
    "Ne saute aucune étape.",
    "Überspringe keine Schritte.",
    "Не пропускай ни одного шага.",
    "不要跳过任何步骤。",
    "단계를 건너뛰지 마세요.",
  ];
  for (const t of moderate) {
    const r = cotElicitation(t);
    assert.ok(r.score >= COT_THRESHOLD && r.score <= 0.7, `${t} -> ${JSON.stringify(r)}`);
  }
  // Together with another cue (a problem prompt's "show your work", "be thorough") they make a strong one.
  assert.ok(cotElicitation("Show your work and don't skip any steps.").score >= 0.9);
  assert.ok(cotElicitation("Be thorough and explain each step.").score > cotElicitation("Explain each step.").score);
  assert.ok(cotElicitation("Double-check your arithmetic. Do not skip any steps.").score > 0.6);
});

test("does not read skipping or thoroughness in ordinary senses as a reasoning demand", () => {
  const ordinary = [
    "Don't skip a beat.",
    "Do not skip breakfast, my nutritionist says. Is that true?",
    "I never skip steps when I bake bread.",
    "Skip the steps you already did last week.",
    "The recipe has six steps; do not skip any.",
    "Make sure you don't skip steps in the installation guide.",
    "How do I install it? Show every step.",
    "Be thorough in your review of the contract.",
    "Without skipping the steps, the dance looks odd.",
    "Be thorough.",
  ];
  const flagged = ordinary.filter((t) => cotElicitation(t).score >= COT_THRESHOLD).map((t) => `${t} -> ${JSON.stringify(cotElicitation(t))}`);
  assert.deepEqual(flagged, []);
});
