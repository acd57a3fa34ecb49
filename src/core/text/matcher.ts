/**
 * Fast "phrase at a word start" matching. A leading lookbehind such as `(?<![\p{L}])` makes
 * V8's regex engine try every alternative at every position (3-4x slower on a 500-character
 * prompt); the same alternation without it lets the engine skip ahead on first characters.
 * So sources that start with the word-start guard are compiled without it and the guard is
 * checked on each match, retrying one position later when it fails: same matches, less time.
 *
 * Every matcher also gets a gate (see `gate.ts`): a word-prefix pre-check, derived from its
 * sources, that skips the regex for texts it cannot match.
 */
import { gateBits, registerGate } from "./gate.ts";


/** The word-start guard the lexicons put in front of spaced-script phrases. */
export const WORD_START = "(?<![\\p{L}\\p{M}\\p{N}])";
const WORDISH = /[\p{L}\p{M}\p{N}]/u;

/** A compiled phrase set: guarded alternatives (boundary checked by hand) and free ones. */
export interface Matcher {
  readonly guarded: RegExp | null;
  readonly free: RegExp | null;
  /** Gate id (see `gate.ts`). */
  readonly gate: number;
}

/**
 * Compiles regex sources (each optionally starting with {@link WORD_START}) into one matcher.
 * `multiline`: "^" and "$" match at line breaks (the sources are then all compiled as given).
 * `gate`: "text" (the default) for a gate computed on the text matched; "folded" for one read
 * from the scan of a lowercased, whitespace-folded copy of it (see `registerGate`); "open" for
 * none (the matcher runs on every text, and the caller may pass any gates).
 */
export function compileMatcher(sources: readonly string[], multiline = false, gate: "text" | "folded" | "open" = "text"): Matcher {
  const guarded: string[] = [];
  const free: string[] = [];
  for (const src of sources) {
    if (src.startsWith(WORD_START) && !multiline) guarded.push(src.slice(WORD_START.length));
    else free.push(src);
  }
  const m: Matcher = {
    guarded: guarded.length > 0 ? new RegExp(guarded.join("|"), "gu") : null,
    free: free.length > 0 ? new RegExp(free.join("|"), multiline ? "gmu" : "gu") : null,
    gate: registerGate(sources, gate === "open", gate === "folded"),
  };
  compiled.push(m);
  return m;
}

const compiled: Matcher[] = [];

/** Every matcher compiled so far (for tests that check the gates against the plain regexes). */
export function allMatchers(): readonly Matcher[] {
  return compiled;
}

function atWordStart(s: string, i: number): boolean {
  if (i === 0) return true;
  const c = s.charCodeAt(i - 1);
  if (c < 128) return !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122));
  return !WORDISH.test(s[i - 1] ?? "");
}

/**
 * Whether any phrase of `m` occurs in `s`. `bits`: the gates of `s` when the caller has them
 * (see `gateBits`), saving the lookup.
 */
export function matches(m: Matcher, s: string, bits: Uint8Array = gateBits(s)): boolean {
  if (bits[m.gate] !== 1) return false;
  if (m.free !== null) {
    m.free.lastIndex = 0;
    if (m.free.test(s)) return true;
  }
  const re = m.guarded;
  if (re === null) return false;
  re.lastIndex = 0;
  let r: RegExpExecArray | null;
  while ((r = re.exec(s)) !== null) {
    if (atWordStart(s, r.index)) return true;
    re.lastIndex = r.index + 1;
  }
  return false;
}

/** Appends [start, end) of every match of `m` in `s` to `out` (flattened pairs), at most `max` pairs. */
export function matchSpans(m: Matcher, s: string, out: number[], max = 64, bits: Uint8Array = gateBits(s)): void {
  if (bits[m.gate] !== 1) return;
  for (const re of [m.guarded, m.free]) {
    if (re === null) continue;
    re.lastIndex = 0;
    let r: RegExpExecArray | null;
    let found = 0;
    while (found < max && (r = re.exec(s)) !== null) {
      if (re === m.free || atWordStart(s, r.index)) {
        out.push(r.index, r.index + r[0].length);
        found++;
        if (r[0].length === 0) re.lastIndex = r.index + 1;
      } else {
        re.lastIndex = r.index + 1;
      }
    }
  }
}
