/**
 * V8 heap settings for a long-running, latency-sensitive command (`moat serve`), applied once at start-up.
 * Every pause of the main thread delays every request in flight, so the gateway's added p99 is set by its
 * GC pauses: ~2 ms per scavenge, 5-10 ms per mark-compact on one core (docs/gateway-performance.md, session 6).
 *
 * - `settleHeap`: one full collection at the end of start-up. Loading the ASN table and replaying the
 *   traffic log leave ~40 MB of garbage in the old generation; without this the first mark-compact, which
 *   frees it, falls in the first minute of traffic.
 * - `growYoungGenerationFast`: V8 shrinks the young generation to 1 MB semi-spaces after a few idle
 *   seconds and, when traffic returns, doubles it only every other scavenge. Until it is back to 16 MB,
 *   scavenges run every 15-70 ms, every request in flight (50 ms to seconds for an LLM API) outlives two of
 *   them and is promoted: 100-500 KB per scavenge for the first second of each burst, which fills the old
 *   generation and brings the mark-compacts. Growing 16x at a time gets it back in one step.
 *   Measured on the gateway bench (LLM-like, 3 rounds with idle gaps, `--trace-gc-nvp`): 9 strongly
 *   promoting scavenges at a round's start became 1-3, and the 1-2 mark-compacts per run during
 *   rounds went away.
 *
 * - `noPretenuring`: V8 watches object-literal sites whose objects survive a scavenge and, once nearly all do,
 *   allocates that site's objects straight in the old generation ("allocation-site pretenuring"). A proxy's
 *   per-request objects are the case it gets wrong: they live as long as the upstream takes (50 ms to
 *   seconds), so they outlive a scavenge, and then die long before the old generation is collected. Once V8
 *   pretenured them, every request's objects went to the old generation and mark-compacts ran about every
 *   300 ms: on the gateway bench's agentic profile, 101-131 mark-compacts in a run against 1 with pretenuring
 *   off (`--trace-gc`: "GC in old space requested", the old generation growing 25 -> 30-37 MB between them),
 *   and 534-576 µs of CPU per request against 591-690 µs.
 *
 * All go through `v8.setFlagsFromString`, which Node documents as usable at run time for flags V8 reads
 * when it uses them (the growth factor at each growth, pretenuring at each scavenge's feedback). They affect
 * this process only.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Growth factor of the young generation's semi-spaces (V8's default is 2). */
export const YOUNG_GENERATION_GROWTH = 16;

/**
 * Runs a full GC now; returns false (and does nothing) if this runtime does not allow it.
 * Node exposes `gc()` only under `--expose-gc`; V8 reads that flag when a context is created, so a new
 * context made just after setting it has the function. The flag is reset at once: nothing else sees it.
 */
export function settleHeap(): boolean {
  let gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== "function") {
    setFlagsFromString("--expose-gc");
    try {
      gc = runInNewContext("gc");
    } finally {
      setFlagsFromString("--no-expose-gc");
    }
  }
  if (typeof gc !== "function") return false;
  (gc as () => void)();
  return true;
}

/** See the module comment. */
export function growYoungGenerationFast(): void {
  setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GENERATION_GROWTH}`);
}

/** See the module comment. */
export function noPretenuring(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}
