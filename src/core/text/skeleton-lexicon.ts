/**
 * Word lists of the template skeleton (see `skeleton.ts`), lowercase.
 *
 * - ANCHORS: prompt scaffolding, the words templates are made of ("answer the following
 *   question", "based on the passage above", "Review:", "Options:"), in several languages.
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
  `),
);

/** CJK anchor words, matched greedily inside runs of Han characters (longest first). */
export const CJK_ANCHORS: readonly string[] = [
  "以下", "下面", "问题", "問題", "答案", "回答", "请", "請", "根据", "根據", "选项", "選項", "文章", "段落", "句子", "题目", "題目",
  "翻译", "翻譯", "总结", "總結", "摘要", "标题", "標題", "生成", "写", "寫", "解释", "解釋", "计算", "計算", "选择", "選擇", "正确", "正確",
  "什么", "什麼", "多少", "哪", "为什么", "為什麼", "如何", "怎么", "是否", "输入", "輸入", "输出", "輸出", "任务", "任務", "指令",
  "質問", "答え", "次", "文章", "以下", "選択肢", "説明", "要約", "翻訳", "何", "入力", "出力",
].sort((a, b) => b.length - a.length);

/** Han characters that work as function words in Chinese (masked in content, kept in scaffolding). */
export const CJK_FUNCTION: ReadonlySet<string> = new Set([..."的了是在和与或这那个一不也就都而及其中之为把被给对从"]);
