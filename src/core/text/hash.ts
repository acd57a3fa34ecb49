/**
 * Fast non-cryptographic string hashing for the per-request hot path.
 *
 * FNV-1a over UTF-16 code units, finished with murmur3's `fmix32` avalanche so that short
 * strings that differ in one character still spread over all 32 bits (plain FNV-1a leaves
 * the high bits weak, which matters for MinHash and LSH band keys). Not for security: an
 * adversary can build collisions. Use it for fingerprints and sketches only.
 */

/** FNV-1a's 32-bit offset basis and prime (for code that hashes text it never builds, as `hash32` would). */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** murmur3 32-bit finaliser: full avalanche of a 32-bit state. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 32-bit hash of `s` (unsigned). Different seeds give independent-looking hash functions.
 *
 * @example hash32("hello") !== hash32("hello", 1)
 */
export function hash32(s: string, seed = 0): number {
  let h = (FNV_OFFSET ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h ^ s.length);
}

/**
 * Hash of the code units `s[start, end)` without slicing: lets tokenisers hash substrings
 * without allocating them. Equal to `hash32(s.slice(start, end), seed)`.
 */
export function hash32Range(s: string, start: number, end: number, seed = 0): number {
  let h = (FNV_OFFSET ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h ^ (end - start));
}

/** Combines two 32-bit hashes into one (order matters), as for k-shingles of token hashes. */
export function combine32(a: number, b: number): number {
  return fmix32((Math.imul(a ^ 0x27d4eb2f, 0x165667b1) + b) | 0);
}

/** 8 lowercase hex digits of an unsigned 32-bit value. */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/**
 * 64-bit fingerprint of `s` as 16 hex digits (two independent 32-bit hashes). At 64 bits
 * accidental collisions among a few billion distinct strings are unlikely, which is what a
 * fingerprint key (template, parameter set, tool schema) needs.
 *
 * @example hashHex("You are a helpful assistant.") // e.g. "3f2a9c10b1d47e02"
 */
export function hashHex(s: string): string {
  return hex32(hash32(s, 0x5bd1e995)) + hex32(hash32(s, 0x1b873593));
}
