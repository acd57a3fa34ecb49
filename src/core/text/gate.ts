/**
 * Word-trigger gates in front of the cue regexes. Most cue phrases cannot match a prompt that
 * lacks certain words ("show your reasoning" needs a token starting with "reas", "\boxed" a
 * backslash), so one pass over the text that hashes word prefixes tells which compiled cue
 * sets can possibly match; the others are skipped without running their regex.
 *
 * Triggers are derived from the regex sources themselves (see `triggers.ts`), so lexicon
 * edits need no second list, and a gate is conservative by construction: it may open for a
 * text the regex then does not match, never stay shut for one it would match. A trigger is
 * one of: a word prefix at a token start (tokens are runs of letters, so every regex word
 * start is a token start), a writing system present in the text, an ASCII symbol present,
 * or a substring present.
 */
import { LETTER_LIMIT, letterTable, scriptBit } from "./letters.ts";
import { sourceTriggers, type Trigger } from "./triggers.ts";

/** Letters of a word prefix key: longer triggers are keyed by their first KEY_LEN letters. */
const KEY_LEN = 4;
/** Added to a key's length for a whole short word ("pas", not "passo"), probed once at the token's end. */
const WHOLE = 16;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Table key of a word prefix of `len` letters (FNV state `h`): one multiply, never 0. */
function prefixKey(h: number, len: number): number {
  const x = Math.imul(h ^ (len << 24), 0x9e3779b1);
  return (x ^ (x >>> 15)) | 1;
}

interface Group {
  readonly triggers: readonly Trigger[] | null;
}

const groups: Group[] = [];
let built = false;
/** Open-addressing table: key (prefixKey) -> index into entryGroups lists. */
let keys = new Int32Array(0);
let vals = new Int32Array(0);
let mask = 0;
/** Flattened group lists per entry: entryStart[e]..entryStart[e+1]. */
let entryStart: number[] = [];
let entryGroups: number[] = [];
/** Per entry: the whole trigger word to check at the token (longer than the key), or null. */
let entryTexts: (string | null)[] = [];
/**
 * Short prefix triggers (fewer than KEY_LEN letters, not whole words: "lös" for "löse",
 * "lösung"): their lengths (bit per length) and first letters; a token is probed at those
 * lengths only when its first letter is one of them.
 */
let lengths = 0;
let shortFirst = new Uint8Array(0);
let alwaysOpen: number[] = [];
/** Group ids per script bit (index = bit number) and per ASCII symbol. */
let scriptGroups: number[][] = [];
let charGroups: number[][] = [];
/** Per 32-code block of ASCII: which symbols have gates (block 1: 32-63, 2: 64-95, 3: 96-127). */
const charMask = new Int32Array(4);
let substrGroups: [string, number][] = [];
/**
 * Gates on a non-ASCII symbol or CJK / Hangul character, by a 10-bit hash of the character:
 * the scan sets the text's characters' bits (a Bloom filter), then opens the groups of the
 * bits set (a shared bit opens a few gates too many, never one too few).
 */
let wideGroups: number[][] = [];
const wide = new Int32Array(32);
const wideBit = (c: number): number => Math.imul(c, 0x9e3779b1) >>> 22;

/** Open gates per group for the texts scanned last (a few texts of one request alternate). */
const MEMO = 4;
const memoText: (string | null)[] = new Array<string | null>(MEMO).fill(null);
const memoBits: Uint8Array[] = [];
let memoNext = 0;
let enabled = true;

/**
 * Registers a set of regex sources matched together (case-sensitively); returns its gate id.
 * Sources that start with a word-start guard may be given with it (the guard tells the
 * extractor that a word begins there). `open`: no triggers, the gate never shuts. `folded`:
 * the gate will be read from the scan of a lowercased, whitespace-folded copy of the text
 * the regex runs on (so no substring triggers).
 */
export function registerGate(sources: readonly string[], open = false, folded = false): number {
  let triggers: Trigger[] | null = open ? null : [];
  for (const src of sources) {
    if (triggers === null) break;
    const t = sourceTriggers(src, !folded);
    triggers = t === null ? null : triggers.concat(t);
  }
  groups.push({ triggers });
  built = false;
  return groups.length - 1;
}

/** Gates all open, for a text whose own gates are not computed (a buffer reused across calls: read it right away). */
export function allOpen(): Uint8Array {
  if (!built) build();
  return openBits;
}
let openBits = new Uint8Array(0);

