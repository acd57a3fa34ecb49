/**
 * The live engine's memo of the content analysis, keyed by a salted SHA-256 digest of the text it reads
 * instead of the text: it holds no prompt text, only digests, features and system-prompt hashes. The tool
 * flags are not in the key: they only finish the category (`categoryWith`), so one analysis of a text
 * serves every combination of them.
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
// A namespace import: `crypto.hash` is missing before Node 20.12, and a named import of it would fail to load.
import * as crypto from "node:crypto";
import type { AnalysedContent, ContentMemo } from "../core/features/content-cache.ts";
import { analyseText, contentFeaturesOf, systemHashOf } from "../core/features/request-features.ts";
import type { ContentInput, TextAnalysis } from "../core/features/request-features.ts";

/** Entries per generation by default: two of them hold up to 32,768 contents, ~31 MB (~1 KB each, no text). */
export const DIGEST_MEMO_ENTRIES = 16_384;

/** `crypto.hash` (Node 20.12+) is the cheap one-shot form; older 20.x use `createHash`. Both read a string as UTF-8. */
const sha256Utf8: (s: string) => string =
  typeof crypto.hash === "function" ? (s) => crypto.hash("sha256", s, "base64") : (s) => crypto.createHash("sha256").update(s).digest("base64");

/**
 * SHA-256 of a string's code units, without collisions between strings: UTF-8 is one-to-one on well-formed
 * strings only (it writes every lone surrogate, which a JSON body can carry as `\ud800`, as the bytes of U+FFFD),
 * so a string that is not well formed is hashed as UTF-16 instead, under another tag.
 */
function digest(s: string): string {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed() ? sha256Utf8(`8${s}`) : crypto.createHash("sha256").update(`16${s}`, "utf16le").digest("base64");
}

/**
 * One content: its text analysis and system hash, and the features finished for each combination of the two
 * tool flags met so far (an agent's first step has no tool turn yet, the next ones have: same text, one analysis).
 */
interface Entry {
  readonly text: TextAnalysis;
  readonly systemHash: number;
  readonly byFlags: Array<AnalysedContent | undefined>;
}

export class DigestContentMemo implements ContentMemo {
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  private readonly salt = crypto.randomBytes(16).toString("base64");
  /** Lookups whose text was analysed before / that analysed it, since start. */
  hits = 0;
  misses = 0;

  constructor(private readonly perGeneration: number = DIGEST_MEMO_ENTRIES) {
    if (!(Number.isInteger(perGeneration) && perGeneration >= 1)) throw new RangeError(`digest memo size must be a positive integer, got ${perGeneration}`);
  }

  /** Entries held (both generations). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /**
   * `scope`: the account. Entries are per account, so the memo tells nothing about what other accounts sent:
   * a hit answers faster (a new account is analysed before its decision), and a shared memo would let an
   * account probe, by timing, whether someone else had sent a given system prompt and message.
   */
  analyse(input: ContentInput, scope: string): AnalysedContent {
    const { system, lastUser } = input;
    // Lengths first, so the splits between account, system text and user text are unambiguous.
    const key = digest(`${this.salt}${scope.length}:${scope}${system.length}:${system}${lastUser}`);
    let entry = this.young.get(key);
    if (entry === undefined) {
      entry = this.old.get(key);
      if (entry !== undefined) {
        this.old.delete(key);
        this.put(key, entry);
      }
    }
    if (entry === undefined) {
      this.misses++;
      entry = { text: analyseText(system, lastUser), systemHash: input.systemHash ?? systemHashOf(system), byFlags: [undefined, undefined, undefined, undefined] };
      this.put(key, entry);
    } else this.hits++;
    const flags = (input.toolsDefined ? 2 : 0) + (input.toolTurns ? 1 : 0);
    let done = entry.byFlags[flags];
    if (done === undefined) {
      done = { features: contentFeaturesOf(entry.text, input.toolsDefined, input.toolTurns), systemHash: entry.systemHash };
      entry.byFlags[flags] = done;
    }
    return done;
  }

  /** The digests held (for tests: they must not carry text). */
  keys(): string[] {
    return [...this.young.keys(), ...this.old.keys()];
  }

  private put(key: string, v: Entry): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, v);
  }
}
