/**
 * Word lists of the template skeleton (see `skeleton.ts`), lowercase.
 *
 * - ANCHORS: prompt scaffolding, the words templates are made of ("answer the following
 *   question", "based on the passage above", "Review:", "Options:"), in several languages.
 * - WEAK_ANCHORS: instruction-shaping words common in ordinary text; kept only next to ANCHORS.
 * - FUNCTION_WORDS: articles, prepositions, pronouns, auxiliaries. Kept only next to anchors
 *   (inside scaffolding); inside slot content they are masked with it.
 */

const words = (s: string): string[] => s.split(/\s+/u).filter((x) => x.length > 0);

/** Prompt-scaffold vocabulary. */
export const ANCHORS: ReadonlySet<string> = new Set(
  words(`
  question questions answer answers answered answering options option choices choice choose select pick correct incorrect true false
  following given above below based context passage paragraph article text document documents sentence sentences phrase word words title
  review reviews summary summarize summarise summarization headline topic category categories label labels classify classification
  tweet email message dialogue dialog conversation story premise hypothesis claim statement entail entails entailment implies imply
  contradiction neutral positive negative sentiment tone rating product movie news paraphrase
  write rewrite generate create translate translation explain describe list provide give return output input format json
  complete continue completion fill blank extract identify determine find calculate compute solve problem solution step steps think reason
  reasoning final result results instruction instructions task tasks example examples response respond reply user assistant system
  please read consider according refer regarding whether likely best
  let's
  request requests prompt prompts query queries produce compose brainstorm user users ai ia ki ии chatbot llm quiz
  pregunta preguntas tarea tareas instrucción instrucciones respuesta respuestas usuario asistente ejemplo ejemplos
  escribe escriba genera genere crea cree redacta explica
  tâche tâches consigne consignes réponse réponses utilisateur exemple exemples écris écrivez génère générez crée créez
  rédige rédigez explique expliquez
  frage fragen aufgabe aufgaben anweisung anweisungen antwort antworten benutzer nutzer assistent beispiel beispiele
  schreibe schreiben generiere generieren erstelle erstellen erkläre
  pergunta perguntas tarefa tarefas instrução instruções resposta respostas usuário assistente exemplo exemplos
  escreva gere crie explique
  domanda domande compito compiti istruzione istruzioni risposta risposte utente esempio esempi scrivi spiega
  вопрос вопросы вопросов задача задачи задач задание задания заданий инструкция инструкции ответ ответы ответа
  пользователь пользователя ассистент ассистента пример примеры напиши напишите сгенерируй сгенерируйте создай создайте
  придумай придумайте составь составьте объясни
  질문 답변 사용자 작업 과제 예시 생성 작성 지시 지시문 설명
  `),
);

/**
 * Scaffolding synonyms written as one canonical word, so paraphrases of one template
 * ("Create 10 questions...", "Write 10 prompts...", "Come up with 10 tasks...") share a
 * skeleton. Only verbs of generating and plural names of the generated items: the words
 * template paraphrasers rotate. Keys are lowercase; phrases are matched word by word.
 */
export const CANONICAL: ReadonlyMap<string, string> = new Map([
  ...words(`generate create write produce compose craft devise draft brainstorm invent`).map((w) => [w, "generate"] as const),
  ...["come up with", "make up", "think up"].map((w) => [w, "generate"] as const),
  ...words(`genera genere crea cree escribe escriba redacta scrivi`).map((w) => [w, "genera"] as const),
  ...words(`génère générez crée créez écris écrivez rédige rédigez`).map((w) => [w, "génère"] as const),
  ...words(`schreibe schreiben generiere generieren erstelle erstellen`).map((w) => [w, "erstelle"] as const),
  ...words(`escreva gere crie`).map((w) => [w, "gere"] as const),
  ...words(`напиши напишите сгенерируй сгенерируйте создай создайте придумай придумайте составь составьте`).map((w) => [w, "создай"] as const),
  ...words(`tasks instructions prompts questions requests queries exercises`).map((w) => [w, "tasks"] as const),
  ...words(`preguntas tareas instrucciones`).map((w) => [w, "tareas"] as const),
  ...words(`tâches consignes`).map((w) => [w, "tâches"] as const),
  ...words(`fragen aufgaben anweisungen`).map((w) => [w, "aufgaben"] as const),
  ...words(`perguntas tarefas instruções`).map((w) => [w, "tarefas"] as const),
  ...words(`domande compiti istruzioni`).map((w) => [w, "compiti"] as const),
  ...words(`вопросы вопросов задачи задач задания заданий инструкции инструкций`).map((w) => [w, "задания"] as const),
]);

