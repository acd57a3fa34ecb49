/**
 * Content category of one request: what skill the prompt exercises. Distillation campaigns
 * target reasoning, coding, agentic tool use and instruction generation; ordinary chat is
 * "other". The engine aggregates categories per account and campaign ("targets").
 *
 * Each category's score is a noisy-OR of weighted cues (structure of the request, code
 * syntax, numbers and equations, instruction-generation phrasings), so one weak cue never
 * decides and strong structural evidence (tools defined, code blocks) does. Digits and
 * equations are language-free; keyword cues cover the main languages where that is cheap.
 */
import { allOpen, gateBits } from "./gate.ts";
import { compileMatcher, matches, type Matcher } from "./matcher.ts";
import { HEAD_CHARS, isAscii, normalizeText, TAIL_CHARS } from "./normalize.ts";
import type { PromptView } from "./prompt.ts";

/** The skill a prompt targets. */
export type Category = "reasoning" | "coding" | "agentic" | "instruction" | "other";

/** Result of {@link categorize}. */
export interface CategoryResult {
  category: Category;
  /** 0..1 per category; `other` is the fixed bar the others must clear. */
  scores: Record<Category, number>;
}

/** Score a category must reach to beat "other". */
export const OTHER_BAR = 0.35;

interface Cue {
  readonly m: Matcher;
  readonly w: number;
  /** Cheap pre-check: the cue can only match when this character class occurs in the text. */
  readonly gate: RegExp | null;
}
/**
 * A weighted cue over normalised text; regex literals starting with a word-start guard get
 * the fast matcher (see matcher.ts), every one a word-trigger gate (see gate.ts).
 */
const cue = (re: RegExp, w: number, gate: RegExp | null = null): Cue => {
  const src = re.source.replace(/^\(\?<!\[\\p\{L\}\]\)/u, "(?<![\\p{L}\\p{M}\\p{N}])");
  return { m: compileMatcher([src], re.flags.includes("m")), w, gate };
};
/**
 * A weighted cue over the raw text (case and layout matter). Its gate is read from the scan of
 * the normalised text, which is sound when the raw text is ASCII (normalisation then only
 * lowercases and folds whitespace); otherwise every raw cue runs.
 */
const rawCue = (re: RegExp, w: number, gate: RegExp | null = null): Cue => ({ m: compileMatcher([re.source], re.flags.includes("m"), "folded"), w, gate });

