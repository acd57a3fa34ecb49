/**
 * MinHash signatures over word 3-shingles, with LSH banding, for near-duplicate prompts and
 * near-same template skeletons. Feed it raw text (near-duplicate problems, rejection-sampling
 * resends) or a skeleton (template families); the engine decides.
 *
 * Tokens are lowercase runs of letters/digits; each CJK character is its own token (those
 * scripts have no spaces). Shingles are hashed incrementally from token hashes (no substring
 * allocation). The i-th hash function is `xorshift16((x ^ b_i) * a_i)` with odd `a_i`: a
 * bijection of the avalanched 32-bit shingle hash, parameters drawn once from a fixed seed so signatures are
 * comparable across processes and runs.
 */
import { combine32, fmix32, FNV_OFFSET, FNV_PRIME, hash32Range } from "./hash.ts";

/** Default signature length. */
export const DEFAULT_NUM_HASHES = 32;
/** Largest signature length supported. */
export const MAX_NUM_HASHES = 256;
/** Words per shingle. */
export const SHINGLE = 3;
/** Characters looked at (a prompt's first part carries its identity; bounds the cost). */
export const MINHASH_MAX_CHARS = 4000;

const A = new Int32Array(MAX_NUM_HASHES);
const B = new Int32Array(MAX_NUM_HASHES);
{
  // splitmix32 from a fixed seed: deterministic, independent-looking parameters.
  let state = 0x6d2b79f5;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    return fmix32(state);
  };
  for (let i = 0; i < MAX_NUM_HASHES; i++) {
    A[i] = next() | 1;
    B[i] = next() | 0;
  }
}

/** Scratch buffer of token hashes, reused across calls (single-threaded hot path). */
let tokenBuf = new Int32Array(1024);

/**
 * MinHash signature of `text` (`numHashes` 32-bit values). Texts with fewer than 3 tokens
 * use their tokens as shingles; an empty text gets all 0xffffffff.
 *
 * @example jaccardEstimate(minhash("a b c d e"), minhash("a b c d f")) // ~0.5
 */
export function minhash(text: string, numHashes = DEFAULT_NUM_HASHES): Uint32Array {
  const k = Math.max(1, Math.min(MAX_NUM_HASHES, Math.floor(numHashes)));
  const s = (text.length > MINHASH_MAX_CHARS ? text.slice(0, MINHASH_MAX_CHARS) : text).toLowerCase();
  const nTok = tokenHashes(s);
  const sig = new Uint32Array(k).fill(0xffffffff);
  if (nTok === 0) return sig;
  if (nTok < SHINGLE) {
    let x = tokenBuf[0] ?? 0;
    for (let t = 1; t < nTok; t++) x = combine32(x, tokenBuf[t] ?? 0);
    update(sig, k, x);
    return sig;
  }
  for (let t = 0; t + SHINGLE <= nTok; t++) {
    const x = combine32(combine32(tokenBuf[t] ?? 0, tokenBuf[t + 1] ?? 0), tokenBuf[t + 2] ?? 0);
    update(sig, k, x);
  }
  return sig;
}

function update(sig: Uint32Array, k: number, x: number): void {
  for (let i = 0; i < k; i++) {
    // xor-multiply-xorshift: three bijections of the (already avalanched) shingle hash.
    let h = Math.imul(x ^ (B[i] as number), A[i] as number);
    h = (h ^ (h >>> 16)) >>> 0;
    if (h < (sig[i] as number)) sig[i] = h;
  }
}

function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 95 || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000 && c !== 0x3000) || (c >= 0xac00 && c < 0xd7b0)
  );
}

function isCjkChar(c: number): boolean {
  return (c >= 0x3040 && c < 0x3100) || (c >= 0x3400 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00);
}

function put(n: number, h: number): void {
  if (n === tokenBuf.length) {
    const bigger = new Int32Array(tokenBuf.length * 2);
    bigger.set(tokenBuf);
    tokenBuf = bigger;
  }
  tokenBuf[n] = h;
}

