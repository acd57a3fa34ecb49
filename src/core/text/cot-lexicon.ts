/**
 * The multilingual phrase lexicon of the chain-of-thought detector, as regular-expression
 * sources over normalised text (see `normalize.ts`: lowercase, NFKC, single spaces).
 *
 * One entry per language, grouped by the writing system it needs, so the detector only runs
 * the expressions of scripts present in a prompt. Families (the detector gives each a cue id
 * and a weight):
 * - `step`: "step by step" adverbials. Alone they are a moderate cue; next to a `reason` verb
 *   ("think step by step", "请一步一步地思考") a strong one.
 * - `reason`: reasoning verbs and nouns (think, reason, solve, derive, explain, solution...).
 * - `show`: "show / lay out your reasoning, work, thought process".
 * - `careful`: "think carefully / deeply", "reason it through".
 * - `first`: "before answering", "first think, then answer".
 * - `final`: "final answer" formats.
 * - `lets`: "let's think / let's work this out".
 * - `justify`: "explain / justify your answer".
 * - `chain`: the term "chain of thought" itself.
 * - `noskip`: "do not skip any steps", "leave no step out": a demand for every intermediate step.
 * - `showSteps`: "show every step", "include all steps" (a how-to's steps in procedural context).
 * - `procedural`: how-to context ("step-by-step guide", "how do I install"), which turns a bare
 *   `step` cue into a request for instructions rather than for reasoning.
 */

/** Writing systems the lexicon distinguishes. Latin always runs (markup, digits, English). */
export type Script = "latin" | "cyrillic" | "greek" | "hebrew" | "arabic" | "devanagari" | "bengali" | "thai" | "cjk" | "hangul";

/** Phrase families of one language. */
export interface LangLexicon {
  readonly script: Script;
  readonly step?: readonly string[];
  readonly reason?: readonly string[];
  /** Weaker reasoning words ("explain", "answer", "solution"): they make a step phrase reasoning only outside how-to context. */
  readonly reasonWeak?: readonly string[];
  readonly show?: readonly string[];
  readonly careful?: readonly string[];
  readonly first?: readonly string[];
  readonly final?: readonly string[];
  readonly lets?: readonly string[];
  readonly justify?: readonly string[];
  readonly chain?: readonly string[];
  readonly noskip?: readonly string[];
  readonly showSteps?: readonly string[];
  readonly procedural?: readonly string[];
}

const L = "[\\p{L}\\p{M}\\p{N}]";
/** Whole word(s) in spaced scripts. */
const w = (s: string): string => `(?<!${L})(?:${s})(?!${L})`;
/** Word start (a stem: "подума" matches "подумай", "подумайте"). */
const p = (s: string): string => `(?<!${L})(?:${s})`;
/** A few words of filler between two parts of a construction. */
const GAP = (n: number): string => `(?:\\s+[^\\s.!?。！？]+){0,${n}}?`;

// English carries most paraphrase structure; other languages list their usual phrasings.
const EN_SHOW_STRONG = "show|include|lay out|layout|spell out|write out|write down|display|output|print|detail|expose|reveal|articulate|verbali[sz]e|narrate|walk (?:me |us )?through|break down|go through|type out|list out|document";
const EN_SHOW_WEAK = "explain|describe|present|provide|give|share|outline|state|justify|elaborate on|clarify|demonstrate|make explicit";
// "thought process behind <a work>" is a persona's story, not a demand to reason; "steps to/for <task>" is a how-to.
const EN_SHOW_NOUN = "reasoning|reasonings|thought process(?! behind)|thinking process|thought processes|train of thought|chain[ -]of[ -]thoughts?|logic|derivations?|calculations?|computations?|rationale|intermediate (?:steps|results|calculations|reasoning)|reasoning (?:steps|process|chain|trace)|thoughts step|steps? of (?:your|the) (?:reasoning|logic|solution|derivation|thinking|calculation)|problem[ -]solving (?:process|steps)|solution (?:process|steps|path)|inferences?|deductions?|line of reasoning";
const NOT_TASK = "(?!\\s+(?:to|for|needed|required|involved|in (?:making|creating|building|the process))\\b)";
const NOT_OBJECT = "(?!\\s+(?:directory|dir|tree|copy|group|groups|day|days|hours|paper|papers|environment|set|order|capital|class|week|title|memory|space|area|conditions?|of art|of (?:fiction|literature)))";
const EN_DET_ANY = "your|the|all|all of your|all the|each|every|full|complete|detailed|entire|whole|the full|a full|the complete|a complete|the detailed|a detailed|the whole|the entire|each of the|every single|all your";
const EN_DET_STRICT = "your|all of your|all your|your full|your complete|your detailed|your entire|full|complete|detailed|the full|a full|the complete|a complete|the detailed|a detailed|the entire|step-by-step";

