/**
 * Trigger extraction for the regex gates (see `gate.ts`): parses a regular-expression source
 * (the subset the lexicons use: literals, escapes, classes, groups, lookarounds, quantifiers,
 * alternation) and finds, for every top-level alternative, a cheap necessary condition: a set
 * of word prefixes one of which must start a token, or a script, symbol or substring that must
 * occur. When an alternative offers none, the source gets no triggers (its gate is always open).
 *
 * Conservative by construction: a trigger is only taken from a part every match must contain,
 * a word prefix only where the regex guarantees a non-letter before it.
 */
import { isTokenLetter, scriptBit } from "./letters.ts";

/** A necessary condition for a match. */
export type Trigger =
  /** A token starts with `text` (or, when `whole` and shorter than the scan's key, is exactly `text`). */
  | { readonly kind: "word"; readonly text: string; readonly whole: boolean }
  | { readonly kind: "script"; readonly bits: number }
  | { readonly kind: "char"; readonly code: number }
  | { readonly kind: "substr"; readonly text: string };

type Atom =
  | { t: "char"; c: number; min: number; max: number }
  | { t: "class"; chars: number[] | null; letters: boolean; min: number; max: number }
  | { t: "group"; alts: Atom[][]; look: boolean; guard: boolean; endGuard: boolean; min: number; max: number }
  | { t: "space"; min: number; max: number } // \s
  | { t: "other"; min: number; max: number } // ., \d, \w, \p{..}, negated classes
  | { t: "assert"; caret: boolean; min: number; max: number }; // ^ $ \b \B

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  alts(): Atom[][] {
    const out: Atom[][] = [this.seq()];
    while (this.src[this.i] === "|") {
      this.i++;
      out.push(this.seq());
    }
    return out;
  }

  seq(): Atom[] {
    const out: Atom[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const a = this.atom();
      this.quant(a);
      out.push(a);
    }
    return out;
  }

  atom(): Atom {
    const s = this.src;
    const ch = s[this.i] ?? "";
    if (ch === "(") {
      this.i++;
      let look = false;
      let negBehind = false;
      let negAhead = false;
      if (s.startsWith("?:", this.i)) this.i += 2;
      else if (s.startsWith("?=", this.i) || s.startsWith("?!", this.i)) {
        negAhead = s[this.i + 1] === "!";
        look = true;
        this.i += 2;
      } else if (s.startsWith("?<=", this.i) || s.startsWith("?<!", this.i)) {
        negBehind = s[this.i + 2] === "!";
        look = true;
        this.i += 3;
      } else if (s.startsWith("?<", this.i)) this.i = s.indexOf(">", this.i) + 1;
      const from = this.i;
      const alts = this.alts();
      if (s[this.i] !== ")") throw new Error("unbalanced group");
      // Word guards: no letter (or letter, mark, digit) right before / right after.
      const guard = negBehind && GUARDS.has(s.slice(from, this.i));
      const endGuard = negAhead && GUARDS.has(s.slice(from, this.i));
      this.i++;
      return { t: "group", alts, look, guard, endGuard, min: 1, max: 1 };
    }
    if (ch === "[") return this.cls();
    if (ch === "\\") return this.escape();
    this.i++;
    if (ch === ".") return { t: "other", min: 1, max: 1 };
    if (ch === "^" || ch === "$") return { t: "assert", caret: ch === "^", min: 1, max: 1 };
    return { t: "char", c: ch.charCodeAt(0), min: 1, max: 1 };
  }

  escape(): Atom {
    const s = this.src;
    const e = s[this.i + 1] ?? "";
    this.i += 2;
    if (e === "s") return { t: "space", min: 1, max: 1 };
    if (e === "b" || e === "B") return { t: "assert", caret: false, min: 1, max: 1 };
    if (e === "p" || e === "P") {
      this.i = s.indexOf("}", this.i) + 1;
      return { t: "other", min: 1, max: 1 };
    }
    if (e === "d") return { t: "class", chars: [..."0123456789"].map((c) => c.charCodeAt(0)), letters: false, min: 1, max: 1 };
    if ("DwWS".includes(e)) return { t: "other", min: 1, max: 1 };
    if (e === "n") return { t: "char", c: 10, min: 1, max: 1 };
    if (e === "t") return { t: "char", c: 9, min: 1, max: 1 };
    if (e === "u" || e === "x") {
      const m = /^(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})/.exec(s.slice(this.i - 1));
      if (m === null) return { t: "other", min: 1, max: 1 };
      this.i += m[0].length - 1;
      return { t: "char", c: parseInt(m[0].replace(/[ux{}]/g, ""), 16), min: 1, max: 1 };
    }
    if (/[0-9a-zA-Z]/.test(e)) return { t: "other", min: 1, max: 1 };
    return { t: "char", c: e.charCodeAt(0), min: 1, max: 1 };
  }

  cls(): Atom {
    const s = this.src;
    this.i++;
    const negated = s[this.i] === "^";
    if (negated) this.i++;
    const chars: number[] = [];
    let simple = !negated;
    let first = true;
    while (this.i < s.length && (s[this.i] !== "]" || first)) {
      first = false;
      let c: number;
      if (s[this.i] === "\\") {
        const e = s[this.i + 1] ?? "";
        if (e === "p" || e === "P") {
          this.i = s.indexOf("}", this.i) + 1;
          simple = false;
          continue;
        }
        this.i += 2;
        if ("dDwWsSbB".includes(e) || /[0-9a-zA-Z]/.test(e)) {
          simple = false;
          continue;
        }
        c = e.charCodeAt(0);
      } else {
        c = s.charCodeAt(this.i);
        this.i++;
      }
      if (s[this.i] === "-" && s[this.i + 1] !== "]") {
        // a range: not expanded
        this.i += 2;
        if (s[this.i - 1] === "\\") this.i++;
        simple = false;
        continue;
      }
      chars.push(c);
    }
    this.i++; // ]
    const letters = simple && chars.length > 0 && chars.every((c) => isTokenLetter(c));
    return { t: "class", chars: simple ? chars : null, letters, min: 1, max: 1 };
  }

  quant(a: Atom): void {
    const s = this.src;
    const ch = s[this.i];
    if (ch === "?") {
      a.min = 0;
      this.i++;
    } else if (ch === "*") {
      a.min = 0;
      a.max = Infinity;
      this.i++;
    } else if (ch === "+") {
      a.max = Infinity;
      this.i++;
    } else if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (m === null) return;
      a.min = Number(m[1]);
      a.max = m[2] === undefined ? a.min : m[3] === "" ? Infinity : Number(m[3]);
      this.i += m[0].length;
    } else return;
    if (s[this.i] === "?") this.i++; // lazy
  }
}

