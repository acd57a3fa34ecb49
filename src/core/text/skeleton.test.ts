import { test } from "node:test";
import assert from "node:assert/strict";
import { jaccardEstimate, minhash } from "./minhash.ts";
import { skeleton, SLOT } from "./skeleton.ts";

const fill = (tpl: string, slots: Record<string, string>): string => tpl.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? "");

const TEMPLATES = [
  'Given the following passage\n\n"{passage}",\n\nanswer the following question. Note that the answer is present within the text.\n\nQuestion: {question}',
  "Is this product review positive?\nTitle: {title}\nReview: {review}\nAnswer:",
  "{context}\nAccording to the above context, choose the best option to answer the following question.\nQuestion: {question}\nOptions:\n{options}",
  "Summarize this document: {passage}\nSummary:",
  "Please reason step by step, and put your final answer within \\boxed{}.\n\n{question}",
  "Extract the answer to the question from the following context.\nQuestion: {question}\nContext: {passage}",
];

const SLOTS = [
  {
    passage: "The Tethys Sea continued to narrow while broad shallow seas advanced across central North America and Europe, leaving thick marine deposits.",
    question: "What continued to narrow?",
    title: "Hours of Fun for my 4 and 6 year olds",
    review: "We purchased this game a year ago and my girls still love to play it. Lots of activities.",
    context: "My sister called me at 3 am because her car broke down on the highway near Denver.",
    options: "A. She was angry\nB. She needed help\nC. She called the police",
  },
  {
    passage: "In 2014, state broadcaster CCTV ran a story calling Windows 8 a threat to national security, and the government banned it on official computers; critics said the move was political.",
    question: "Who ran the story in 2014?",
    title: "Incorrect disc!",
    review: "I am a big JVC fan, but I do not like this model. The unit sends out clicks to the receiver once in a while and skips.",
    context: "We stayed up late watching the storm roll in over the lake, then the power went out for the whole night.",
    options: "A. They were scared\nB. They went to sleep\nC. They lit candles",
  },
  {
    passage: "Heartwood derives solely from its position and not from any vital importance to the tree; a tree can thrive with its heart completely decayed, as many old oaks show.",
    question: "What can a tree thrive without?",
    title: "Amazing soundtrack",
    review: "This soundtrack is my favorite music of all time, hands down. The intense sadness of the opening theme still gets me.",
    context: "The new manager changed every schedule on her first day, and nobody on the night shift was told.",
    options: "A. The staff complained\nB. The manager quit\nC. Nothing happened",
  },
];

test("gives prompts from one template with different slots the same skeleton", () => {
  for (const tpl of TEMPLATES) {
    const sks = SLOTS.map((s) => skeleton(fill(tpl, s)));
    assert.equal(new Set(sks).size, 1, `${tpl.slice(0, 40)}: ${JSON.stringify(sks)}`);
    assert.ok(sks[0]?.includes(SLOT));
  }
});

test("gives prompts from different templates different skeletons", () => {
  const sks = TEMPLATES.map((tpl) => skeleton(fill(tpl, SLOTS[0] ?? {})));
  assert.equal(new Set(sks).size, TEMPLATES.length, JSON.stringify(sks, null, 1));
});

test("keeps the scaffolding words and masks the slot content", () => {
  const sk = skeleton(fill(TEMPLATES[1] ?? "", SLOTS[0] ?? {}));
  assert.equal(sk, "_ this product review positive ? ¶ title : _ ¶ review : _ ¶ answer :");
  for (const content of ["fun", "purchased", "girls", "game"]) assert.ok(!sk.includes(content), content);
});

test("masks numbers, quoted strings, URLs, e-mails and code blocks", () => {
  assert.equal(skeleton("Question: what is 3.5% of 200?"), skeleton("Question: what is 12% of 7,000?"));
  assert.equal(skeleton('Translate "good morning" into French.'), skeleton('Translate "where is the station" into French.'));
  assert.equal(skeleton("Summarize the article at https://example.com/a?b=1 please."), skeleton("Summarize the article at http://news.test/x/y please."));
  assert.equal(skeleton("Write an email to bob@example.com about the review."), skeleton("Write an email to alice.smith@corp.test about the review."));
  const code = skeleton("Explain the following code:\n```python\nprint(1)\n```");
  assert.equal(code, skeleton("Explain the following code:\n```js\nconsole.log([1, 2].map(String));\n```"));
  assert.ok(code.includes("<code>"));
});

test("treats capitalised entity runs as slot content even when they contain prompt words", () => {
  assert.equal(skeleton("Write a review of The Final Answer Cafe in Paris."), skeleton("Write a review of Blue Bottle Coffee in Paris."));
});

test("does not leak stray prompt words from a long passage", () => {
  const a = "Summarize this document: The question of who owns the river was never settled, and the final answer came only in 1920 when the court wrote its review of the claim.\nSummary:";
  const b = "Summarize this document: Rainfall in the valley doubled over a decade, which farmers welcomed at first and later feared as the floods grew worse each spring.\nSummary:";
  assert.equal(skeleton(a), skeleton(b));
});

