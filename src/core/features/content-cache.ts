/**
 * A bounded memo of the content analysis of one exchange (CoT cues, category, template skeleton and
 * MinHash bands, problem hash), keyed by the exact text it reads. Traffic repeats content a lot:
 * conversations re-send their history, accounts share system prompts, campaigns and benchmark runs send
 * the same problems again (about 70% of the exchanges of the simulator's logs). The analysis is pure, so
 * a repeat can take the stored result: features are identical with or without the cache.
 *
 * The key is the text itself, not a hash of it, so two different texts can never share a result. Memory is
 * bounded by the characters of the keys held: two generations, the older one dropped when the newer fills
 * (entries read from the older one move to the newer), which keeps recent and often repeated content.
 * The cache holds raw prompt text in memory for as long as the scan runs; it is never written anywhere.
 */
import type { Category } from "../text/index.ts";
import { analyseContent, systemHashOf } from "./request-features.ts";
import type { ContentInput } from "./request-features.ts";

/** The part of an exchange's features that depends only on its prompt text (see `contentKey`). */
export interface ContentFeatures {
  /** 0..1 chain-of-thought elicitation strength of system prompt + last user turn. */
  readonly cot: number;
  /** Frozen: shared by every exchange with the same content. */
  readonly cotCues: readonly string[];
  readonly category: Category;
  /** Hash of the template skeleton (slots masked). */
  readonly skeletonHash: number;
  /**
   * LSH bands of the skeleton's MinHash as numbers (band index * 2^32 + 32-bit hash of the band):
   * near-duplicate templates share at least one. Numbers, not strings: accounts keep them in sketches.
   * Frozen: shared by every exchange with the same content.
   */
  readonly templateBands: readonly number[];
  /** Hash of the last user turn, normalised: the "problem" (repeats = rejection sampling). */
  readonly problemHash: number;
}

/** What `analyseRequest` takes from a memo: the content features and the system prompt's `hash32` (0 for none). */
export interface AnalysedContent {
  readonly features: ContentFeatures;
  readonly systemHash: number;
}

/**
 * A memo of the content analysis, as `analyseRequest` uses it: the result for `input`, stored or computed as
 * without a memo. The analysis is pure, so a memo changes no feature: only how often the text is read.
 * `ContentCache` (below) keys by the text itself (`moat scan`); the gateway's keys by a salted digest, so it
 * holds no prompt text (src/gateway/content-digest-memo.ts).
 */
export interface ContentMemo {
  /** `scope`: the exchange's account, for memos that keep accounts apart (the gateway's; a replay's need not). */
  analyse(input: ContentInput, scope: string): AnalysedContent;
}

/** Default bound: characters of keys held over both generations (about 2 bytes each at worst). */
export const DEFAULT_CACHE_CHARS = 16 * 1024 * 1024;

/** Texts longer than this are analysed every time and never stored (a single huge prompt would evict everything). */
const MAX_KEY_CHARS = 64 * 1024;

/**
 * The exact inputs of the content analysis as one string: the two flags the category reads, then the
 * system text's length (so the split between system and user text is unambiguous), then both texts.
 */
export function contentKey(system: string, lastUser: string, toolsDefined: boolean, toolTurns: boolean): string {
  return `${toolsDefined ? "T" : "t"}${toolTurns ? "U" : "u"}${system.length}:${system}${lastUser}`;
}

/** Bounded two-generation memo from `contentKey` to `ContentFeatures`. */
export class ContentCache implements ContentMemo {
  private young = new Map<string, ContentFeatures>();
  private old = new Map<string, ContentFeatures>();
  private youngChars = 0;
  private readonly genChars: number;
  /** Lookups that found a stored result / that did not. */
  hits = 0;
  misses = 0;

  /** @param maxChars bound on the characters of keys held (both generations together). */
  constructor(maxChars: number = DEFAULT_CACHE_CHARS) {
    if (!(maxChars >= 2)) throw new RangeError(`content cache size must be >= 2 characters, got ${maxChars}`);
    this.genChars = Math.floor(maxChars / 2);
  }

  /** Entries held (both generations). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /**
   * `ContentMemo`: the features from `get` (the system hash is cheap next to the analysis: not stored). Shared by
   * all accounts: a replay answers no one, so how fast it finds an entry tells no one anything.
   */
  analyse(input: ContentInput): AnalysedContent {
    const features = this.get(contentKey(input.system, input.lastUser, input.toolsDefined, input.toolTurns), () => analyseContent(input));
    return { features, systemHash: input.systemHash ?? systemHashOf(input.system) };
  }

  /** The stored result for `key`, or `compute()`'s, stored when the key is not too long. */
  get(key: string, compute: () => ContentFeatures): ContentFeatures {
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
    const v = compute();
    if (key.length <= MAX_KEY_CHARS && key.length <= this.genChars) this.put(key, v);
    return v;
  }

  private put(key: string, v: ContentFeatures): void {
    if (this.youngChars + key.length > this.genChars) {
      this.old = this.young;
      this.young = new Map();
      this.youngChars = 0;
    }
    this.young.set(key, v);
    this.youngChars += key.length;
  }
}