/**
 * Costs of candidate triggers, roughly the chance (in %) that an ordinary prompt opens the gate:
 * function words are in most texts, common instruction words in many, other words in few.
 * A word trigger opens on tokens starting with it (the gate checks long ones whole), so a
 * prefix is as common as the words it starts.
 */
const FUNCTION_WORDS = new Set(
  `the and to of in on at is it be you your we our me my this that these those with for from by as or not no do don does did can
   will would should could all any each every one some how what why when where which who there their then than just so if but also
   about let like make get give have has are was were been an its they them he she his her here only more most very into out up`.split(/\s+/),
);
const COMMON_WORDS = new Set(
  `step steps show explain answer question think work write list time first last next help good best find read take tell know want
   need use new way may put say see got well over such case form mean point part done same both much many long high sure try keep
   thing things make made`.split(/\s+/),
);
const RARE_CHARS = new Set([..."<>\\#$[]{}|`*^=~@%&_"].map((c) => c.charCodeAt(0)));

function wordCost(w: string, whole = false): number {
  // A prefix of a function word ("th", "wh") opens as often as the word.
  if (FUNCTION_WORDS.has(w) || (!whole && w.length < 4 && [...FUNCTION_WORDS].some((f) => f.startsWith(w)))) return 50;
  if (COMMON_WORDS.has(w)) return 5;
  // A short prefix (not a whole word) costs an extra probe per token in every scan.
  if (w.length < 4 && !whole) return 30;
  return w.length < 4 ? 2 : 0.5;
}

