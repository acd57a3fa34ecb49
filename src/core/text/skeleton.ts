/**
 * Template skeleton of a prompt: the scaffolding a template is made of, with its slots
 * masked. Two prompts built from one template with different slot values get the same (or a
 * near-same) skeleton; prompts from different templates get different skeletons. Campaigns
 * wrap large problem sets in a few templates, so a rare skeleton shared by many accounts is
 * a linking signal (and a popular one, like a bare question, is not).
 *
 * How: tokenise the text (at most `maxChars` characters: head and tail of a long one) and
 * classify tokens as anchors (prompt vocabulary: "question", "answer", "following",
 * "review", "task", "user", "assistant"...), weak anchors (instruction-shaping words common in
 * ordinary text: "detailed", "each", "skip"), function words, punctuation or content.
 * Content, numbers, URLs, e-mails, quoted strings and capitalised entity runs are slot
 * material; code blocks are kept as a marker. Anchors are kept when they sit in scaffolding
 * (another anchor within a few content words of the same sentence, structural punctuation
 * such as ":" next to them), weak anchors only next to a strong one, so a stray "question"
 * inside a passage does not leak; function words and punctuation are kept only when chained
 * to a kept token; short kept runs inside long slot content are dropped as leaks. Every
 * maximal run of everything else becomes one "_". Verbs of generating and plural item nouns
 * are written in one canonical form ("Come up with 12 prompts" and "Write 9 questions" both
 * give "generate _ tasks"), so paraphrased instruction-generation templates share a skeleton.
 * Measured on 147 public templates (T0/P3, 5,613 prompts; bench/text-corpus.eval.ts): 93.9% of
 * prompts get their template's most common skeleton, and MinHash similarity of skeletons is
 * 0.94 within a template against 0.09 across templates.
 */
import { fmix32, hash32 } from "./hash.ts";
import { isAscii } from "./normalize.ts";
import { ANCHORS, CANONICAL, CJK_ANCHORS, CJK_FUNCTION, FUNCTION_WORDS, WEAK_ANCHORS } from "./skeleton-lexicon.ts";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Default number of characters looked at. */
export const SKELETON_MAX_CHARS = 2000;
/** The slot marker. */
export const SLOT = "_";

// Token kinds.
const ANCHOR = 0;
const FUNC = 1;
const PUNCT = 2;
const CONTENT = 3;
const MARKER = 4;
const WEAK = 5;

// Token text for tokens that are not a slice of the text.
const T_SLICE = 0;
const T_NEWLINE = 1;
const T_QUOTE = 2;
const T_CODE = 3;
/** Token texts >= T_CANON are canonical scaffolding words: SPECIAL_TEXT[text]. */
const T_CANON = 4;
const SPECIAL_TEXT: string[] = ["", "¶", '"_"', "<code>"];

/** Share of `maxChars` taken from the end of a long text. */
const TAIL_SHARE = 0.25;
/** Separator between head and tail: scanned as slot content. */
const CUT = "\u0000";
const MAX_QUOTE = 300;
/** Window (tokens each side) in which a second anchor confirms scaffolding. */
const ANCHOR_WINDOW = 3;
/** Kept runs shorter than this inside long slot content are dropped. */
const MIN_RUN = 4;
/** A slot run of at least this many tokens is "long" (passage-like content). */
const LONG_SLOT = 4;
/** A sentence of at least this many words with fewer than this share of anchors is passage content. */
const PASSAGE_WORDS = 8;
const PASSAGE_ANCHOR_SHARE = 0.25;
/** Character classes by UTF-16 code unit (one table lookup instead of set lookups and regex tests). */
const C_SENTENCE_END = 1;
const C_STRUCTURAL = 2;
const C_CJK_FUNC = 4;
const C_HANGUL_PARTICLE = 8;
const C_WORD = 16;
const C_WORD_KNOWN = 32;
const CHAR = new Uint8Array(0x10000);
const mark = (chars: string, flag: number): void => {
  for (const ch of chars) CHAR[ch.charCodeAt(0)] = (CHAR[ch.charCodeAt(0)] as number) | flag;
};
mark(".?!:;。？！：；", C_SENTENCE_END);
mark(":?-*#=|()[]{}<>", C_STRUCTURAL);
mark("을를이가은는의에와과도로", C_HANGUL_PARTICLE);