/** Turns gating off (every gate open) or on; for tests comparing gated and ungated results. */
export function setGating(on: boolean): void {
  enabled = on;
  memoText.fill(null);
}

function build(): void {
  // key -> group id -> full trigger texts to verify on a hit (null: the key is the whole trigger).
  const byKey = new Map<number, Map<number, Set<string> | null>>();
  alwaysOpen = [];
  scriptGroups = Array.from({ length: 32 }, () => []);
  charGroups = Array.from({ length: 128 }, () => []);
  charMask.fill(0);
  substrGroups = [];
  wideGroups = Array.from({ length: 1024 }, () => []);
  lengths = 0;
  shortFirst = new Uint8Array(LETTER_LIMIT);
  groups.forEach((g, id) => {
    if (g.triggers === null) {
      alwaysOpen.push(id);
      return;
    }
    for (const t of g.triggers) {
      if (t.kind === "word") {
        const len = Math.min(KEY_LEN, t.text.length);
        let h = FNV_OFFSET;
        for (let i = 0; i < len; i++) h = Math.imul(h ^ fold(t.text.charCodeAt(i)), FNV_PRIME);
        const whole = t.whole && len < KEY_LEN;
        const k = prefixKey(h, whole ? len + WHOLE : len);
        if (len < KEY_LEN && !whole) {
          lengths |= 1 << len;
          shortFirst[fold(t.text.charCodeAt(0))] = 1;
        }
        const perGroup = byKey.get(k) ?? byKey.set(k, new Map()).get(k);
        if (perGroup === undefined) continue;
        if (t.text.length <= KEY_LEN) perGroup.set(id, null);
        else if (perGroup.get(id) !== null) perGroup.set(id, (perGroup.get(id) ?? new Set<string>()).add(t.text));
      } else if (t.kind === "script") {
        for (let b = 0; b < 32; b++) if ((t.bits & (1 << b)) !== 0) scriptGroups[b]?.push(id);
      } else if (t.kind === "char" && t.code >= 128) wideGroups[wideBit(t.code)]?.push(id);
      else if (t.kind === "char") {
        charGroups[t.code]?.push(id);
        charMask[t.code >> 5] = (charMask[t.code >> 5] as number) | (1 << (t.code & 31));
      }
      else substrGroups.push([t.text, id]);
    }
  });
  let size = 64;
  while (size < byKey.size * 4) size *= 2;
  keys = new Int32Array(size);
  vals = new Int32Array(size);
  mask = size - 1;
  entryStart = [0];
  entryGroups = [];
  entryTexts = [];
  for (const [k, perGroup] of byKey) {
    let slot = k & mask;
    while (keys[slot] !== 0) slot = (slot + 1) & mask;
    keys[slot] = k;
    vals[slot] = entryStart.length - 1;
    for (const [id, texts] of perGroup) {
      for (const text of texts ?? [null]) {
        entryGroups.push(id);
        entryTexts.push(text);
      }
    }
    entryStart.push(entryGroups.length);
  }
  openBits = new Uint8Array(groups.length).fill(1);
  while (memoBits.length < MEMO) memoBits.push(new Uint8Array(0));
  for (let i = 0; i < MEMO; i++) memoBits[i] = new Uint8Array(groups.length);
  memoText.fill(null);
  built = true;
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** Whether the regex set `id` can match `s` (a text whose gates are computed once and remembered). */
export function gateOpen(id: number, s: string): boolean {
  return gateBits(s)[id] === 1;
}

/**
 * The gates of `s`, by id (1 = open). Valid until gates of a few other texts are computed:
 * read it right away.
 */
export function gateBits(s: string): Uint8Array {
  if (!built) build();
  for (let i = 0; i < MEMO; i++) if (memoText[i] === s) return memoBits[i] as Uint8Array;
  const slot = memoNext;
  memoNext = (memoNext + 1) % MEMO;
  const bits = memoBits[slot] as Uint8Array;
  if (enabled) scan(s, bits);
  else bits.fill(1);
  memoText[slot] = s;
  return bits;
}

/** One pass over `s`: word-prefix hits, scripts and ASCII symbols present; then the gates they open. */
function scan(s: string, bits: Uint8Array): void {
  bits.fill(0);
  for (const id of alwaysOpen) bits[id] = 1;
  const table = letterTable();
  let scripts = 0;
  let anyWide = false;
  wide.fill(0);
  let sym1 = 0; // ASCII 32..63 present
  let sym2 = 0; // ASCII 64..95 present (non-letters)
  let sym3 = 0; // ASCII 96..127 present (non-letters)
  const n = s.length;
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (!isLetterCode(c, table)) {
      if (c < 128) {
        if (c >= 32) {
          if (c < 64) sym1 |= 1 << (c - 32);
          else if (c < 96) sym2 |= 1 << (c - 64);
          else sym3 |= 1 << (c - 96);
        }
      } else {
        scripts |= scriptBit(c);
        anyWide = true;
        const b = wideBit(c);
        wide[b >>> 5] = (wide[b >>> 5] as number) | (1 << (b & 31));
      }
      i++;
      continue;
    }
    // A token: hash its first KEY_LEN letters, probe, then skip to its end.
    const first = c < 128 ? c | 0x20 : c;
    const short = lengths !== 0 && shortFirst[first] === 1;
    const start = i;
    let h = FNV_OFFSET;
    let len = 0;
    for (;;) {
      if (c >= 128) scripts |= scriptBit(c);
      h = Math.imul(h ^ (c < 128 ? c | 0x20 : c), FNV_PRIME);
      len++;
      i++;
      if (len === KEY_LEN) {
        hit(prefixKey(h, len), bits, s, start);
        break;
      }
      if (short && (lengths & (1 << len)) !== 0) hit(prefixKey(h, len), bits, s, start);
      if (i >= n) break;
      c = s.charCodeAt(i);
      if (!isLetterCode(c, table)) break;
    }
    if (len < KEY_LEN) {
      if (len > 1) hit(prefixKey(h, len + WHOLE), bits, s, start);
      continue;
    }
    // the rest of a long token
    while (i < n) {
      c = s.charCodeAt(i);
      if (c < 128) {
        const l = c | 0x20;
        if (l < 97 || l > 122) break;
      } else if (c >= LETTER_LIMIT || table[c] !== 1) break;
      else scripts |= scriptBit(c);
      i++;
    }
  }
  if (scripts !== 0) for (let b = 0; b < 32; b++) if ((scripts & (1 << b)) !== 0) for (const id of scriptGroups[b] ?? []) bits[id] = 1;
  if (anyWide) {
    for (let w = 0; w < 32; w++) {
      for (let m = wide[w] as number; m !== 0; m &= m - 1) {
        for (const id of wideGroups[(w << 5) + (31 - Math.clz32(m & -m))] ?? []) bits[id] = 1;
      }
    }
  }
  openChars(sym1 & charMask[1]!, 32, bits);
  openChars(sym2 & charMask[2]!, 64, bits);
  openChars(sym3 & charMask[3]!, 96, bits);
  for (const [text, id] of substrGroups) if (bits[id] === 0 && s.includes(text)) bits[id] = 1;
}