function cost(ts: readonly Trigger[]): number {
  let c = 0;
  for (const t of ts) {
    if (t.kind === "word") c += wordCost(t.text, t.whole);
    else if (t.kind === "script") c += 5;
    // A CJK character or other non-ASCII symbol is rare in a text that is not in its script.
    else if (t.kind === "char") c += t.code >= 128 ? 0.3 : RARE_CHARS.has(t.code) ? 2 : 50;
    else c += substrCost(t.text); // each also costs a substring search per scan
  }
  return c;
}

/** A long phrase is rare whatever its words; anything else is better found by its words. */
function substrCost(text: string): number {
  const t = text.trim();
  return t.length >= 10 && t.includes(" ") ? 12 : 60;
}

const MAX_VARIANTS = 24;

/** Negative-lookbehind bodies that guarantee a non-letter (or the text start) before the next character. */
const GUARDS = new Set(["[\\p{L}]", "\\p{L}", "[\\p{L}\\p{M}\\p{N}]", "[\\p{L}\\p{N}]", "[\\p{L}\\p{M}]"]);

/** Whether every match of `a` (when present) ends with a non-letter. */
function endsNonLetter(a: Atom): boolean {
  if (a.t === "char") return !isTokenLetter(a.c);
  if (a.t === "space") return true;
  if (a.t === "class") return a.chars !== null && a.chars.every((c) => !isTokenLetter(c));
  if (a.t === "group" && !a.look) return a.alts.every((seq) => seq.length > 0 && seqEndsNonLetter(seq));
  return false;
}

function seqEndsNonLetter(seq: readonly Atom[]): boolean {
  for (let i = seq.length - 1; i >= 0; i--) {
    const a = seq[i] as Atom;
    if (a.t === "assert" || (a.t === "group" && a.look)) continue;
    if (a.max === 0) continue;
    if (!endsNonLetter(a)) return false;
    if (a.min > 0) return true;
  }
  return false;
}

/**
 * Literal word variants starting at seq[i] (letters, small letter classes), or null; `whole`
 * when a non-letter certainly follows (the token is exactly the word). `endBoundary`: a
 * non-letter certainly follows the sequence.
 */
function wordAt(seq: readonly Atom[], i: number, endBoundary: boolean): Trigger[] | null {
  let variants = [""];
  let whole = false;
  let j = i;
  for (; j < seq.length; j++) {
    const a = seq[j] as Atom;
    if (a.min === 0) break;
    let chars: number[];
    if (a.t === "char" && isTokenLetter(a.c)) chars = [a.c];
    else if (a.t === "class" && a.letters && a.chars !== null) chars = a.chars;
    else {
      whole = startsNonLetter(a);
      break;
    }
    if (variants.length * chars.length > MAX_VARIANTS) break;
    // ASCII folded as the scan folds it; other letters kept as they are (the scan does not fold them).
    variants = variants.flatMap((v) => chars.map((c) => v + String.fromCharCode(c >= 65 && c <= 90 ? c | 0x20 : c)));
    if (a.max !== 1) break; // "+": one or more, the first is certain
  }
  if (j === seq.length) whole = endBoundary;
  if (variants[0] === "" || (variants[0]?.length ?? 0) < 2) return null;
  return variants.map((text) => ({ kind: "word", text, whole }));
}

/** Whether every match of mandatory atom `a` starts with a non-letter (or is a word-end guard). */
function startsNonLetter(a: Atom): boolean {
  if (a.t === "group" && a.look) return a.endGuard;
  if (a.min === 0) return false;
  if (a.t === "char") return !isTokenLetter(a.c);
  if (a.t === "space") return true;
  if (a.t === "class") return a.chars !== null && a.chars.every((c) => !isTokenLetter(c));
  if (a.t === "group") return a.alts.every((seq) => seq.length > 0 && startsNonLetter(seq[0] as Atom));
  return false;
}