/** Fills tokenBuf with token hashes; returns the count. */
function tokenHashes(s: string): number {
  let n = 0;
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    if (isCjkChar(c)) {
      if (start >= 0) put(n++, hash32Range(s, start, i));
      start = -1;
      put(n++, hash32Range(s, i, i + 1));
    } else if (isWordChar(c)) {
      if (start < 0) start = i;
    } else {
      if (start >= 0) put(n++, hash32Range(s, start, i));
      start = -1;
      // Slot markers and punctuation carry template structure: keep non-space symbols as tokens.
      if (c > 32 && i < s.length) put(n++, hash32Range(s, i, i + 1));
    }
  }
  return n;
}

/**
 * LSH band keys of a signature: `bands` keys of `floor(len / bands)` rows each, like
 * "b3:1a2b3c4d5e6f7a8b". Two signatures share at least one key with probability
 * 1 - (1 - J^r)^b for Jaccard similarity J (r rows, b bands): with 32 hashes and 8 bands,
 * J = 0.8 pairs collide ~98% of the time and J = 0.3 pairs ~6%.
 */
export function lshBands(sig: Uint32Array, bands: number): string[] {
  return eachBand(sig, bands, bandKey);
}

/** The two 32-bit hashes of each band of `sig` (see `lshBands`), handed to `make` with the band number. */
function eachBand<T>(sig: Uint32Array, bands: number, make: (i: number, h1: number, h2: number) => T): T[] {
  const b = Math.max(1, Math.min(sig.length, Math.floor(bands)));
  const rows = Math.floor(sig.length / b);
  const out: T[] = [];
  for (let i = 0; i < b; i++) {
    let h1 = 0x9747b28c ^ i;
    let h2 = 0x5bd1e995 ^ i;
    for (let r = 0; r < rows; r++) {
      const v = sig[i * rows + r] ?? 0;
      h1 = combine32(h1, v);
      h2 = combine32(h2, v ^ 0x27d4eb2f);
    }
    out.push(make(i, h1, h2));
  }
  return out;
}

const HEX = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));
const hx = (h: number, shift: number): number => HEX[(h >>> shift) & 15] as number;

/** "b<i>:" + 16 hex digits, built in one call (the same text as hex32(h1) + hex32(h2), a few times faster). */
function bandKey(i: number, h1: number, h2: number): string {
  return (
    "b" +
    i +
    ":" +
    String.fromCharCode(hx(h1, 28), hx(h1, 24), hx(h1, 20), hx(h1, 16), hx(h1, 12), hx(h1, 8), hx(h1, 4), hx(h1, 0), hx(h2, 28), hx(h2, 24), hx(h2, 20), hx(h2, 16), hx(h2, 12), hx(h2, 8), hx(h2, 4), hx(h2, 0))
  );
}

/**
 * `hash32` of each key {@link lshBands} would give, computed from the two band hashes without building the
 * key text: FNV-1a over "b", the band number's digits, ":" and the 16 hex digits, then the same finish.
 * Equal to `lshBands(sig, bands).map((k) => hash32(k))` (tested); the per-request path needs only these
 * numbers, and building four strings to hash them cost more than the rest of the MinHash.
 */
export function lshBandHashes(sig: Uint32Array, bands: number): number[] {
  return eachBand(sig, bands, bandKeyHash);
}

/** `hash32(bandKey(i, h1, h2))`. */
function bandKeyHash(i: number, h1: number, h2: number): number {
  let h = Math.imul(FNV_OFFSET ^ 98, FNV_PRIME); // "b"
  let len = 18; // "b" + ":" + 16 hex digits, plus the digits of i below
  if (i < 10) {
    h = Math.imul(h ^ (48 + i), FNV_PRIME);
    len++;
  } else {
    const digits = String(i);
    for (let d = 0; d < digits.length; d++) h = Math.imul(h ^ digits.charCodeAt(d), FNV_PRIME);
    len += digits.length;
  }
  h = Math.imul(h ^ 58, FNV_PRIME); // ":"
  for (let shift = 28; shift >= 0; shift -= 4) h = Math.imul(h ^ hx(h1, shift), FNV_PRIME);
  for (let shift = 28; shift >= 0; shift -= 4) h = Math.imul(h ^ hx(h2, shift), FNV_PRIME);
  return fmix32(h ^ len);
}

/** Fraction of equal positions: an unbiased estimate of the Jaccard similarity of the two shingle sets. */
export function jaccardEstimate(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let eq = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) eq++;
  return eq / n;
}
