/**
 * Template skeleton of a prompt: the scaffolding a template is made of, with its slots
 * masked. Two prompts built from one template with different slot values get the same (or a
 * near-same) skeleton; prompts from different templates get different skeletons. Campaigns
 * wrap large problem sets in a few templates, so a rare skeleton shared by many accounts is
 * a linking signal (and a popular one, like a bare question, is not).
 *
 * How: tokenise the first `maxChars` characters; classify tokens as anchors (prompt
 * vocabulary: "question", "answer", "following", "review"...), function words, punctuation
 * or content. Content, numbers, URLs, e-mails, quoted strings and code blocks are slot
 * material. Anchors are kept when they sit in scaffolding (next to another anchor within a
 * few tokens, or next to structural punctuation such as ":"), so a stray "question" inside a
 * passage does not leak into the skeleton; function words and punctuation are kept only when
 * adjacent to a kept token. Every maximal run of everything else becomes one "_".
 */
import { ANCHORS, CJK_ANCHORS, CJK_FUNCTION, FUNCTION_WORDS } from "./skeleton-lexicon.ts";

/** Default number of leading characters looked at. */
export const SKELETON_MAX_CHARS = 2000;
/** The slot marker. */
export const SLOT = "_";

/** Token kinds (plain numbers: cheap to store, no enum emit). */
const K = { Anchor: 0, Func: 1, Punct: 2, Content: 3, Marker: 4 } as const;
type K = (typeof K)[keyof typeof K];

// One pass: code fences, URLs, e-mails, quoted strings, numbers, words, punctuation.
const TOKEN =
  /(```[\s\S]*?(?:```|$))|((?:https?:\/\/|www\.)\S+)|([\w.+-]+@[\w-]+\.[\w.-]+)|("[^"\n]{1,300}"|\u201c[^\u201d]{1,300}\u201d|\u00ab[^\u00bb]{1,300}\u00bb|\u300c[^\u300d]{1,300}\u300d)|(\d[\d.,:/%]*)|([\p{L}\p{M}\p{N}_'’-]+)|(\n)|([^\s])/gu;
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;
const STRUCTURAL = new Set([":", "?", "\n", "-", "*", "#", "=", "|", "(", ")", "[", "]", "{", "}", "<", ">", "\"_\"", "<code>"]);

/**
 * Skeleton of `text`: kept scaffold tokens separated by spaces, slots as "_".
 *
 * @example
 * skeleton('Review: "Great phone, fast shipping." Is this review positive or negative?')
 * // 'review : "_" is this review positive or negative ?'
 */
export function skeleton(text: string, maxChars = SKELETON_MAX_CHARS): string {
  let s = text.length > maxChars ? text.slice(0, maxChars) : text;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize("NFKC");
  const toks: string[] = [];
  const kinds: K[] = [];
  tokenize(s, toks, kinds);
  return render(toks, kinds);
}

function push(toks: string[], kinds: K[], t: string, k: K): void {
  toks.push(t);
  kinds.push(k);
}

function tokenize(s: string, toks: string[], kinds: K[]): void {
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  let capRun = 0;
  while ((m = TOKEN.exec(s)) !== null) {
    if (m[1] !== undefined) push(toks, kinds, "<code>", K.Marker);
    else if (m[2] !== undefined || m[3] !== undefined || m[5] !== undefined) push(toks, kinds, SLOT, K.Content);
    else if (m[4] !== undefined) push(toks, kinds, "\"_\"", K.Marker);
    else if (m[6] !== undefined) {
      const raw = m[6];
      if (CJK.test(raw)) {
        splitCjk(raw, toks, kinds);
        capRun = 0;
        continue;
      }
      const w = raw.toLowerCase().replace(/’/g, "'");
      // Capitalised runs ("Western Interior Seaway") are named entities: slot content even if a word is an anchor.
      const cap = raw !== w && raw[0] !== undefined && raw[0] !== w[0];
      capRun = cap ? capRun + 1 : 0;
      if (capRun >= 2) {
        kinds[kinds.length - 1] = K.Content;
        push(toks, kinds, w, K.Content);
      } else {
        push(toks, kinds, w, ANCHORS.has(w) ? K.Anchor : FUNCTION_WORDS.has(w) ? K.Func : K.Content);
      }
      continue;
    } else if (m[7] !== undefined) push(toks, kinds, "\n", K.Punct);
    else if (m[8] !== undefined) push(toks, kinds, m[8], K.Punct);
    capRun = 0;
  }
}

/** Greedy split of a CJK run: anchor words, hiragana (particles) as function, other characters as content. */
function splitCjk(run: string, toks: string[], kinds: K[]): void {
  let i = 0;
  outer: while (i < run.length) {
    for (const a of CJK_ANCHORS) {
      if (run.startsWith(a, i)) {
        push(toks, kinds, a, K.Anchor);
        i += a.length;
        continue outer;
      }
    }
    const ch = run[i] ?? "";
    const c = run.charCodeAt(i);
    if (c >= 0x3040 && c < 0x30a0) push(toks, kinds, ch, K.Func);
    else if (CJK_FUNCTION.has(ch)) push(toks, kinds, ch, K.Func);
    else push(toks, kinds, ch, K.Content);
    i++;
  }
}

/** Window (tokens each side) in which a second anchor confirms scaffolding. */
const ANCHOR_WINDOW = 3;

function render(toks: readonly string[], kinds: readonly K[]): string {
  const n = toks.length;
  const keep = new Uint8Array(n);
  // 1. Anchors in scaffolding: another anchor/marker nearby, or structural punctuation adjacent, or at a line edge.
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k === K.Marker) {
      keep[i] = 1;
      continue;
    }
    if (k !== K.Anchor) continue;
    let ok = false;
    for (let j = Math.max(0, i - ANCHOR_WINDOW); j <= Math.min(n - 1, i + ANCHOR_WINDOW) && !ok; j++) {
      if (j !== i && (kinds[j] === K.Anchor || kinds[j] === K.Marker)) ok = true;
    }
    if (!ok) ok = isStructural(toks[i - 1]) || isStructural(toks[i + 1]) || i === 0 || i === n - 1;
    if (ok) keep[i] = 1;
  }
  // 2. Function words and punctuation chained to kept tokens (both directions).
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      if (keep[i] || (kinds[i] !== K.Func && kinds[i] !== K.Punct)) continue;
      if ((i > 0 && keep[i - 1]) || (i + 1 < n && keep[i + 1] && kinds[i + 1] !== K.Punct)) keep[i] = 1;
    }
    for (let i = n - 1; i >= 0; i--) {
      if (keep[i] || (kinds[i] !== K.Func && kinds[i] !== K.Punct)) continue;
      if (i + 1 < n && keep[i + 1] && kinds[i + 1] !== K.Punct) keep[i] = 1;
    }
  }
  let out = "";
  let inSlot = false;
  for (let i = 0; i < n; i++) {
    if (keep[i]) {
      const t = toks[i] === "\n" ? "¶" : (toks[i] ?? "");
      out = out.length === 0 ? t : out + " " + t;
      inSlot = false;
    } else if (!inSlot) {
      out = out.length === 0 ? SLOT : out + " " + SLOT;
      inSlot = true;
    }
  }
  return out;
}

function isStructural(t: string | undefined): boolean {
  return t !== undefined && STRUCTURAL.has(t);
}