export const LEXICON: Readonly<Record<string, LangLexicon>> = {
  en: {
    script: "latin",
    noskip: [w("(?:do not|don'?t|dont|not to) (?:skip|omit|leave out|gloss over|jump over)(?: over)? (?:any |a single |the |any of the |any of your )?(?:intermediate |reasoning |logical |calculation |math )?steps?|without (?:skipping|omitting|leaving out|glossing over) (?:any|a single) (?:intermediate |reasoning |logical )?steps?|skip(?:ping)? no steps?|leave no steps? out|no steps? (?:skipped|omitted|left out)")],
    showSteps: [w(`(?:show|include|write out|list) (?:each |every (?:single )?|all (?:the |of the |your )?|your )(?:intermediate )?steps?${NOT_TASK}`)],
    step: [w("step[ -]?by[ -]?step|one step at a time|step[ -]wise|stepwise|in (?:small|clear|logical|numbered|discrete|explicit|sequential|separate|individual|incremental) steps|each step (?:of|in) (?:your|the) (?:reasoning|logic|solution|derivation|calculation)")],
    reason: [w("think|thinking|reason|reasoning|solve|solving|work(?:ing)? (?:it |this |that |them )?(?:out|through)|figure(?: it| this)? out|derive|derivation|deduce|deduction|calculate|calculation|compute|analy[sz]e|analysis|prove|proof|logic|logically|thought|thoughts|rationale")],
    reasonWeak: [w("solution|explain|explanation|justify|answer|approach|tackle|outline|breakdown|break (?:it|this|the problem) down")],
    show: [
      p(`(?:${EN_SHOW_STRONG})${GAP(2)}\\s+(?:${EN_DET_ANY})${GAP(2)}\\s+(?:${EN_SHOW_NOUN})`) + `(?!${L})`,
      p(`(?:${EN_SHOW_WEAK})${GAP(2)}\\s+(?:${EN_DET_STRICT})${GAP(2)}\\s+(?:${EN_SHOW_NOUN})`) + `(?!${L})`,
      w(`show(?:ing)? (?:your|all (?:of )?your|all (?:of )?the|all|the full|your full) (?:work|working|workings|math|calculations|steps)${NOT_OBJECT}${NOT_TASK}`),
      w(`show(?:ing)? the (?:work|working|workings)(?=\\s*(?:[.,;:!)]|$|and|for|when|as))`),
    ],
    careful: [
      p("(?:reason|think|deliberate|reflect|ponder)(?:\\s+(?:about\\s+)?(?:it|this|that|things))?\\s+(?:very |really |extra |more |quite )?(?:carefully|deeply|thoroughly|rigorously|systematically|logically|critically|methodically|meticulously|hard(?=\\s*(?:about|before|and|$|[.,;:!])))"),
      w("(?:carefully|thoroughly|systematically|rigorously|logically|methodically|meticulously|deliberately) (?:reason|think|deliberate|work through|analy[sz]e)"),
      w("reason (?:it |this |things |that )?(?:through|out)|reason about (?:it|this|that|the problem|the question|each)|think (?:it|this|things|that|everything) (?:through|over)|think (?:aloud|out loud)|reason out loud|think long and hard|think harder|use (?:careful |rigorous |sound |clear )?(?:reasoning|logic) to|take a deep breath and (?:think|work|reason|solve)|reason rigorously"),
    ],
    first: [
      p("(?:think|reason|deliberate|plan|reflect|analy[sz]e|work it out|brainstorm)(?:\\s+(?:about it|about this|it through|this through|carefully|hard|step by step|silently|internally|privately))?(?: first)? before (?:you )?(?:answer|respond|repl|giv|provid|writ|output|commit|decid|coming|produc|final)"),
      w("first(?:,)? (?:think|reason|plan|analy[sz]e|outline|explain|work out|lay out|write out|write down|reflect|break down|consider|reason through|describe your (?:reasoning|approach|plan)|write (?:out |down )?(?:a |an |the |your )?(?:step[ -]by[ -]step |detailed |brief )?(?:outline|plan|reasoning|analysis))[^.\\n]{0,100}?(?:then|after that|afterwards|and only then|finally)"),
      p("(?:reasoning|logic|thinking|thought process|steps|think|reason|explain|outline|plan|analy[sz]e)[^.\\n]{0,40}?(?:before|prior to) (?:answering|you answer|giving|responding|you respond|providing|writing|you give|you write|you provide|coding|the final|producing|outputting|concluding|solving|you solve|attempting|computing|calculating)"),
      w("then (?:give|provide|state|write|output|present|put|report) (?:your |the |a )?(?:final|concise|short) (?:answer|solution|result)|before (?:giving|providing|stating) (?:your |the |a )?(?:final )?answer"),
    ],
    final: [w("final answer|final result|the answer is[: ]*(?:\\$|<|\\{|\\[)|answer:\\s*(?:\\$|<|\\{|\\[|x\\b|n\\b|number|\\.\\.\\.)|end (?:your|the) (?:response|answer|reply|solution) with|put (?:your|the) (?:final )?answer (?:in|within|inside|between|after)|give (?:your|the) answer as|answer in the (?:form|format)"), "####\\s*(?:<|\\{|\\$|\\[|x\\b|the\\b|$)", "<answer>|\\[answer\\]|<\\|answer\\|>"],
    lets: [w("let'?s (?:think|reason)(?! about| of| so| it over| twice)|let'?s (?:work|figure|reason|think) (?:this|it|that|things|the problem) (?:out|through)|let'?s work through|let'?s (?:solve|break down|analy[sz]e|tackle|reason through|go through) (?:this|it|the problem|the question|each)|let us (?:think|reason|work|solve|reflect|analy[sz]e)")],
    justify: [w("(?:explain|justify|show|describe|tell me) (?:how|why) (?:you (?:got|arrived|reached|derived|obtained|solved|computed|calculated)|(?:the|your|that|this) answer (?:is|was))|(?:explain|justify) (?:your|each|every) (?:answer|solution|choice|steps|derivation|calculation|result)|(?:explain|justify) the (?:answer|solution|derivation|calculation|result)|(?:explain|justify) (?:each|every) step|how you (?:got|arrived|came|reached) (?:there|at (?:it|that|this|the answer|your answer|the result))|don'?t just (?:give|state|tell|write)(?: me)? the (?:final )?(?:answer|result)|not just the (?:final )?answer|rather than just (?:the|an) answer|justify (?:your|each|every|the) (?:reasoning|response|conclusion)|with (?:a )?(?:brief |detailed |clear |full )?(?:justification|explanation) (?:for|of) (?:your|each|the) (?:answer|step|choice)")],
    chain: [w("chain[ -]?of[ -]?thoughts?|cot (?:reasoning|prompting|style)")],
    procedural: [w("guide|tutorial|instructions?|recipe|manual|checklist|walkthrough|how (?:to|do i|can i|should i|would i|would you|should we|can we|do we)|install|installing|set ?up|setting up|configure|assemble|directions|(?:best )?(?:way|method|process|plan) (?:to|for)")],
  },
  es: {
    script: "latin",
    noskip: [w("(?:no (?:te )?(?:saltes|omitas|saltar|omitir)|sin (?:saltar(?:te)?|omitir)) (?:ning[uú]n|los|alg[uú]n) (?:paso|pasos)")],
    step: [w("paso a paso|paso por paso|un paso a la vez")],
    reason: [w("piensa|piense|pensemos|pensar|razona|razone|razonemos|razonar|razonamiento|resuelve|resuelva|resolvamos|resolver|explica|explique|expl[ií]came|calcula|calcule|analiza|analice|deduce|soluci[oó]n|responde|responda|respuesta|demuestra|demuestre|justifica|justifique")],
    show: [p(`(?:muestra|muestre|mu[eé]strame|explica|explique|expl[ií]came|detalla|detalle|exp[oó]n|exponga|describe|describa|escribe|escriba|incluye|incluya|presenta|presente|justifica)${GAP(3)}\\s+(?:tu|su|todo el|todo tu|el|los)\\s+(?:razonamiento|proceso de (?:pensamiento|razonamiento|resoluci[oó]n)|procedimiento|trabajo|l[oó]gica|desarrollo|c[aá]lculos|cadena de razonamiento)`)],
    careful: [p("(?:piensa|piense|pensemos|razona|razone|razonemos|reflexiona|reflexione|pi[eé]nsalo)\\s+(?:con\\s+)?(?:cuidado|cuidadosamente|detenidamente|profundamente|l[oó]gicamente|bien|a fondo|con calma)|(?:cuidadosamente|detenidamente|l[oó]gicamente) (?:piensa|razona|analiza)")],
    first: [w("antes de (?:responder|contestar|dar (?:la|tu|su|una) respuesta)|primero (?:piensa|razona|analiza|explica|reflexiona)[^.\\n]{0,60}?(?:luego|despu[eé]s|entonces|y finalmente)")],
    final: [w("respuesta final|resultado final")],
    lets: [w("pensemos|razonemos|vamos a (?:pensar|razonar)|resolvamos (?:esto|el problema)")],
    justify: [w("justifica (?:tu|su) respuesta|explica (?:tu|su) respuesta|justifique (?:su|tu) respuesta|explica c[oó]mo llegaste")],
    chain: [w("cadena de pensamiento|cadena de razonamiento")],
    procedural: [w("gu[ií]a|tutorial|instrucciones|receta|c[oó]mo (?:instalar|configurar|hacer)|instalar|configurar")],
  },
  fr: {
    script: "latin",
    noskip: [w("(?:ne (?:saute|sautez|omets|omettez|saute pas|sautez pas) (?:aucune |pas d'|d')[ée]tapes?|sans (?:sauter|omettre) (?:d'|aucune |les )[ée]tapes?)")],
    step: [w("[ée]tape par [ée]tape|pas [àa] pas")],
    reason: [w("r[ée]fl[ée]chis|r[ée]fl[ée]chissez|r[ée]fl[ée]chissons|r[ée]fl[ée]chir|raisonne|raisonnez|raisonnons|raisonnement|r[ée]sous|r[ée]solvez|r[ée]soudre|explique|expliquez|calcule|calculez|analyse|analysez|d[ée]duis|d[ée]duisez|r[ée]ponds|r[ée]pondez|r[ée]ponse|d[ée]montre|d[ée]montrez|justifie|justifiez|pense|pensez")],
    show: [p(`(?:montre|montrez|montre-moi|montrez-moi|explique|expliquez|d[ée]taille|d[ée]taillez|expose|exposez|pr[ée]sente|pr[ée]sentez|d[ée]cris|d[ée]crivez|[ée]cris|[ée]crivez|justifie|justifiez)${GAP(3)}\\s+(?:ton|votre|vos|tes|tout ton|tout votre|le d[ée]tail de (?:ton|votre))\\s+(?:raisonnement|d[ée]marche|calculs?|logique|cheminement|travail|processus de r[ée]flexion)`)],
    careful: [p("(?:r[ée]fl[ée]chis|r[ée]fl[ée]chissez|raisonne|raisonnez|pense|pensez|r[ée]fl[ée]chissons)\\s+(?:bien|soigneusement|attentivement|profond[ée]ment|logiquement|m[ée]thodiquement|avec soin|s[ée]rieusement)")],
    first: [w("avant de (?:r[ée]pondre|donner (?:la|ta|votre|une) r[ée]ponse|conclure)|d'abord (?:r[ée]fl[ée]chis|r[ée]fl[ée]chissez|raisonne|raisonnez|analyse|analysez|explique|expliquez)[^.\\n]{0,60}?(?:puis|ensuite|apr[èe]s)")],
    final: [w("r[ée]ponse finale|r[ée]sultat final")],
    lets: [w("r[ée]fl[ée]chissons|raisonnons|r[ée]solvons (?:ce|le) probl[èe]me")],
    justify: [w("justifie (?:ta|ton) r[ée]ponse|justifiez (?:votre|vos) r[ée]ponses?|explique (?:ta|ton) r[ée]ponse|expliquez votre r[ée]ponse")],
    chain: [w("cha[îi]ne de (?:pens[ée]e|raisonnement)")],
    procedural: [w("guide|tutoriel|instructions|recette|comment (?:installer|configurer|faire)|installer|configurer")],
  },
  de: {
    script: "latin",
    noskip: [w("(?:[üu]berspringe|[üu]berspringen sie|lass|lassen sie) keinen? (?:zwischen)?schritte?(?: aus)?|keinen (?:zwischen)?schritt (?:auslassen|[üu]berspringen|weglassen)|ohne (?:zwischen)?schritte (?:zu )?(?:[üu]berspringen|auszulassen)")],
    step: [w("schritt f[üu]r schritt|schrittweise|stufenweise")],
    reason: [p("denk|[üu]berleg|l[öo]s(?:e|ung)|erkl[äa]r|begr[üu]nd|berechn|rechne|analysier|antwort|beweis|nachdenk|herleit|folger")],
    show: [p(`(?:zeig|zeige|zeigen sie|erkl[äa]r|erkl[äa]re|erkl[äa]ren sie|erl[äa]utere|erl[äa]utern sie|beschreibe|beschreiben sie|leg|lege|legen sie|schreib|schreibe|schreiben sie|stelle|begr[üu]nde)${GAP(3)}\\s+(?:deinen|deine|dein|ihren|ihre|ihr|den vollst[äa]ndigen|den ganzen|alle)\\s+(?:gedankengang|gedankeng[äa]nge|l[öo]sungsweg|rechenweg|denkprozess|argumentation|[üu]berlegungen|[üu]berlegung|begr[üu]ndung|logik|herleitung|zwischenschritte|rechenschritte|arbeit)`)],
    careful: [p("(?:denk|denke|denken sie|[üu]berleg|[üu]berlege|[üu]berlegen sie|argumentiere)(?:\\s+[^\\s.]+){0,2}?\\s+(?:sorgf[äa]ltig|gr[üu]ndlich|genau|logisch|systematisch)|(?:sorgf[äa]ltig|gr[üu]ndlich|genau) nach(?:zu)?denken|denk(?:e)? (?:gut|genau|sorgf[äa]ltig|gr[üu]ndlich) nach")],
    first: [w("(?:bevor|ehe) (?:du|sie) (?:antwortest|antworten|die antwort)|vor (?:der|deiner|ihrer) antwort|zuerst (?:denk|[üu]berleg|analysier|erkl[äa]r)[^.\\n]{0,60}?(?:dann|danach|anschlie[ßs]end)")],
    final: [w("endg[üu]ltige antwort|finale antwort|endergebnis|endantwort")],
    lets: [w("lass(?:t)? uns (?:nachdenken|[üu]berlegen|denken|das problem l[öo]sen)|denken wir (?:nach|dar[üu]ber)|[üu]berlegen wir")],
    justify: [w("begr[üu]nde (?:deine|die) antwort|begr[üu]nden sie ihre antwort|erkl[äa]re deine antwort")],
    chain: [w("gedankenkette")],
    procedural: [w("anleitung|tutorial|rezept|wie (?:installiere|richte|mache)|installieren|einrichten")],
  },
  pt: {
    script: "latin",
    noskip: [w("(?:n[ãa]o (?:pule|omita|pular|omitir)|sem (?:pular|omitir)) (?:nenhum|nenhuma|os|as) (?:passo|passos|etapa|etapas)")],
    step: [w("passo a passo|etapa por etapa|passo por passo")],
    reason: [w("pense|pensa|pensar|raciocine|raciocina|racioc[íi]nio|resolva|resolve|resolver|explique|explica|calcule|calcula|analise|analisa|deduza|responda|responde|resposta|solu[çc][ãa]o|demonstre|justifique")],
    show: [p(`(?:mostre|mostra|mostre-me|explique|explica|detalhe|detalha|descreva|apresente|escreva|exponha|justifique|inclua)${GAP(3)}\\s+(?:seu|sua|o seu|a sua|todo o|todo seu|o)\\s+(?:racioc[íi]nio|processo de (?:pensamento|racioc[íi]nio|resolu[çc][ãa]o)|l[óo]gica|c[áa]lculos|desenvolvimento|trabalho)`)],
    careful: [p("(?:pense|pensa|pensem|raciocine|raciocina|reflita|reflete)\\s+(?:com\\s+)?(?:cuidado|cuidadosamente|atentamente|profundamente|logicamente|bem|com calma)")],
    first: [w("antes de (?:responder|dar a resposta|dar uma resposta|dar sua resposta)|primeiro (?:pense|raciocine|analise|explique)[^.\\n]{0,60}?(?:depois|ent[ãa]o|em seguida)")],
    final: [w("resposta final|resultado final")],
    lets: [w("vamos (?:pensar|raciocinar|resolver isso)|pensemos|raciocinemos")],
    justify: [w("justifique (?:sua|a) resposta|explique (?:sua|a) resposta")],
    chain: [w("cadeia de (?:pensamento|racioc[íi]nio)")],
    procedural: [w("guia|tutorial|instru[çc][õo]es|receita|como (?:instalar|configurar|fazer)|instalar|configurar")],
  },
  it: {
    script: "latin",
    noskip: [w("(?:non (?:saltare|omettere)|senza (?:saltare|omettere)) (?:nessun|alcun|i|nessuno dei) (?:passaggio|passaggi|passo|passi)")],
    step: [w("passo dopo passo|passo passo|un passo alla volta|passo per passo")],
    reason: [w("pensa|pensaci|pensare|ragiona|ragionare|ragionamento|ragioniamo|risolvi|risolvere|spiega|spiegami|calcola|analizza|deduci|rispondi|risposta|soluzione|dimostra|rifletti|motiva")],
    show: [p(`(?:mostra|mostrami|spiega|spiegami|illustra|descrivi|dettaglia|esponi|scrivi|giustifica|includi)${GAP(3)}\\s+(?:il tuo|la tua|i tuoi|tutto il|tutti i|il)\\s+(?:ragionamento|procedimento|processo di (?:pensiero|ragionamento)|calcoli|logica|passaggi|svolgimento)`)],
    careful: [p("(?:pensa|pensaci|ragiona|rifletti|ragioniamo|pensiamo)\\s+(?:bene|attentamente|con attenzione|accuratamente|profondamente|logicamente|con cura)")],
    first: [w("prima di (?:rispondere|dare la risposta)|prima (?:pensa|ragiona|analizza|spiega)[^.\\n]{0,60}?(?:poi|quindi|dopo)")],
    final: [w("risposta finale|risultato finale")],
    lets: [w("ragioniamo|riflettiamo|pensiamo(?! che)(?= (?:passo|bene|attentamente|insieme|a come|al problema))|risolviamo")],
    justify: [w("giustifica (?:la tua|la) risposta|motiva (?:la tua|la) risposta|spiega (?:la tua|la) risposta")],
    chain: [w("catena di (?:pensiero|ragionamento)")],
    procedural: [w("guida|tutorial|istruzioni|ricetta|come (?:installare|configurare|fare)|installare|configurare")],
  },
  vi: {
    script: "latin",
    noskip: [w("(?:không|đừng) (?:được )?bỏ (?:qua|sót) (?:bất kỳ )?bước")],
    step: [w("từng bước(?: một)?|tung buoc|từng bước từng bước|theo từng bước")],
    reason: [w("suy nghĩ|suy luận|lập luận|giải|giải thích|tính|tính toán|phân tích|trả lời|chứng minh|nghĩ|lời giải")],
    show: [w(`(?:trình bày|giải thích|cho thấy|nêu|viết ra|thể hiện|trình bày rõ)${GAP(3)}\\s+(?:quá trình suy nghĩ|quá trình suy luận|lập luận|suy luận|lời giải chi tiết|cách giải|các bước giải|quá trình giải|cách làm|quá trình tính toán)`)],
    careful: [w("(?:suy nghĩ|suy luận|lập luận|nghĩ|cân nhắc)\\s+(?:thật\\s+)?(?:kỹ|kĩ|cẩn thận|sâu|logic|chặt chẽ|thấu đáo)(?: lưỡng| càng)?")],
    first: [w("trước khi (?:trả lời|đưa ra (?:câu trả lời|đáp án|kết quả))|hãy suy nghĩ trước")],
    final: [w("đáp án cuối cùng|câu trả lời cuối cùng|kết quả cuối cùng|đáp số cuối cùng")],
    lets: [w("hãy cùng (?:suy nghĩ|giải|suy luận)|chúng ta hãy (?:suy nghĩ|giải)|hãy suy nghĩ|hãy suy luận")],
    justify: [w("giải thích (?:câu trả lời|đáp án|tại sao bạn)")],
    procedural: [w("hướng dẫn|cách cài đặt|công thức nấu")],
  },
  id: {
    script: "latin",
    noskip: [w("jangan (?:lewatkan|melewatkan|lompati|melompati) (?:satu pun |satupun )?langkah")],
    step: [w("(?:se)?langkah(?: |-)(?:demi|per)(?: |-)langkah|tahap demi tahap|secara bertahap|langkah-langkah")],
    reason: [p("pikir|berpikir|pikirkan|nalar|bernalar|selesaikan|jelaskan|hitung|analisis|jawab|buktikan|kerjakan|penyelesaian")],
    show: [w(`(?:tunjukkan|jelaskan|uraikan|tuliskan|tampilkan|paparkan|perlihatkan)${GAP(3)}\\s+(?:penalaran|proses berpikir|alur berpikir|cara berpikir|logika|langkah-langkah penyelesaian|langkah penyelesaian|perhitungan|cara penyelesaian|cara mengerjakan|jalan pikiran)(?:mu|nya|anda)?`)],
    careful: [w("(?:pikirkan|berpikir|bernalar|pertimbangkan|renungkan)\\s+(?:dengan\\s+)?(?:baik-baik|cermat|hati-hati|matang|saksama|seksama|mendalam|logis|teliti)")],
    first: [w("sebelum (?:menjawab|memberikan jawaban|memberi jawaban)|pikirkan (?:dulu|terlebih dahulu)")],
    final: [w("jawaban akhir|jawaban final|hasil akhir")],
    lets: [w("mari (?:kita )?(?:berpikir|pikirkan|bernalar|selesaikan)")],
    justify: [w("jelaskan (?:jawaban|alasan)(?:mu|nya| anda)?")],
    procedural: [w("panduan|tutorial|resep|cara (?:menginstal|memasang|membuat)")],
  },
  tr: {
    script: "latin",
    noskip: [w("(?:hi[çc]bir|herhangi bir) ad[ıi]m[ıi] atlama")],
    step: [w("ad[ıi]m ad[ıi]m")],
    reason: [p("d[üu]ş[üu]n|dusun|ak[ıi]l y[üu]r[üu]t|[çc][öo]z|a[çc][ıi]kla|hesapla|analiz|cevap|yan[ıi]t|kan[ıi]tla|ispatla|muhakeme")],
    show: [p(`(?:muhakeme|ak[ıi]l y[üu]r[üu]tme|d[üu]ş[üu]nce s[üu]reci|[çc][öo]z[üu]m yolu|i[şs]lem|ad[ıi]m|mant[ıi]ğ|hesaplama|[çc][öo]z[üu]m)\\p{L}*\\s+(?:(?:detayl[ıi]|ayr[ıi]nt[ıi]l[ıi])\\s+)?(?:g[öo]ster|a[çc][ıi]kla|yaz|belirt|anlat)`)],
    careful: [p("(?:dikkatlice|iyice|derinlemesine|enine boyuna|mant[ıi]kl[ıi] bir [şs]ekilde)\\s+(?:d[üu]ş[üu]n|ak[ıi]l y[üu]r[üu]t|de[ğg]erlendir)")],
    first: [p("(?:cevap vermeden|yan[ıi]t vermeden|cevaplamadan|yan[ıi]tlamadan|cevab[ıi] vermeden) [öo]nce|[öo]nce d[üu][şs][üu]n")],
    final: [w("nihai (?:cevap|yan[ıi]t|sonu[çc])|son (?:cevap|yan[ıi]t)")],
    lets: [w("d[üu][şs][üu]nelim|ak[ıi]l y[üu]r[üu]telim|[çc][öo]zelim")],
    justify: [p("cevab[ıi]n[ıi] (?:a[çc][ıi]kla|gerek[çc]elendir)")],
    procedural: [w("rehber|k[ıi]lavuz|tarif|nas[ıi]l kurulur")],
  },
  nl: { script: "latin", step: [w("stap voor stap|stapsgewijs")], reason: [p("denk|redeneer|los .{0,20}op|leg uit|uitleg|bereken|analyseer|antwoord|oplossing")], careful: [w("(?:denk|redeneer) (?:goed|zorgvuldig|grondig|logisch|diep)(?: na)?")], first: [w("voordat je (?:antwoordt|antwoord geeft)|eerst nadenken")], final: [w("eindantwoord|definitieve antwoord")], show: [w(`(?:toon|laat zien|leg uit|licht toe|beschrijf|schrijf)${GAP(3)}\\s+(?:je|jouw|uw)\\s+(?:redenering|denkproces|berekeningen?|logica|tussenstappen|werkwijze)`)] },
  pl: { script: "latin", step: [w("krok po kroku")], reason: [p("pomy[śs]l|my[śs]l|rozumuj|rozwi[ąa][żz]|wyja[śs]nij|oblicz|przeanalizuj|odpowied")], careful: [w("(?:pomy[śs]l|przemy[śs]l|rozwa[żz]|zastan[óo]w si[ęe])\\s+(?:dok[łl]adnie|starannie|uwa[żz]nie|dobrze|logicznie|g[łl][ęe]boko)")], first: [w("zanim odpowiesz|przed odpowiedzi[ąa]")], final: [w("ostateczna odpowied[źz]|ko[ńn]cowa odpowied[źz]")], show: [w(`(?:poka[żz]|wyja[śs]nij|opisz|przedstaw|rozpisz|napisz|uzasadnij)${GAP(3)}\\s+(?:swoje|sw[óo]j|ca[łl]e|ca[łl]y)\\s+(?:rozumowanie|tok my[śs]lenia|tok rozumowania|obliczenia|proces my[śs]lowy)`)] },
  nordic: { script: "latin", step: [w("steg f[öo]r steg|steg for steg|trin for trin|skref fyrir skref")], reason: [p("t[äa]nk|resonera|l[öo]s|f[öo]rklara|ber[äa]kna|t[æa]nk|forklar")] },
  cs: { script: "latin", step: [w("krok za krokem|krok za krokom")], reason: [p("p[řr]em[ýy][šs]lej|mysli|vy[řr]e[šs]|vysv[ěe]tli|zd[ůu]vodni")] },
  tl: { script: "latin", step: [w("hakbang-hakbang|hakbang bawat hakbang")] },
  ru: {
    script: "cyrillic",
    noskip: [p("не пропуска\\p{L}* (?:ни одного |никаких )?(?:шаг|этап)|не пропуская (?:шагов|этапов)|ни одного шага не пропуска")],
    step: [p("пошагов|шаг за шагом|поэтапн|по шагам|шаг за шагом")],
    reason: [p("дума|подума|рассужд|порассужд|реш|объясн|размышл|вычисл|анализ|проанализ|ответ|доказ|обдума|логик|вывод")],
    show: [p(`(?:покажи|покажите|опиши|опишите|объясни|объясните|приведи|приведите|распиши|распишите|изложи|изложите|продемонстрируй|продемонстрируйте|выпиши)${GAP(3)}\\s+(?:(?:сво[её]|свои|ваше|ваши|весь|вс[её]|все|подробн\\p{L}*|полн\\p{L}*)\\s+)?(?:рассуждени|ход (?:мысл|решени|рассужд)|решени|логик|вычислени|выкладк|цепочк|промежуточн)\\p{L}*`)],
    careful: [p("(?:подумай|подумайте|думай|думайте|рассуждай|рассуждайте|поразмысли|поразмыслите|обдумай|обдумайте)\\s+(?:хорошенько|тщательно|внимательно|логически|глубоко|как следует|хорошо|последовательно)|(?:тщательно|внимательно|логически|хорошенько|глубоко)\\s+(?:подума|обдума|рассужд|поразмысл)")],
    first: [p("(?:прежде чем|перед тем как)\\s+(?:ответить|отвечать|дать ответ|написать ответ)|перед ответом|сначала\\s+(?:подумай|порассуждай|проанализируй|объясни|распиши)\\p{L}*[^.\\n]{0,60}?(?:затем|потом|после)")],
    final: [p("окончательн\\p{L}* ответ|итогов\\p{L}* ответ|финальн\\p{L}* ответ")],
    lets: [p("давай(?:те)? (?:подумаем|порассуждаем|разбер[её]мся|решим|рассуждать)")],
    justify: [p("обоснуй|объясни(?:те)? (?:сво[йи]|ваш) ответ")],
    chain: [p("цепочк\\p{L}* (?:рассуждений|мыслей)")],
    procedural: [p("инструкци|руководств|рецепт|как установить|как настроить")],
  },
  uk: { script: "cyrillic", step: [p("крок за кроком|покроков")], reason: [p("поміркуй|подума|міркуй|розв'яж|розвяж|поясн|обчисл")], first: [p("перш ніж відповісти|перед відповіддю")], final: [p("остаточн\\p{L}* відповід")] },
  el: { script: "greek", step: ["βήμα προς βήμα|βημα προς βημα"], reason: ["σκέψ|σκεφτ|λύσ|εξήγ|αιτιολόγ|συλλογ"] },
  he: { script: "hebrew", step: ["צעד אחר צעד|שלב אחר שלב|שלב אחרי שלב"], reason: ["חשוב|תחשוב|הסבר|פתור|נמק|הסק|פתרון"] },
  ar: {
    script: "arabic",
    noskip: ["لا (?:تتخط|تتخطى|تتجاوز|تحذف) (?:أي )?خطوة"],
    step: ["خطوة بخطوة|خطوة خطوة|خطوه بخطوه|خطوة تلو الأخرى|خطوة تلو الاخرى|بشكل تدريجي"],
    reason: ["فكر|تفكير|استدل|استنتج|حل|اشرح|شرح|احسب|حلل|أجب|اجب|الإجابة|برهن|نفكر|علل"],
    show: [`(?:اعرض|اشرح|وضح|بين|اكتب|أظهر|اظهر|قدم|فسر)${GAP(3)}\\s*(?:تفكيرك|استدلالك|منطقك|خطوات الحل|طريقة الحل|طريقة تفكيرك|عملية التفكير|الاستدلال|خطوات التفكير|حساباتك|خطوات تفكيرك|كل خطوة)`],
    careful: ["(?:فكر|فكري|فكروا|تمعن|تأمل|لنفكر|استدل)\\s+(?:بعناية|جيدا|جيدًا|بعمق|بتمعن|مليا|بتأن|بشكل منطقي)|(?:بعناية|بعمق) (?:فكر|استدل)"],
    first: ["قبل (?:أن تجيب|ان تجيب|الإجابة|الاجابة|أن تعطي|الرد|أن ترد)|فكر أولا|فكر اولا"],
    final: ["الإجابة النهائية|الاجابة النهائية|الجواب النهائي|النتيجة النهائية"],
    lets: ["لنفكر|دعنا نفكر|دعونا نفكر|لنحل"],
    justify: ["علل إجابتك|برر إجابتك|اشرح إجابتك"],
    chain: ["سلسلة (?:التفكير|الأفكار)"],
  },
  fa: { script: "arabic", step: ["گام به گام|قدم به قدم|مرحله به مرحله"], reason: ["فکر|استدلال|حل|توضیح|پاسخ"], careful: ["با دقت فکر|به دقت فکر"], first: ["قبل از پاسخ"] },
  ur: { script: "arabic", step: ["مرحلہ وار|قدم بہ قدم|قدم با قدم"], reason: ["سوچ|حل|وضاحت"] },
  hi: {
    script: "devanagari",
    noskip: ["कोई (?:भी )?(?:चरण|स्टेप) (?:न|मत) छोड़"],
    step: ["चरण दर चरण|चरण-दर-चरण|चरणबद्ध|कदम दर कदम|कदम-दर-कदम|क्रमशः|क्रमबद्ध तरीके|स्टेप बाय स्टेप|एक-एक कदम"],
    reason: ["सोच|तर्क|हल|समझा|गणना|विश्लेषण|उत्तर|जवाब|सिद्ध"],
    show: ["(?:अपना|अपने|अपनी)\\s+(?:तर्क|सोचने की प्रक्रिया|विचार प्रक्रिया|हल करने की प्रक्रिया|गणना|हल के चरण)[^।]{0,20}?(?:दिखा|समझा|बता|लिख|स्पष्ट)"],
    careful: ["(?:ध्यान से|सावधानी से|अच्छी तरह(?: से)?|अच्छे से|गहराई से|तार्किक रूप से)\\s+(?:सोच|विचार|तर्क)"],
    first: ["(?:उत्तर|जवाब) देने से पहले|पहले सोच"],
    final: ["अंतिम उत्तर|अंतिम जवाब"],
    lets: ["आइए (?:सोचें|विचार करें)|चलो सोचते हैं"],
  },
  bn: { script: "bengali", step: ["ধাপে ধাপে|ধাপে-ধাপে"], reason: ["ভাব|চিন্তা|সমাধান|ব্যাখ্যা"] },
  th: { script: "thai", step: ["ทีละขั้นตอน|ทีละขั้น|ทีละสเต็ป"], reason: ["คิด|ให้เหตุผล|แก้|อธิบาย|คำนวณ|วิเคราะห์|ตอบ"], careful: ["คิดอย่างรอบคอบ|คิดให้ดี|คิดอย่างละเอียด|ไตร่ตรอง"], first: ["ก่อนตอบ"] },
  zh: {
    script: "cjk",
    noskip: ["(?:不要|不能|别|勿|不可)(?:跳过|跳過|省略|遗漏|遺漏)(?:任何|中间|中間)?(?:的)?(?:步骤|步驟)|不(?:要)?跳步|每一步都(?:要)?(?:写|寫|列)"],
    step: ["一步一步|一步步|逐步|分步|循序渐进|循序漸進|按步骤|按步驟|逐一步骤|一步一步地"],
    reason: ["思考|推理|想|分析|解答|解决|解決|解题|解題|计算|計算|推导|推導|回答|作答|求解|论证|論證|说明|說明|解释|解釋|思路|证明|證明"],
    show: [
      "(?:展示|展现|展現|写出|寫出|给出|給出|列出|说明|說明|解释|解釋|阐述|闡述|描述|呈现|呈現|提供|详细|詳細|写下|寫下)[^。！？\\n]{0,8}?(?:推理|思考|解题|解題|计算|計算|推导|推導|思维|思維|论证|論證|求解|演算)(?:过程|過程|步骤|步驟|思路)",
      "(?:展示|写出|寫出|给出|給出|说明|說明|阐述|闡述)[^。！？\\n]{0,4}?(?:你的|您的)?(?:思路|解题思路|解題思路)",
    ],
    careful: ["(?:仔细|认真|深入|仔細|認真|好好|慢慢|谨慎|謹慎|缜密|縝密)(?:地)?(?:思考|推理|想想|想一想|分析|考虑|考慮)|深思熟虑|深思熟慮"],
    first: ["先(?:思考|推理|分析|想一想|想清楚|想|列出|写出|寫出|给出推理|给出思路)[^。！？\\n]{0,40}?(?:再|然后|然後|后|後)(?:回答|作答|给出|給出|答|输出|輸出|写|寫|解答)|在回答之前|回答前先|在给出答案之前|給出答案之前|在作答之前"],
    final: ["最终答案|最終答案|最后答案|最後答案|最终结果|最終結果|答案(?:写|寫|放)在|答案格式"],
    lets: ["(?:让|讓)我们(?:一起)?(?:来)?(?:思考|想一想|一步|逐步|推理|分析)|我们来(?:一步|逐步|思考|推理)"],
    justify: ["(?:并|並)?(?:说明|說明|给出|給出)理由|解释你的答案|解釋你的答案"],
    chain: ["思维链|思維鏈"],
    procedural: ["教程|指南|食谱|食譜|如何安装|如何安裝|怎么安装|怎麼安裝|安装步骤|安裝步驟"],
  },
  ja: {
    script: "cjk",
    noskip: ["(?:ステップ|手順|途中(?:式|の計算)?)を(?:飛ばさ|省略せ|省か)(?:ない|ず)"],
    step: ["ステップバイステップ|ステップ・バイ・ステップ|段階的に|段階を追って|一歩ずつ|一歩一歩|順を追って|順序立てて|手順を追って|一つずつ順に"],
    reason: ["考え|推論|解い|解き|解く|説明|計算|分析|解答|回答|答え|導出|証明|思考"],
    show: ["(?:推論|思考|計算|解答|解き方|考え方|導出|解法)(?:の)?(?:過程|プロセス|手順|ステップ|流れ)?を(?:示|説明|書|記述|見せ|述べ)|途中式|途中の計算|推論過程|思考過程"],
    careful: ["(?:よく|じっくり(?:と)?|慎重に|注意深く|しっかり(?:と)?|深く|論理的に)(?:考え|推論|検討)"],
    first: ["(?:答える|回答する|答えを出す|解答する)(?:前に|まえに)|まず[^。]{0,30}?(?:考え|推論|分析)[^。]{0,30}?(?:その後|それから|次に|てから)"],
    final: ["最終的な答え|最終解答|最終回答|最終的な回答"],
    lets: ["考えてみましょう|考えましょう|推論しましょう|考えていきましょう|解いてみましょう"],
    justify: ["理由を説明|根拠を示"],
    chain: ["思考の連鎖"],
    procedural: ["手順書|マニュアル|レシピ|インストール方法"],
  },
  ko: {
    script: "hangul",
    noskip: ["단계를 (?:건너뛰지|생략하지)"],
    step: ["단계별로|단계적으로|차근차근|한 단계씩|한 단계 한 단계|단계 별로|단계별"],
    reason: ["생각|추론|풀어|풀이|풀|설명|계산|분석|해결|답|증명"],
    show: ["(?:추론|사고|풀이|계산|생각|논리)\\s?(?:과정|단계)[을를]?\\s?(?:보여|설명|작성|제시|서술|적어|나열)|풀이 과정|추론 과정|사고 과정"],
    careful: ["(?:신중하게|신중히|깊이|잘|꼼꼼히|꼼꼼하게|차분히|논리적으로|깊게)\\s?(?:생각|추론|따져|검토)"],
    first: ["(?:답하기|대답하기|답변하기|답을 하기|답을 내기|답을 제시하기)\\s?전에|먼저\\s[^.]{0,30}?(?:생각|추론|분석)[^.]{0,30}?(?:다음|후에|나서)"],
    final: ["최종 답|최종답|최종 정답|최종 결과"],
    lets: ["생각해\\s?보자|생각해\\s?봅시다|생각해 보겠습니다|추론해 보자|풀어\\s?보자|풀어\\s?봅시다"],
    justify: ["이유를 설명|근거를 제시"],
    chain: ["사고의 사슬"],
    procedural: ["설치 방법|가이드|레시피"],
  },
};