/**
 * Weaker scaffolding: words that shape instructions ("detailed", "each followed by", "skip",
 * "JSON lines") but are common in ordinary text too. Kept only next to a strong anchor.
 */
export const WEAK_ANCHORS: ReadonlySet<string> = new Set(
  words(`
  each every craft devise draft invent ask asked asks assistants model detailed ideal spirit style subjects topics
  followed follow follows lines jsonl csv markdown pair pairs item items exercise exercises problems responses outputs inputs
  explains explanation skip thorough thoroughly clearly concise briefly carefully double-check verify ensure include
  sure avoid grade grader score evaluate rubric criteria persona scenario pretend imagine assume formatted bullet
  cada detallada detallado paso pasos chaque détaillée détaillé étape étapes jede jeden jedes ausführlich ausführliche schritt
  schritte detalhada detalhado ogni dettagliata dettagliato каждый каждого каждой каждому подробный подробно подробное
  подробные шаг шаги шагов 답 예 각 각각 자세히 자세한 단계
  `),
);

/** Function words across the main languages (kept only next to anchors). */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  words(`
  a an the of to in on at by for with from into onto over under about as and or but nor so if than that which who this these those
  be been being am has have had having do did done it its he she they them their his her him our your my mine yours
  not no yes very more most less least up down out off again further once here there then when where why how all both each few
  other some such only own same too can will just should now would could may might must shall
  el la los las un una unos unas de del al y o en con por para que es son se su sus lo como más pero este esta
  le les des du et ou dans avec pour par est sont ce cette ces qui que une sur au aux pas
  der die das den dem des ein eine einen und oder mit von zu im ist sind nicht auf für dass wie
  o a os as um uma de do da dos das em no na e ou com por para que é são
  il lo gli i di da in con su per che è sono non una uno
  и в во на с со по к о об от для что это как не но или а из у за
  ve bir bu da de ile için ne ki
  dan yang di ke dari untuk dengan ini itu atau adalah
  và của là có một những các cho với trong không được
  any per via whose whom
  `),
);

/** CJK anchor words, matched greedily inside runs of Han characters (longest first). */
export const CJK_ANCHORS: readonly string[] = [
  "以下", "下面", "问题", "問題", "答案", "回答", "请", "請", "根据", "根據", "选项", "選項", "文章", "段落", "句子", "题目", "題目",
  "翻译", "翻譯", "总结", "總結", "摘要", "标题", "標題", "生成", "写", "寫", "解释", "解釋", "计算", "計算", "选择", "選擇", "正确", "正確",
  "什么", "什麼", "多少", "哪", "为什么", "為什麼", "如何", "怎么", "是否", "输入", "輸入", "输出", "輸出", "任务", "任務", "指令",
  "質問", "答え", "次", "文章", "以下", "選択肢", "説明", "要約", "翻訳", "何", "入力", "出力",
  "用户", "用戶", "助手", "示例", "例子", "每个", "每個", "详细", "詳細", "编写", "編寫", "创建", "創建", "撰写", "撰寫", "请求", "請求",
  "提示", "步骤", "步驟", "格式", "ユーザー", "アシスタント", "タスク", "作成", "生成", "それぞれ", "例",
].sort((a, b) => b.length - a.length);

/** Han characters that work as function words in Chinese (masked in content, kept in scaffolding). */
export const CJK_FUNCTION: ReadonlySet<string> = new Set([..."的了是在和与或这那个一不也就都而及其中之为把被给对从"]);
