/**
 * Text normalisation shared by the analysers: NFKC (full-width forms, ligatures and
 * compatibility characters become their plain forms), lowercase, typographic quotes folded
 * to ASCII, Arabic diacritics and tatweel removed, whitespace runs folded to one space.
 *
 * Bounded: cues that matter sit at the start (system prompt, instructions) or at the end
 * (suffixes like "Let's think step by step."), so long texts keep their head and tail only.
 */

/** Characters kept from the start of a long text. */
export const HEAD_CHARS = 4000;
/** Characters kept from the end of a long text. */
export const TAIL_CHARS = 2000;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const encoder = new TextEncoder();
const asciiProbe = new Uint8Array(8192);

/**
 * Whether `s` is pure ASCII. Native UTF-8 encoding into a reused buffer is several times
 * faster than a regex scan; texts longer than the buffer use the regex.
 */
export function isAscii(s: string): boolean {
  if (s.length > asciiProbe.length) return !NON_ASCII.test(s);
  const r = encoder.encodeInto(s, asciiProbe);
  return r.read === s.length && r.written === s.length;
}
const QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g;
const DQUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
// Arabic harakat, superscript alef, tatweel: optional marks that would split one word into many spellings.
const ARABIC_MARKS = /[\u064b-\u065f\u0670\u0640]/g;
// Only the whitespace that folding changes: a non-space whitespace character or a run starting with a space.
// Same result as replacing every \s+ run, with far fewer matches (a plain space is left alone).
const FOLD = /[^\S ]\s*| \s+/g;
// Lowercasing Turkish "İ" leaves "i" + U+0307 (combining dot above): drop the dot so "DÜŞÜNELİM" matches "düşünelim".
const DOT_ABOVE = /\u0307/g;

/**
 * Normalised, bounded form of `text` for cue matching.
 *
 * @example normalizeText("Let’s  THINK\nstep-by-step") // "let's think step-by-step"
 */
export function normalizeText(text: string, head = HEAD_CHARS, tail = TAIL_CHARS): string {
  // The analysers of one request normalise the same text more than once (CoT on system + user,
  // category on the same): a two-entry memo keyed by value keeps that to one pass. Strings
  // compare by content, so the memo cannot change a result.
  if (text === memoIn0 && head === memoHead0 && tail === memoTail0) return memoOut0;
  if (text === memoIn1 && head === memoHead1 && tail === memoTail1) return memoOut1;
  const out = compute(text, head, tail);
  memoIn1 = memoIn0;
  memoHead1 = memoHead0;
  memoTail1 = memoTail0;
  memoOut1 = memoOut0;
  memoIn0 = text;
  memoHead0 = head;
  memoTail0 = tail;
  memoOut0 = out;
  return out;
}

let memoIn0 = "";
let memoHead0 = HEAD_CHARS;
let memoTail0 = TAIL_CHARS;
let memoOut0 = "";
let memoIn1 = "";
let memoHead1 = HEAD_CHARS;
let memoTail1 = TAIL_CHARS;
let memoOut1 = "";

function compute(text: string, head: number, tail: number): string {
  const s = text.length > head + tail ? text.slice(0, head) + "\n" + text.slice(text.length - tail) : text;
  if (isAscii(s)) return s.toLowerCase().replace(FOLD, " ").trim();
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(DOT_ABOVE, "")
    .replace(QUOTES, "'")
    .replace(DQUOTES, '"')
    .replace(DASHES, "-")
    .replace(ARABIC_MARKS, "")
    .replace(FOLD, " ")
    .trim();
}