// Raw-text cues (case and layout matter for code).
const CODE_RAW: readonly Cue[] = [
  rawCue(/```/u, 0.75),
  rawCue(/^\s*(?:def |class |import |from \S+ import |#include|package |using namespace|public (?:static |class )|fn |func |function |const \w+ = |let \w+ = |var \w+ = |SELECT |CREATE TABLE|<\?php|@Override)/mu, 0.6),
  rawCue(/Traceback \(most recent call last\)|^\s+at [\w.$<>]+ ?\(.*:\d+(?::\d+)?\)|Exception in thread|(?<![\p{L}])(?:TypeError|ValueError|NullPointerException|SyntaxError|ReferenceError|segmentation fault|undefined reference)\b/mu, 0.7),
  rawCue(/[;{}]\s*$/mu, 0.25, /[;{}]/),
  rawCue(/\b\w+\([\w\s,:=*[\]'"]*\)\s*(?:->|:|\{)/u, 0.35, /\(/),
  rawCue(/>>> \w+\(|assert \w+\(|\/\/ >>> /u, 0.55, /[>(]/),
];
const CODE_NORM: readonly Cue[] = [
  cue(/(?<![\p{L}])(?:write|implement|create|code|build|develop|design|fix|debug|refactor|optimi[sz]e|complete|generate) (?:a |an |the |me a |some )?(?:\S+ ){0,3}?(?:function|program|script|class|method|algorithm|code|snippet|regex|regular expression|query|api|endpoint|unit tests?|module|component|cli|bash command|shell command|sql)(?![\p{L}])/u, 0.6),
  cue(/(?<![\p{L}])(?:python|javascript|typescript|java|c\+\+|c#|golang|rust|kotlin|swift|php|ruby|scala|haskell|perl|sql|bash|powershell|node\.?js|react|django|flask|pandas|numpy|html|css|json|yaml|dockerfile|kubernetes|verilog|matlab|lua|dart|elixir|android|ios|aws lambda|docker|git)(?![\p{L}])/u, 0.4),
  cue(/(?<![\p{L}])(?:time complexity|big-o|compile[rs]?|stack trace|runtime error|null pointer|linked list|binary tree|hash ?map|recursion|array of integers|string s|return the|input:|output:|leetcode|pull request|git |npm |pip install)(?![\p{L}])/u, 0.3),
  cue(/编写(?:一个)?(?:函数|程序|代码)|写(?:一个)?(?:函数|程序|代码)|代码|関数を|プログラムを|コードを|함수를|코드를|프로그램을|напиши(?:те)? (?:функцию|программу|код)|escribe (?:una función|un programa|código)|écris (?:une fonction|un programme)|schreibe (?:eine funktion|ein programm)/u, 0.6),
];
/** A user turn that opens by casting the model as a named or described persona ("You are Sherlock Holmes, ..."). */
const PERSONA_RAW: readonly Cue[] = [rawCue(/^\s*(?:You are|You're|As) (?!an? (?:helpful|AI|ai|assistant|language model|large language)\b)(?:[A-Z][\p{L}'-]+|an? [\p{L}-]+|the [\p{L}-]+)/u, 0.45)];
const REASONING_RAW: readonly Cue[] = [
  rawCue(/\d\s*[-+*/×÷^=<>≤≥]\s*\(?\d/u, 0.45, /[-+*/×÷^=<>≤≥]/),
  rawCue(/\\(?:frac|sqrt|int|sum|cdot|times|le|ge|pi|theta|alpha)|\$[^$\n]{1,80}\$|[∑∫√π∞≤≥≠∈∀∃]|sqrt\(|\d\s*\/\s*\d+\b/u, 0.5),
  rawCue(/(?:^|[\s(])[a-z]\s*(?:\^|\*\*)\s*\d|(?:^|[\s(])\d*[a-z]\s*[-+]\s*\d+\s*=|\bf\(x\)|\by\s*=\s*\d*x/u, 0.45, /[\^*=(]/),
];
const REASONING_NORM: readonly Cue[] = [
  cue(/(?<![\p{L}])(?:how many|how much|how long|how far|how old|what is the (?:value|sum|product|probability|remainder|area|perimeter|volume|average|total|number|ratio|percentage)|find the (?:value|sum|number|area|probability|smallest|largest|minimum|maximum|remainder)|calculate|compute|solve for|evaluate|simplify|prove that|proof that|prove|show that|what percent(?:age)?)(?![\p{L}])/u, 0.45),
  cue(/(?<![\p{L}])(?:equation|integer|prime|probability|triangle|polynomial|remainder|theorem|lemma|integral|derivative|divisible|factorial|modulo|geometric|arithmetic|sequence|matrix|logarithm|quadratic|fraction|percent|ratio|irrational|rational number|altogether|in total|left over|how many more|per hour|per day)(?![\p{L}])/u, 0.35),
  cue(/(?<![\p{L}])(?:riddle|puzzle|syllogism|true or false|which of the following|if all|all \S+ are|none of the|deduce|is it possible|must be true|logically follows)(?![\p{L}])/u, 0.4),
  // Quantity questions and math terms in other languages: each alone stays at the bar, together they clear it.
  // Words of spaced scripts start at a word boundary ("quanti" is not "quantity").
  cue(/多少|几个|幾個|いくつ|何個|何人|몇 개|몇 명|얼마나|كم عدد|कितने|कितना|(?<![\p{L}])(?:сколько|cu[aá]nt[oa]s|combien|wie viele|wie viel|quant[oa]s|quanti|bao nhi[eê]u|berapa|ka[çc] tane)(?![\p{L}])/u, 0.3),
  cue(/等于|等於|方程|求解|证明|證明|计算|計算|概率|倍|求めよ|証明せよ|方程式|방정식|계산|معادلة|احسب|समीकरण|(?<![\p{L}])(?:уравнени|вычисли|докажи|ecuaci[oó]n|calcula|[ée]quation|calculez|gleichung|berechne|equa[çc][ãa]o|calcule|equazione|calcola|phương trình|persamaan|hitunglah|denklem|hesapla)/u, 0.3),
];
const AGENTIC_NORM: readonly Cue[] = [
  cue(/(?<![\p{L}])(?:you are an? (?:autonomous |ai |helpful |coding |software |research |web |browser )?agent|you have access to (?:the following )?(?:tools|functions|apis)|available tools|tool calls?|function call(?:ing|s)?|use the (?:\S+ )?tool|call the (?:\S+ )?(?:tool|function|api)|toolformer|thought:|action:|action input:|observation:|final answer:|<tool_call>|\[tool_call|json (?:object )?with (?:keys? )?"?name"? and "?arguments|execute (?:the )?(?:command|shell|code)|run (?:the )?(?:command|tests)|browse|navigate to|click on)(?![\p{L}])/u, 0.55),
  cue(/(?<![\p{L}])(?:using (?:the )?\S+ api|(?:my|the|an) api key|via (?:the )?\S+ api|call (?:the )?\S+ (?:api|endpoint)|fetch (?:me )?(?:the )?|retrieve (?:the )?\S+ (?:from|for)|look up (?:the )?\S+ (?:on|in|using))(?![\p{L}])/u, 0.4),
  cue(/(?<![\p{L}])(?:plan|step \d+:|subtask|sub-task|goal:|task:|objective:|next action|tools?:|arguments?:|api call|endpoint|observation)(?![\p{L}])/u, 0.2),
];
const INSTRUCTION_NORM: readonly Cue[] = [
  cue(/(?<![\p{L}])(?:generate|create|write|come up with|produce|brainstorm|list|design|compose|make up|invent) (?:me )?(?:a (?:set|list|series|batch) of |a |an |some |several |many |\d+ |twenty |ten |five |fifty |a few )?(?:\S+ ){0,3}?(?:instructions?|tasks|questions?(?: and answers?| ?(?:&|-|\/) ?answer pairs?)?|prompts|q&a pairs|qa pairs|question-answer pairs|training examples|examples of (?:instructions|tasks|prompts)|dialogues|conversations|test cases|exercises|quiz(?:zes)?|multiple[ -]choice questions)(?![\p{L}])/u, 0.55),
  cue(/(?<![\p{L}])(?:diverse|varied|different) (?:instructions|tasks|prompts|questions)|self-instruct|seed tasks?|instruction:|### instruction|input field|<noinput>|list of \d+ tasks|task instructions|a series of (?:classification )?tasks|come up with a (?:good )?question(?![\p{L}])/u, 0.6),
  cue(/(?<![\p{L}])(?:imagine (?:that )?you are|you are (?:a|an) (?!assistant|ai|helpful|autonomous|agent|expert (?:in|at))\S+(?: \S+)? (?:who|trying|visiting|living|in|from|that|at)|pretend (?:that )?you are|pretend to be|act as (?:a|an|if)|role-?play|in character|take on the role|as a character|stay in character)(?![\p{L}])/u, 0.5),
  cue(/(?<![\p{L}])(?:as (?:a|an) (?!ai\b|assistant\b|example\b|result\b|whole\b)[\p{L}-]+(?: [\p{L}-]+)?, (?:describe|explain|write|assess|give|tell|share|discuss|provide|evaluate|create)|from the (?:perspective|point of view) of|write (?:a|an) (?:dialogue|monologue|letter|scene|diary entry|speech|conversation) (?:between|from|in which|for|as)|compose (?:a|an) (?:dramatic )?(?:monologue|dialogue|speech|letter)|you are tasked with|in the role of|imagine (?:a|an) (?:encounter|world|scenario|conversation|scene))/u, 0.4),
  cue(/^(?:imagine|pretend|assume|suppose) (?:that )?you(?:'re| are)|(?<![\p{L}])(?:respond|reply|answer|speak|write) as (?:if you were )?(?:a |an |the )?[\p{L}-]+|in the voice of|as if you were|you find yourself as|(?:create|write) (?:a|an) (?:brief |short |dramatic )?(?:monologue|dialogue)(?![\p{L}])/u, 0.45),
  cue(/生成(?:\d+|一些|多个)?(?:条|個|个)?(?:指令|问题|任务|問題)|出(?:\d+|几)道题|指示を(?:生成|作成)|질문을 생성|сгенерируй(?:те)? (?:\d+ )?(?:вопрос|задани|инструкци)|genera (?:\d+ )?(?:preguntas|instrucciones|tareas)|génère (?:\d+ )?(?:questions|instructions|tâches)|generiere (?:\d+ )?(?:fragen|anweisungen|aufgaben)/u, 0.55),
];

const QUESTION = /[?？]|(?<![\p{L}])(?:find|determine|what|how)(?![\p{L}])/u;

/** Which of `cues` (at most 31) match `s`, as bits in their order. */
function matchedCues(cues: readonly Cue[], s: string, bits: Uint8Array): number {
  let mask = 0;
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i] as Cue;
    if (bits[c.m.gate] === 1 && (c.gate === null || c.gate.test(s)) && matches(c.m, s, bits)) mask |= 1 << i;
  }
  return mask;
}

/** `noisyOr` of the cues set in `mask` (from `matchedCues`): the same products in the same order. */
function noisyOrOf(cues: readonly Cue[], mask: number, start: number): number {
  let keep = 1 - start;
  for (let i = 0; i < cues.length; i++) if ((mask & (1 << i)) !== 0) keep *= 1 - (cues[i] as Cue).w;
  return 1 - keep;
}

function noisyOr(cues: readonly Cue[], s: string, bits: Uint8Array, start = 0): number {
  let keep = 1 - start;
  for (const c of cues) if (bits[c.m.gate] === 1 && (c.gate === null || c.gate.test(s)) && matches(c.m, s, bits)) keep *= 1 - c.w;
  return 1 - keep;
}

/**
 * How many quantities a text holds (capped): word problems carry several small numbers.
 * Years (1900-2099), long decimals (coordinates), dotted runs (versions, IPs) and numbers
 * glued to letters (ids like "key002") are not quantities.
 */
function countNumbers(s: string, cap: number): number {
  let n = 0;
  for (let i = 0; i < s.length && n < cap; i++) {
    // Jump to the next digit natively (a regex scan without a match object).
    DIGIT.lastIndex = i;
    if (!DIGIT.test(s)) break;
    i = DIGIT.lastIndex - 1;
    const prev = i > 0 ? s.charCodeAt(i - 1) : 32;
    let j = i;
    let dots = 0;
    let decimals = 0;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d >= 48 && d <= 57) {
        if (dots > 0) decimals++;
        j++;
      } else if ((d === 46 || d === 44) && j + 1 < s.length && isDigitCode(s.charCodeAt(j + 1))) {
        if (d === 46) dots++;
        j++;
      } else break;
    }
    const next = j < s.length ? s.charCodeAt(j) : 32;
    const len = j - i;
    const glued = isLetterCode(prev) || prev === 95 || isLetterCode(next) || next === 95;
    const year = len === 4 && dots === 0 && (s.startsWith("19", i) || s.startsWith("20", i));
    if (!glued && !year && dots <= 1 && decimals <= 3) n++;
    i = j;
  }
  return n;
}

const DIGIT = /\d/g;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetterCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/**
 * What {@link categorize} reads of the text, apart from the two tool flags: every score but the agentic one, and
 * which agentic cues matched (the flags are that score's prior). A memo of the text's analysis keeps this and
 * finishes the category for any flags with {@link categoryWith}.
 */
export interface CategoryEvidence {
  readonly reasoning: number;
  readonly coding: number;
  readonly instruction: number;
  /** Bit i set: `AGENTIC_NORM[i]` matched the system + user text. */
  readonly agenticCues: number;
}

/**
 * Categorises one request from its {@link PromptView}.
 *
 * @example
 * categorize(viewPrompt(undefined, "How many apples are left if I eat 3 of 7?")).category // "reasoning"
 */
export function categorize(view: PromptView): CategoryResult {
  return categoryWith(categoryEvidence(view), view.toolNames.length > 0, view.hasToolUse || view.hasToolResult);
}

/** The text half of {@link categorize}: it reads the system prompt and the last user turn only. */
export function categoryEvidence(view: Pick<PromptView, "system" | "lastUser">): CategoryEvidence {
  const rawUser = view.lastUser.length > 6000 ? view.lastUser.slice(0, 4000) + "\n" + view.lastUser.slice(-2000) : view.lastUser;
  // System + user (the same string the CoT detector gets, so normalisation is shared) for
  // agent set-ups; the user text alone for content, so "You are a coding assistant" does not
  // make every question code.
  const normUser = normalizeText(view.lastUser);
  const norm = view.system.length > 0 ? normalizeText(view.system + "\n" + view.lastUser) : normUser;
  // The gates of system + user serve the user text too when it sits whole in that text, and
  // the raw user text when it is ASCII.
  const bits = gateBits(norm);
  const userBits = norm === normUser || userInside(view) ? bits : gateBits(normUser);
  const rawBits = isAscii(rawUser) ? userBits : allOpen();

  const agenticCues = matchedCues(AGENTIC_NORM, norm, bits);

  const coding = 1 - (1 - noisyOr(CODE_RAW, rawUser, rawBits)) * (1 - noisyOr(CODE_NORM, normUser, userBits));

  // Several quantities in a short text is the shape of a word problem; in a long passage numbers are dates and facts.
  const nums = normUser.length <= 1500 ? countNumbers(normUser, 4) : 0;
  const numberCue = nums >= 3 ? 0.35 : nums === 2 ? 0.2 : 0;
  const question = nums >= 2 && QUESTION.test(normUser) ? 0.15 : 0;
  let reasoning = 1 - (1 - noisyOr(REASONING_RAW, rawUser, rawBits)) * (1 - noisyOr(REASONING_NORM, normUser, userBits)) * (1 - numberCue) * (1 - question);
  // Code is full of digits and operators: numbers count for reasoning only when the text is not code.
  if (coding >= 0.6) reasoning *= 0.6;

  const instruction = 1 - (1 - noisyOr(INSTRUCTION_NORM, normUser, userBits)) * (1 - noisyOr(PERSONA_RAW, rawUser, rawBits));
  return { reasoning: round(reasoning), coding: round(coding), instruction: round(instruction), agenticCues };
}

/** The flag half of {@link categorize}: the category of text with `evidence`, given the request's tool flags. */
export function categoryWith(evidence: CategoryEvidence, toolsDefined: boolean, toolTurns: boolean): CategoryResult {
  const structural = toolsDefined ? 0.75 : 0;
  const turns = toolTurns ? 0.85 : 0;
  const agentic = noisyOrOf(AGENTIC_NORM, evidence.agenticCues, 1 - (1 - structural) * (1 - turns));
  const scores: Record<Category, number> = {
    reasoning: evidence.reasoning,
    coding: evidence.coding,
    agentic: round(agentic),
    instruction: evidence.instruction,
    other: OTHER_BAR,
  };
  let category: Category = "other";
  let best = OTHER_BAR;
  // Tie order: agentic (structure) > coding > reasoning > instruction.
  for (const c of ["agentic", "coding", "reasoning", "instruction"] as const) {
    if (scores[c] > best) {
      best = scores[c];
      category = c;
    }
  }
  return { category, scores };
}

/**
 * Whether the normalised user text is contained whole in the normalised system + user text:
 * nothing cut from the middle (see HEAD_CHARS) and no combining character at the seam that
 * normalisation could join to the system text's last letter. Its word tokens, symbols and
 * substrings are then all in the longer text, so that text's open gates cover it.
 */
function userInside(view: Pick<PromptView, "system" | "lastUser">): boolean {
  return view.system.length + 1 + view.lastUser.length <= HEAD_CHARS + TAIL_CHARS && (view.lastUser.length === 0 || view.lastUser.charCodeAt(0) < 0x300);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