/**
 * Word hash -> packed facts, in one open-addressing table (one probe per word): kind + 1 in
 * bits 0-2 (0: not listed), canonical text id in bits 3-10, "first word of a phrase" in bit 11.
 * Anchors win over weak anchors over function words; both apostrophe spellings.
 */
const TABLE_BITS = 13;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const tableKeys = new Int32Array(1 << TABLE_BITS);
const tableVals = new Int32Array(1 << TABLE_BITS);
const KIND_MASK = 7;
const CANON_SHIFT = 3;
const PHRASE_BIT = 1 << 11;

function slotOf(h: number): number {
  let slot = h & TABLE_MASK;
  while (tableVals[slot] !== 0 && tableKeys[slot] !== h) slot = (slot + 1) & TABLE_MASK;
  return slot;
}
function lookup(h: number): number {
  for (let slot = h & TABLE_MASK; ; slot = (slot + 1) & TABLE_MASK) {
    const v = tableVals[slot] as number;
    if (v === 0 || tableKeys[slot] === h) return v;
  }
}
function setKind(w: string, kind: number): void {
  const h = hash32(w) | 0;
  const slot = slotOf(h);
  tableKeys[slot] = h;
  tableVals[slot] = ((tableVals[slot] as number) & ~KIND_MASK) | (kind + 1);
}
function setBits(w: string, bits: number): void {
  const h = hash32(w) | 0;
  const slot = slotOf(h);
  tableKeys[slot] = h;
  tableVals[slot] = (tableVals[slot] as number) | bits;
}
for (const w of FUNCTION_WORDS) for (const v of [w, w.replace(/'/g, "\u2019")]) setKind(v, FUNC);
for (const w of WEAK_ANCHORS) setKind(w, WEAK);
for (const w of ANCHORS) for (const v of [w, w.replace(/'/g, "\u2019")]) setKind(v, ANCHOR);
/** First-word hash -> [rest of the phrase (" up with"), canonical id], longest first. */
const PHRASE_TAIL = new Map<number, [string, number][]>();
for (const [w, canon] of CANONICAL) {
  let id = SPECIAL_TEXT.indexOf(canon, T_CANON);
  if (id < 0) id = SPECIAL_TEXT.push(canon) - 1;
  const sp = w.indexOf(" ");
  if (sp < 0) {
    setBits(w, id << CANON_SHIFT);
    continue;
  }
  const head = hash32(w.slice(0, sp)) | 0;
  setBits(w.slice(0, sp), PHRASE_BIT);
  PHRASE_TAIL.set(head, [...(PHRASE_TAIL.get(head) ?? []), [w.slice(sp), id] as [string, number]].sort((a, b) => b[0].length - a[0].length));
}
mark([...CJK_FUNCTION].join(""), C_CJK_FUNC);
const WORDISH = /[\p{L}\p{M}\p{N}]/u;

/** The closing quote of an opening one, or -1. */
function quoteClose(c: number): number {
  return c === 0x22 ? 0x22 : c === 0x201c ? 0x201d : c === 0xab ? 0xbb : c === 0x300c ? 0x300d : -1;
}

// Token flags, set when a token is pushed.
const F_BREAK = 1; // newline or sentence punctuation: ends a sentence
const F_STRUCTURAL = 2; // structural punctuation or a special token (newline, quote, code)
const F_SENTENCE_PUNCT = 4; // sentence punctuation
const F_COLON = 8;

/** Scratch token buffers, reused across calls (the hot path is single-threaded). */
let kinds = new Uint8Array(512);
let texts = new Uint8Array(512);
let flags = new Uint8Array(512);
let starts = new Int32Array(512);
let ends = new Int32Array(512);
let keep = new Uint8Array(512);
let count = 0;

function push(kind: number, text: number, start: number, end: number, f = 0): void {
  if (count === kinds.length) grow();
  kinds[count] = kind;
  texts[count] = text;
  flags[count] = f;
  starts[count] = start;
  ends[count] = end;
  count++;
}

/** Flags of a one-character punctuation token. */
function punctFlags(c: number): number {
  const cl = CHAR[c] as number;
  let f = 0;
  if ((cl & C_SENTENCE_END) !== 0) f |= F_BREAK | F_SENTENCE_PUNCT;
  if ((cl & C_STRUCTURAL) !== 0) f |= F_STRUCTURAL;
  if (c === 58) f |= F_COLON;
  return f;
}

function grow(): void {
  const n = kinds.length * 2;
  const k = new Uint8Array(n);
  k.set(kinds);
  kinds = k;
  const t = new Uint8Array(n);
  t.set(texts);
  texts = t;
  const f = new Uint8Array(n);
  f.set(flags);
  flags = f;
  const s = new Int32Array(n);
  s.set(starts);
  starts = s;
  const e = new Int32Array(n);
  e.set(ends);
  ends = e;
  keep = new Uint8Array(n);
}

/**
 * Skeleton of `text`: kept scaffold tokens separated by spaces, slots as "_".
 *
 * @example
 * skeleton('Review: "Great phone, fast shipping." Is this review positive or negative?')
 * // 'review : "_" _ this review positive or negative ?'
 */
export function skeleton(text: string, maxChars = SKELETON_MAX_CHARS): string {
  let s = text;
  if (text.length > maxChars) {
    // Head and tail: templates put instructions before the slot, after it ("...\nSummary:"), or both.
    const tail = Math.floor(maxChars * TAIL_SHARE);
    s = text.slice(0, maxChars - tail) + " " + CUT + " " + text.slice(text.length - tail);
  }
  if (!isAscii(s)) s = s.normalize("NFKC");
  const lower = s.toLowerCase();
  // Case changes that change length (Turkish İ) break offsets: then work on the lowercase text alone.
  const cased = lower.length === s.length ? s : lower;
  count = 0;
  tokenize(cased, lower);
  return render(lower);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xa0 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
}

function isCjk(c: number): boolean {
  return (c >= 0x3040 && c < 0x3100) || (c >= 0x3400 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00);
}

function isWordChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 39;
  if (isCjk(c)) return false;
  let cl = CHAR[c] as number;
  if ((cl & C_WORD_KNOWN) === 0) {
    cl |= C_WORD_KNOWN | (c === 0x2019 || WORDISH.test(String.fromCharCode(c)) ? C_WORD : 0);
    CHAR[c] = cl;
  }
  return (cl & C_WORD) !== 0;
}

/**
 * Hand-written scanner over `s` (original case, for entity runs) and `lower` (same offsets):
 * a regex exec per token costs several times more, and token text is never copied here.
 */
function tokenize(s: string, lower: string): void {
  const n = s.length;
  let capRun = -1;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 10) {
      push(PUNCT, T_NEWLINE, i, i + 1, F_BREAK | F_STRUCTURAL);
      capRun = -1;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0) {
      push(CONTENT, T_SLICE, i, i + 1);
      i++;
      continue;
    }
    if (c === 96 && s.startsWith("```", i)) {
      const close = s.indexOf("```", i + 3);
      push(MARKER, T_CODE, i, i, F_STRUCTURAL);
      i = close < 0 ? n : close + 3;
      capRun = 0;
      continue;
    }
    const closeQ = quoteClose(c);
    if (closeQ >= 0) {
      const close = s.indexOf(String.fromCharCode(closeQ), i + 1);
      const nl = c === 0x22 ? s.indexOf("\n", i + 1) : -1;
      if (close > i + 1 && close - i <= MAX_QUOTE && (nl < 0 || nl > close)) {
        push(PUNCT, T_QUOTE, i, close + 1, F_STRUCTURAL);
        i = close + 1;
        capRun = 0;
        continue;
      }
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (isDigit(d) || ((d === 46 || d === 44 || d === 58 || d === 47 || d === 37) && j + 1 < n && isDigit(s.charCodeAt(j + 1)))) j++;
        else break;
      }
      while (j < n && isWordChar(s, j)) j++; // "3rd", "2x": one token
      push(CONTENT, T_SLICE, i, j);
      i = j;
      capRun = 0;
      continue;
    }
    if (isCjk(c)) {
      i = cjkToken(lower, i);
      capRun = 0;
      continue;
    }
    if (!isWordChar(s, i)) {
      push(PUNCT, T_SLICE, i, i + 1, punctFlags(c));
      // After a sentence end the next capital is the sentence's, not a name's: start the run one lower.
      capRun = ((CHAR[c] as number) & C_SENTENCE_END) !== 0 ? -1 : 0;
      i++;
      continue;
    }
    // The word, hashed as it is scanned (FNV-1a of the lowercase text, as hash32; `prev` without its last character).
    let h = Math.imul(FNV_OFFSET ^ lower.charCodeAt(i), FNV_PRIME);
    let prev = FNV_OFFSET;
    let j = i + 1;
    while (j < n && (isWordChar(s, j) || (s.charCodeAt(j) === 45 && j + 1 < n && isWordChar(s, j + 1)))) {
      prev = h;
      h = Math.imul(h ^ lower.charCodeAt(j), FNV_PRIME);
      j++;
    }
    // URLs and e-mails: the whole non-space run is one slot.
    const next = s.charCodeAt(j);
    if (next === 64 || (next === 58 && s.startsWith("://", j)) || (j - i === 3 && next === 46 && lower.startsWith("www", i)) || ((next === 46 || next === 43) && isEmail(s, j))) {
      while (j < n && !isSpace(s.charCodeAt(j)) && s.charCodeAt(j) !== 10) j++;
      push(CONTENT, T_SLICE, i, j);
      i = j;
      capRun = 0;
      continue;
    }
    // Capitalised runs ("Western Interior Seaway") are named entities: slot content even if a word is an anchor.
    capRun = c !== lower.charCodeAt(i) ? capRun + 1 : 0;
    if (capRun >= 2) {
      kinds[count - 1] = CONTENT;
      push(CONTENT, T_SLICE, i, j);
    } else {
      j = word(lower, i, j, fmix32(h ^ (j - i)) | 0, fmix32(prev ^ (j - i - 1)) | 0);
    }
    i = j;
  }
}

/** Whether the non-space run continuing at `j` (after a word and a "." or "+") holds an "@": "alice.smith@corp.test". */
function isEmail(s: string, j: number): boolean {
  for (let k = j; k < s.length && k < j + 64; k++) {
    const c = s.charCodeAt(k);
    if (c === 64) return k + 1 < s.length && isWordChar(s, k + 1);
    if (isSpace(c) || c === 10) return false;
  }
  return false;
}

/**
 * Classifies and pushes the word lower[i, end): list lookups, then a canonical synonym or a
 * scaffolding phrase ("come up with"), then the singular of an unlisted plural ("explains").
 * Returns the offset after the token (a phrase extends it).
 */
function word(lower: string, i: number, end: number, h: number, hStem: number): number {
  const v = lookup(h);
  if ((v & PHRASE_BIT) !== 0) {
    for (const [rest, id] of PHRASE_TAIL.get(h) ?? []) {
      const e = end + rest.length;
      if (lower.startsWith(rest, end) && (e >= lower.length || !isWordChar(lower, e))) {
        push(ANCHOR, id, i, e);
        return e;
      }
    }
  }
  let kind = (v & KIND_MASK) - 1;
  if (kind < 0 && end - i > 2) {
    const last = lower.charCodeAt(end - 1);
    // English plural / third person: "explains", "requests" (not "class"); Korean particles: "질문을" -> "질문".
    const stem = (last === 115 && end - i > 3 && lower.charCodeAt(end - 2) !== 115) || ((CHAR[last] as number) & C_HANGUL_PARTICLE) !== 0;
    const k = stem ? (lookup(hStem) & KIND_MASK) - 1 : -1;
    if (k === ANCHOR || k === WEAK) kind = k;
  }
  const canon = (v >>> CANON_SHIFT) & 0xff;
  push(kind < 0 ? CONTENT : kind, canon === 0 ? T_SLICE : canon, i, end);
  return end;
}


/** CJK anchors by first character, longest first. */
const CJK_BY_FIRST = new Map<number, string[]>();
for (const a of CJK_ANCHORS) {
  const c = a.charCodeAt(0);
  CJK_BY_FIRST.set(c, [...(CJK_BY_FIRST.get(c) ?? []), a].sort((x, y) => y.length - x.length));
}

/** One CJK token at `i`: a listed anchor word (longest first), else one character. Returns the next offset. */
function cjkToken(lower: string, i: number): number {
  const c = lower.charCodeAt(i);
  const candidates = CJK_BY_FIRST.get(c);
  if (candidates !== undefined) {
    for (const a of candidates) {
      if (lower.startsWith(a, i)) {
        push(ANCHOR, T_SLICE, i, i + a.length);
        return i + a.length;
      }
    }
  }
  // Hiragana are mostly particles and endings in Japanese; a few Han characters are Chinese function words.
  push((c >= 0x3040 && c < 0x30a0) || ((CHAR[c] as number) & C_CJK_FUNC) !== 0 ? FUNC : CONTENT, T_SLICE, i, i + 1);
  return i + 1;
}

function isBreak(t: number): boolean {
  return ((flags[t] as number) & F_BREAK) !== 0;
}

function isStructuralAt(t: number): boolean {
  return t >= 0 && t < count && ((flags[t] as number) & F_STRUCTURAL) !== 0;
}

/** Whether token i (function word or punctuation) is kept because of its kept neighbour j. */
function chains(i: number, j: number): boolean {
  const k = kinds[i];
  if ((k !== FUNC && k !== PUNCT) || j < 0 || j >= count || !keep[j]) return false;
  const kj = kinds[j];
  // A function word does not chain across punctuation: after "Review:" the next "i"/"the" opens the slot.
  if (k === FUNC) return kj !== PUNCT;
  // Punctuation attaches after anything kept, and before kept words (not before other punctuation);
  // a sentence end before scaffolding belongs to the slot it ends ("{review}. The sentiment is").
  return j < i || (kj !== PUNCT && ((flags[i] as number) & F_SENTENCE_PUNCT) === 0);
}

/** A run holding a code marker or a field label ("Question:", "Review:") is scaffolding however short. */
function isLabelOrMarker(from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (kinds[i] === MARKER) return true;
    if ((kinds[i] === ANCHOR || kinds[i] === WEAK) && i + 1 < count && ((flags[i + 1] as number) & F_COLON) !== 0) return true;
  }
  return false;
}

/**
 * Passage-like sentences (many words, few anchors) are slot content: their anchors are
 * demoted, so "the question of who owns the river" inside a passage does not look like
 * scaffolding. Sentences end at newlines, ":" and sentence punctuation.
 */
function demotePassageAnchors(): void {
  let start = 0;
  let words = 0;
  let anchors = 0;
  for (let i = 0; i <= count; i++) {
    const end = i === count || isBreak(i);
    if (!end) {
      const k = kinds[i];
      if (k === ANCHOR || k === WEAK || k === FUNC || k === CONTENT) words++;
      if (k === ANCHOR) anchors++;
      else if (k === WEAK) anchors += 0.5;
      continue;
    }
    if (words >= PASSAGE_WORDS && anchors < words * PASSAGE_ANCHOR_SHARE) {
      for (let j = start; j < i; j++) if (kinds[j] === ANCHOR || kinds[j] === WEAK) kinds[j] = CONTENT;
    }
    start = i + 1;
    words = 0;
    anchors = 0;
  }
}

/** Whether an anchor (a strong one if `strong`) or a marker lies within ANCHOR_WINDOW content words of token i, in direction `dir`, in the same sentence. */
function anchorNear(i: number, dir: number, strong: boolean): boolean {
  let content = 0;
  for (let j = i + dir; j >= 0 && j < count && !isBreak(j); j += dir) {
    const k = kinds[j];
    if (k === ANCHOR || k === MARKER || (k === WEAK && !strong)) return true;
    if (k === CONTENT && ++content > ANCHOR_WINDOW) return false;
  }
  return false;
}

function render(lower: string): string {
  const n = count;
  keep.fill(0, 0, n);
  demotePassageAnchors();
  // 1. Anchors in scaffolding: another anchor/marker nearby, structural punctuation adjacent, or at the text's edge.
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k === MARKER) {
      keep[i] = 1;
      continue;
    }
    if (k !== ANCHOR && k !== WEAK) continue;
    // A label ("Question:") or a line start is scaffolding; right after a label is where the slot value starts.
    let ok = k === ANCHOR && (i === 0 || i === n - 1 || isStructuralAt(i + 1) || texts[i - 1] === T_NEWLINE);
    // Another anchor within a few words of the same sentence (a label's colon or a line break ends it);
    // a weak anchor needs a strong one.
    if (!ok) ok = anchorNear(i, -1, k === WEAK) || anchorNear(i, 1, k === WEAK);
    if (ok) keep[i] = 1;
  }
  // 2. Function words and punctuation chained to kept tokens, both directions.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) if (!keep[i] && chains(i, i - 1)) keep[i] = 1;
    for (let i = n - 1; i >= 0; i--) if (!keep[i] && chains(i, i + 1)) keep[i] = 1;
  }
  // 3. Short kept runs inside long slot content are leaks from it ("the", "i think"); next to
  //    short slots (a product name in "review ( _ ) about an _") they are the template.
  let left = 0;
  for (let i = 0; i < n; ) {
    if (!keep[i]) {
      left++;
      i++;
      continue;
    }
    let j = i;
    while (j < n && keep[j]) j++;
    let right = 0;
    while (j + right < n && !keep[j + right]) right++;
    let words = 0;
    for (let t = i; t < j; t++) if (kinds[t] !== PUNCT) words++;
    if (words < MIN_RUN && i > 0 && Math.min(left, right) >= LONG_SLOT && !isLabelOrMarker(i, j)) keep.fill(0, i, j);
    left = 0;
    i = j;
  }
  // The text is written as code units into a reused buffer and made a string once.
  outLen = 0;
  let inSlot = false;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) {
      if (!inSlot) emit(SLOT, 0, SLOT.length);
      inSlot = true;
      continue;
    }
    const tx = texts[i] ?? 0;
    // Blank-line counts vary with the slot content: one paragraph mark per run.
    if (tx === T_NEWLINE && outLen > 0 && out[outLen - 1] === PILCROW) continue;
    if (tx === T_SLICE) emit(lower, starts[i] as number, ends[i] as number);
    else {
      const t = SPECIAL_TEXT[tx] ?? "";
      emit(t, 0, t.length);
    }
    inSlot = false;
  }
  let str = "";
  for (let i = 0; i < outLen; i += 4096) str += String.fromCharCode.apply(null, out.subarray(i, Math.min(outLen, i + 4096)) as unknown as number[]);
  return str;
}

const PILCROW = 0xb6;
let out = new Uint16Array(1024);
let outLen = 0;

/** Appends " " (unless first) and t[from, to) to the output, typographic apostrophes as "'". */
function emit(t: string, from: number, to: number): void {
  if (outLen + (to - from) + 1 > out.length) {
    const bigger = new Uint16Array(Math.max(out.length * 2, outLen + (to - from) + 1));
    bigger.set(out.subarray(0, outLen));
    out = bigger;
  }
  if (outLen > 0) out[outLen++] = 32;
  for (let k = from; k < to; k++) {
    const c = t.charCodeAt(k);
    out[outLen++] = c === 0x2019 ? 39 : c;
  }
}
