/**
 * Character classes of the gate scanner (see `gate.ts`): token letters and writing systems,
 * by UTF-16 code unit, without a regex per character.
 */

/** Letters are looked up below this code unit; CJK, Hangul syllables and fullwidth forms are scripts, not token letters. */
export const LETTER_LIMIT = 0x3000;
let letters: Uint8Array | null = null;

/** 1 for each code unit below LETTER_LIMIT that is a letter (\\p{L}); built once, on first use. */
export function letterTable(): Uint8Array {
  if (letters !== null) return letters;
  const t = new Uint8Array(LETTER_LIMIT);
  const re = /\p{L}/u;
  for (let c = 0; c < LETTER_LIMIT; c++) if (c < 0xd800 && re.test(String.fromCharCode(c))) t[c] = 1;
  letters = t;
  return t;
}

/** Whether `c` (a UTF-16 code unit) is a token letter. Exported for the trigger extractor. */
export function isTokenLetter(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return c < LETTER_LIMIT && letterTable()[c] === 1;
}

/** Script bits (for script triggers): one per writing system the lexicons distinguish. */
export function scriptBit(c: number): number {
  if (c < 0x370) return 0;
  if (c < 0x400) return 1 << 1; // greek
  if (c < 0x530) return 1 << 0; // cyrillic
  if (c >= 0x590 && c < 0x600) return 1 << 2; // hebrew
  if ((c >= 0x600 && c < 0x780) || (c >= 0xfb50 && c < 0xfe00) || (c >= 0xfe70 && c < 0xff00)) return 1 << 3; // arabic
  if (c >= 0x900 && c < 0x980) return 1 << 4; // devanagari
  if (c >= 0x980 && c < 0xa00) return 1 << 5; // bengali
  if (c >= 0xe00 && c < 0xe80) return 1 << 6; // thai
  if ((c >= 0x3000 && c < 0x3100) || (c >= 0x3400 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00) || (c >= 0xff00 && c < 0xfff0)) return 1 << 7; // cjk
  if ((c >= 0xac00 && c < 0xd7b0) || (c >= 0x1100 && c < 0x1200) || (c >= 0x3130 && c < 0x3190)) return 1 << 8; // hangul
  return 1 << 9; // other non-Latin
}
