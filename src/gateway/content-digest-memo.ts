/**
 * The live engine's memo of the content analysis, keyed by a salted SHA-256 digest of the text it reads
 * instead of the text: it holds no prompt text, only digests, features and system-prompt hashes.
 *
 * Why: agents re-send the same system prompt (often 10–50 KB with its tool instructions) and, in a tool loop,
 * the same task on every step, so most of an agent's exchanges carry content the engine has analysed already.
 * Reading such a system prompt costs the analysis hundreds of µs per exchange; a digest of it costs ~1 µs
 * per KB (SHA-256 in native code).
 *
 * Why a cryptographic digest: a key with collisions an attacker can build (FNV and the like) would let one
 * exchange take the stored features of another, e.g. a scripted extraction prompt analysed as a harmless one.
 * SHA-256 has no known collisions, and the per-process random salt keeps the keys of one process useless to
 * anyone who reads them elsewhere (no dictionary of precomputed digests).
 *
 * Bounded by entries: two generations, the older dropped when the newer fills (entries read from the older
 * one move to the newer), so recent and often repeated content stays.
 */
import { createHash, hash as oneShotHash, randomBytes } from "node:crypto";
import { contentKey } from "../core/features/content-cache.ts";
import type { AnalysedContent, ContentMemo } from "../core/features/content-cache.ts";
import type { ContentInput } from "../core/features/request-features.ts";

/** Entries per generation by default: two of them hold up to 32,768 contents, ~10 MB (no text). */
export const DIGEST_MEMO_ENTRIES = 16_384;

/** `crypto.hash` (Node 20.12+) is the cheap one-shot form; older 20.x use `createHash`. */
const sha256: (s: string) => string =
  typeof oneShotHash === "function" ? (s) => oneShotHash("sha256", s, "base64") : (s) => createHash("sha256").update(s).digest("base64");

export class DigestContentMemo implements ContentMemo {
  private young = new Map<string, AnalysedContent>();
  private old = new Map<string, AnalysedContent>();
  private readonly salt = randomBytes(16).toString("base64");
  /** Lookups that found a stored result / that did not, since start. */
  hits = 0;
  misses = 0;

  constructor(private readonly perGeneration: number = DIGEST_MEMO_ENTRIES) {
    if (!(Number.isInteger(perGeneration) && perGeneration >= 1)) throw new RangeError(`digest memo size must be a positive integer, got ${perGeneration}`);
  }

  /** Entries held (both generations). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  analyse(input: ContentInput, compute: (input: ContentInput) => AnalysedContent): AnalysedContent {
    const key = sha256(this.salt + contentKey(input.system, input.lastUser, input.toolsDefined, input.toolTurns));
    const y = this.young.get(key);
    if (y !== undefined) {
      this.hits++;
      return y;
    }
    const o = this.old.get(key);
    if (o !== undefined) {
      this.hits++;
      this.old.delete(key);
      this.put(key, o);
      return o;
    }
    this.misses++;
    const v = compute(input);
    this.put(key, v);
    return v;
  }

  /** The digests held (for tests: they must not carry text). */
  keys(): string[] {
    return [...this.young.keys(), ...this.old.keys()];
  }

  private put(key: string, v: AnalysedContent): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, v);
  }
}