test("handles a Chinese template", () => {
  const a = skeleton("请根据以下文章回答问题。\n文章：今天的天气很好，我们去公园散步。\n问题：我们去了哪里？");
  const b = skeleton("请根据以下文章回答问题。\n文章：小明昨天买了三本书，其中一本是小说。\n问题：小明买了几本书？");
  assert.equal(a, b);
  assert.ok(a.startsWith("请 根据 以下 文章 回答 问题"), a);
});

test("looks at the head and tail of a very long text only, and keeps a trailing instruction", () => {
  const long = "Summarize this document: " + "The committee met again to discuss the budget. ".repeat(5000) + "\nSummary:";
  const sk = skeleton(long);
  assert.equal(sk, skeleton("Summarize this document: A short text about a budget meeting that went on for a while.\nSummary:"));
  assert.equal(skeleton(long, 100).endsWith("summary :"), true);
});

test("returns an empty skeleton for empty text and a slot for pure content", () => {
  assert.equal(skeleton(""), "");
  assert.equal(skeleton("Natalia sold clips to friends in April"), SLOT);
});

// Paraphrases of one instruction-generation template: verb, count, adjective, item noun and topic rotate.
const GEN_FAMILY = [
  "Generate 15 diverse tasks about organic farming that someone might ask an AI assistant. For each, write a detailed answer with examples. Format the output as JSON lines.",
  "Come up with 20 challenging questions about tax law that someone might ask an AI assistant. For each, write a detailed answer with examples. Format the output as JSON lines.",
  "Craft 8 creative prompts about medieval castles that someone might ask an AI assistant. For each, write a detailed answer with examples. Format the output as JSON lines.",
  "Produce 11 varied requests about bird migration that someone might ask an AI assistant. For each, write a detailed answer with examples. Format the output as JSON lines.",
];
const SEED_FAMILY = [
  'Here is a sample instruction: "Name three uses of vinegar."\nWrite 10 new instructions like it on other subjects, each with a detailed answer.',
  'Here is a sample instruction: "Describe how tides work to a child."\nCompose 25 new high-quality requests like it on other subjects, each with a detailed answer.',
];

test("gives paraphrases of one instruction-generation template the same skeleton, keeping its scaffolding", () => {
  const sks = GEN_FAMILY.map((t) => skeleton(t));
  assert.equal(new Set(sks).size, 1, JSON.stringify(sks, null, 1));
  const sk = sks[0] ?? "";
  for (const w of ["generate", "tasks", "assistant", "for each", "detailed", "json"]) assert.ok(sk.includes(w), `${w} in ${sk}`);
  for (const w of ["farming", "15", "diverse", "castles"]) assert.ok(!sk.includes(w), `${w} in ${sk}`);
  const seeds = SEED_FAMILY.map((t) => skeleton(t));
  assert.equal(new Set(seeds).size, 1, JSON.stringify(seeds, null, 1));
  assert.notEqual(seeds[0], sk);
});

test("keeps instruction-generation paraphrases near-same under MinHash and apart from other templates and chat", () => {
  const sigs = GEN_FAMILY.map((t) => minhash(skeleton(t)));
  const other = [
    ...SEED_FAMILY,
    "My dog keeps barking at night. Any tips?",
    "Is this product review positive?\nTitle: Great kettle\nReview: Boils fast and looks nice.\nAnswer:",
    "Please reason step by step, and put your final answer within \\boxed{}.\n\nWhat is 17 times 23?",
  ].map((t) => minhash(skeleton(t)));
  for (const s of sigs) assert.ok(jaccardEstimate(s, sigs[0] as Uint32Array) >= 0.9);
  for (const o of other) assert.ok(jaccardEstimate(o, sigs[0] as Uint32Array) < 0.3);
});

test("maps generation paraphrases in Spanish and Russian to one skeleton per language", () => {
  const es = [
    "Genera 10 preguntas sobre astronomía que un usuario podría hacer a un asistente de IA. Para cada una, escribe una respuesta detallada.",
    "Escribe 7 tareas sobre la historia de Roma que un usuario podría hacer a un asistente de IA. Para cada una, escribe una respuesta detallada.",
  ].map((t) => skeleton(t));
  assert.equal(es[0], es[1]);
  assert.ok(es[0]?.includes("usuario"), es[0]);
  const ru = [
    "Сгенерируй 10 вопросов по химии. Для каждого напиши подробный ответ.",
    "Придумай 5 заданий по истории. Для каждого напиши подробный ответ.",
  ].map((t) => skeleton(t));
  assert.equal(ru[0], ru[1]);
});

test("keeps short instruction sentences around a problem slot", () => {
  const a = skeleton("Do not skip any steps.\n\nWhat is the remainder when 7^40 is divided by 9?");
  assert.equal(a, skeleton("Do not skip any steps.\n\nA tank holds 40 litres and leaks 3 litres an hour. When is it empty?"));
  assert.ok(a.startsWith("do not skip any steps"), a);
});

test("does not read a sentence-initial capital followed by an acronym as a name", () => {
  assert.equal(skeleton('Return JSON lines with "question" and "answer".').startsWith("return json lines"), true);
  assert.equal(skeleton("Write an email to bob@example.com about the review."), skeleton("Write an email to alice.smith@corp.test about the review."));
});