/** Literal string (printable ASCII) starting at seq[i], for substring triggers. */
function literalAt(seq: readonly Atom[], i: number): string {
  let out = "";
  for (let j = i; j < seq.length; j++) {
    const a = seq[j] as Atom;
    if (a.t !== "char" || a.min === 0 || a.c < 32 || a.c > 126) break;
    out += String.fromCharCode(a.c);
    if (a.max !== 1) break;
  }
  return out;
}

/**
 * Cheapest trigger set for a sequence (every match of the sequence satisfies one of the
 * triggers), or null. `tokenStart`: a non-letter (or the text start) precedes the sequence.
 */
/** Whether substring triggers may be used (not for regexes run on text other than the scanned one: see sourceTriggers). */
let substrings = true;

function seqTriggers(seq: readonly Atom[], tokenStart: boolean, endBoundary: boolean): Trigger[] | null {
  let best: Trigger[] | null = null;
  let bestCost = Infinity;
  const offer = (ts: Trigger[] | null): void => {
    if (ts === null || ts.length === 0) return;
    const c = cost(ts);
    if (c < bestCost) {
      best = ts;
      bestCost = c;
    }
  };
  let atStart = tokenStart;
  for (let i = 0; i < seq.length; i++) {
    const a = seq[i] as Atom;
    if (a.t === "assert") {
      if (a.caret) atStart = true;
      continue;
    }
    if (a.t === "group" && a.look) {
      if (a.guard) atStart = true;
      continue;
    }
    if (a.min > 0) {
      if (a.t === "char") {
        const c = a.c;
        if (atStart && isTokenLetter(c)) {
          offer(wordAt(seq, i, endBoundary));
        }
        if (c > 32 && !isTokenLetter(c)) offer([{ kind: "char", code: c }]);
        else if (c >= 128 && scriptBit(c) !== 0) offer([{ kind: "script", bits: scriptBit(c) }]);
        // A substring from a word's start (not its middle: the word trigger is as good and needs no search).
        const prev = seq[i - 1];
        const lit = prev !== undefined && prev.t === "char" && isTokenLetter(prev.c) ? "" : literalAt(seq, i);
        if (lit.length >= 4 && substrings) offer([{ kind: "substr", text: lit }]);
      } else if (a.t === "class" && a.chars !== null) {
        if (atStart && a.letters) offer(wordAt(seq, i, endBoundary));
        if (a.chars.every((c) => c > 32 && !isTokenLetter(c))) offer(a.chars.map((code) => ({ kind: "char", code })));
        else if (a.chars.every((c) => (c > 32 && !isTokenLetter(c)) || scriptBit(c) !== 0)) {
          offer(a.chars.map((c): Trigger => (!isTokenLetter(c) ? { kind: "char", code: c } : { kind: "script", bits: scriptBit(c) })));
        }
      } else if (a.t === "group") {
        const parts: Trigger[] = [];
        let ok = true;
        // What follows the group: a word-end guard or a non-letter makes its words whole.
        const next = seq[i + 1];
        const after = a.max === 1 && (next === undefined ? endBoundary : startsNonLetter(next));
        for (const alt of a.alts) {
          const t = seqTriggers(alt, atStart, after);
          if (t === null) {
            ok = false;
            break;
          }
          parts.push(...t);
        }
        if (ok) offer(parts);
      }
    }
    // Is the position after this atom a token start? (An optional atom may be absent.)
    atStart = a.min > 0 ? endsNonLetter(a) : atStart && endsNonLetter(a);
  }
  return best;
}

/**
 * Triggers of a regex source (flags "u", case-sensitive): one necessary condition per
 * top-level alternative, or null when some alternative has none. `substringsAllowed`: false
 * when the gate will be computed on a case-folded, whitespace-folded copy of the text the
 * regex runs on (word, symbol and script triggers survive that folding, substrings do not).
 */
export function sourceTriggers(src: string, substringsAllowed = true): Trigger[] | null {
  let alts: Atom[][];
  try {
    const p = new Parser(src);
    alts = p.alts();
    if (p.i !== src.length) return null;
  } catch {
    return null;
  }
  substrings = substringsAllowed;
  const out: Trigger[] = [];
  for (const seq of alts) {
    const t = seqTriggers(seq, false, false);
    if (t === null) return null;
    out.push(...t);
  }
  return out;
}
