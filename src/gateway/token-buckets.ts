/**
 * Token buckets keyed by string (an account or a campaign), on an injected clock. A bucket is created
 * full; buckets idle long enough to be full again are pruned, so memory follows active keys only.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Capacity. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Seconds this bucket needs to refill completely from empty (for pruning). */
  fullAfterS: number;
}

/** Seconds (rounded up, at least 1) until a bucket with `tokens` reaches one token. */
function waitSeconds(tokens: number, spec: BucketSpec): number {
  return Math.max(1, Math.ceil((1 - tokens) / spec.perSecond));
}

/** A set of buckets. `now` is epoch ms, passed in by the caller. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private ops = 0;

  /** Current tokens of `key` at `now` under `spec` (a missing bucket is full). */
  peek(key: string, spec: BucketSpec, now: number): number {
    const b = this.buckets.get(key);
    if (!b) return spec.burst;
    return Math.min(spec.burst, b.tokens + ((now - b.at) / 1000) * spec.perSecond);
  }

  /**
   * Takes one token from every bucket in `wants` if each has one; otherwise takes none and says which
   * key was empty and how long until it refills. All-or-nothing, so a campaign that is out of tokens
   * does not also drain its accounts' buckets.
   */
  takeAll(wants: ReadonlyArray<{ key: string; spec: BucketSpec }>, now: number): { ok: true } | { ok: false; key: string; retryAfterS: number } {
    for (const w of wants) {
      const t = this.peek(w.key, w.spec, now);
      if (t < 1) return { ok: false, key: w.key, retryAfterS: waitSeconds(t, w.spec) };
    }
    for (const w of wants)
      this.buckets.set(w.key, { tokens: this.peek(w.key, w.spec, now) - 1, at: now, fullAfterS: w.spec.burst / w.spec.perSecond });
    if (++this.ops % 10_000 === 0) this.prune(now);
    return { ok: true };
  }

  /** Number of live buckets (for metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** A JSON snapshot, for persistence across restarts. */
  snapshot(): Record<string, Bucket> {
    return Object.fromEntries([...this.buckets].map(([k, b]) => [k, { ...b }]));
  }

  /** Restores a snapshot (unknown shapes are skipped). */
  restore(snap: unknown): void {
    if (!snap || typeof snap !== "object") return;
    for (const [k, v] of Object.entries(snap as Record<string, unknown>)) {
      const b = v as { tokens?: unknown; at?: unknown; fullAfterS?: unknown };
      if (typeof b.tokens === "number" && typeof b.at === "number" && typeof b.fullAfterS === "number")
        this.buckets.set(k, { tokens: b.tokens, at: b.at, fullAfterS: b.fullAfterS });
    }
  }

  // A bucket idle long enough to be full again is indistinguishable from a missing one: drop it.
  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at >= b.fullAfterS * 1000) this.buckets.delete(k);
  }
}