/** Opens the gates of the ASCII symbols in `present` (bit i: code base + i). */
function openChars(present: number, base: number, bits: Uint8Array): void {
  for (let m = present; m !== 0; m &= m - 1) {
    const b = 31 - Math.clz32(m & -m);
    for (const id of charGroups[base + b] ?? []) bits[id] = 1;
  }
}

function isLetterCode(c: number, table: Uint8Array): boolean {
  if (c < 128) {
    const l = c | 0x20;
    return l >= 97 && l <= 122;
  }
  return c < LETTER_LIMIT && table[c] === 1;
}

/** Opens the gates keyed `k`, for the token starting at `p` of `s` (long triggers are checked whole: "explain" is not "explica"). */
function hit(k: number, bits: Uint8Array, s: string, p: number): void {
  let slot = k & mask;
  for (;;) {
    const key = keys[slot] as number;
    if (key === 0) return;
    if (key === k) {
      const e = vals[slot] as number;
      for (let i = entryStart[e] as number; i < (entryStart[e + 1] as number); i++) {
        const id = entryGroups[i] as number;
        if (bits[id] === 1) continue;
        const text = entryTexts[i];
        if (text === null || text === undefined || tokenStartsWith(s, p, text)) bits[id] = 1;
      }
      return;
    }
    slot = (slot + 1) & mask;
  }
}

/** Whether s[p...] starts with `text` (lowercase letters), ASCII letters of `s` folded as the scan folds them. */
function tokenStartsWith(s: string, p: number, text: string): boolean {
  if (p + text.length > s.length) return false;
  for (let k = 0; k < text.length; k++) {
    const c = s.charCodeAt(p + k);
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== text.charCodeAt(k)) return false;
  }
  return true;
}
