/**
 * Template skeleton of a prompt: the scaffolding a template is made of, with its slots
 * masked. Two prompts built from one template with different slot values get the same (or a
 * near-same) skeleton; prompts from different templates get different skeletons. Campaigns
 * wrap large problem sets in a few templates, so a rare skeleton shared by many accounts is
 * a linking signal (and a popular one, like a bare question, is not).
 *
 * How: tokenise the text (at most `maxChars` characters: head and tail of a long one); classify tokens as anchors (prompt
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
  const toks: string[] = [];
  const kinds: K[] = [];
  if (text.length <= maxChars) {
    tokenize(nfkc(text), toks, kinds);
  } else {
    // Head and tail: templates put instructions before the slot, after it ("...\nSummary:"), or both.
    const tail = Math.floor(maxChars * TAIL_SHARE);
    tokenize(nfkc(text.slice(0, maxChars - tail)), toks, kinds);
    push(toks, kinds, SLOT, K.Content);
    tokenize(nfkc(text.slice(text.length - tail)), toks, kinds);
  }
  return render(toks, kinds);
}

/** Share of `maxChars` taken from the end of a long text. */
const TAIL_SHARE = 0.25;

function nfkc(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? s.normalize("NFKC") : s;
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
    else if (m[4] !== undefined) push(toks, kinds, "\"_\"", K.Punct);
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
/** Kept runs shorter than this between two slots are dropped (see step 3 of render). */
const MIN_RUN = 3;
/** A slot run of at least this many tokens is "long" (passage-like content). */
const LONG_SLOT = 4;

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
  // 2. Function words and punctuation chained to kept tokens (both directions). A function word
  //    does not chain across punctuation: after "Review:" the next "i"/"the" opens the slot.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      if (!keep[i] && chains(kinds, keep, i, i - 1)) keep[i] = 1;
    }
    for (let i = n - 1; i >= 0; i--) {
      if (!keep[i] && chains(kinds, keep, i, i + 1)) keep[i] = 1;
    }
  }
  // 3. Short kept runs inside long slot content are leaks from it ("the", "i think"), not scaffolding;
  //    next to short slots (a product name in "review ( _ ) about an _") they are the template.
  const slotLen = new Int32Array(n + 1); // absorbed tokens in the slot run ending at i (exclusive)
  for (let i = 0, run = 0; i <= n; i++) {
    slotLen[i] = run;
    run = i < n && !keep[i] ? run + 1 : 0;
  }
  for (let i = 0; i < n; ) {
    if (!keep[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && keep[j]) j++;
    let right = 0;
    while (j + right < n && !keep[j + right]) right++;
    const left = slotLen[i] ?? 0;
    if (j - i < MIN_RUN && Math.min(left, right) >= LONG_SLOT && !hasMarker(kinds, i, j)) keep.fill(0, i, j);
    i = j;
  }
  let out = "";
  let inSlot = false;
  for (let i = 0; i < n; i++) {
    if (keep[i]) {
      // Blank-line counts vary with the slot content: one paragraph mark per run.
      if (toks[i] === "\n" && out.endsWith("¶")) continue;
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

/** Whether token i (function word or punctuation) is kept because of its kept neighbour j. */
function chains(kinds: readonly K[], keep: Uint8Array, i: number, j: number): boolean {
  const k = kinds[i];
  if ((k !== K.Func && k !== K.Punct) || j < 0 || j >= kinds.length || !keep[j]) return false;
  const kj = kinds[j];
  if (k === K.Func) return kj !== K.Punct;
  // Punctuation attaches after anything kept, and before kept words (not before other punctuation).
  return j < i || kj !== K.Punct;
}

function hasMarker(kinds: readonly K[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (kinds[i] === K.Marker) return true;
  return false;
}

function isStructural(t: string | undefined): boolean {
  return t !== undefined && STRUCTURAL.has(t);
}
